package fabriccc

import "github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

// Publications of the blacklist to credit agencies (contract/publish.go).

func (b *Blacklist) RecordPublication(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RecordPublication", request)
}

func (b *Blacklist) GetPublication(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "GetPublication", request)
}
