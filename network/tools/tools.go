//go:build tools

// Package tools pins the Hyperledger Fabric binaries that scripts/fabric-build.sh
// builds for the local network (peer, orderer, configtxgen, cryptogen,
// osnadmin; configtxlator for channel configuration updates such as adding
// an organisation, see docs/fabric-network.md). It is a separate module so that Fabric's dependency graph never
// enters the main module's go.mod.
package tools

import (
	_ "github.com/hyperledger/fabric/cmd/configtxgen"
	_ "github.com/hyperledger/fabric/cmd/configtxlator"
	_ "github.com/hyperledger/fabric/cmd/cryptogen"
	_ "github.com/hyperledger/fabric/cmd/orderer"
	_ "github.com/hyperledger/fabric/cmd/osnadmin"
	_ "github.com/hyperledger/fabric/cmd/peer"
)
