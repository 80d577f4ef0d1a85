//go:build tools

// Package tools pins fabric-ca's server and client, which
// scripts/fabric-build.sh builds for the local network: an organisation that
// scripts/network.sh add-org adds to the running channel creates its
// identities with its own fabric-ca-server (docs/fabric-network.md).
//
// It is a module of its own, apart from network/tools (Fabric 3.1.1): in one
// module, Go's minimal version selection gives fabric-ca Fabric's newer
// dependencies, and with spf13/viper v1.20 instead of the v1.7.0 fabric-ca
// v1.5.15 requires, the server stores its bootstrap registrar's attributes
// with lower-cased names (hf.registrar.roles), so that the registrar cannot
// register anyone ("is not a registrar").
package tools

import (
	_ "github.com/hyperledger/fabric-ca/cmd/fabric-ca-client"
	_ "github.com/hyperledger/fabric-ca/cmd/fabric-ca-server"
)
