package fabriccc

import "github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

// Publications of the blacklist to credit agencies (contract/publish.go).

func (b *Blacklist) RecordPublication(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RecordPublication", request)
}

func (b *Blacklist) GetPublication(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "GetPublication", request)
}

func (b *Blacklist) CosignPublication(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "CosignPublication", request)
}

func (b *Blacklist) ListPublicationCosignatures(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ListPublicationCosignatures", request)
}

func (b *Blacklist) ReportPublicationDivergence(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ReportPublicationDivergence", request)
}
