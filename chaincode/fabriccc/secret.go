package fabriccc

import "github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

// The consortium secret's distribution (package contract, secret.go).

func (b *Blacklist) RegisterNodeKey(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RegisterNodeKey", request)
}

func (b *Blacklist) SealSecret(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SealSecret", request)
}

func (b *Blacklist) SecretStatus(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SecretStatus", request)
}
