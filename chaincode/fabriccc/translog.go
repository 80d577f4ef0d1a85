package fabriccc

import "github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

// The transparency log's keys and cosignatures (contract/cosign.go).

func (b *Blacklist) RegisterLogKey(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RegisterLogKey", request)
}

func (b *Blacklist) CosignCheckpoint(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "CosignCheckpoint", request)
}

func (b *Blacklist) ListLogKeys(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ListLogKeys", request)
}

func (b *Blacklist) ListCosignatures(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ListCosignatures", request)
}

func (b *Blacklist) CheckpointQuorum(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "CheckpointQuorum", request)
}

func (b *Blacklist) ReportLogDivergence(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ReportLogDivergence", request)
}

func (b *Blacklist) OwnDefaults(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "OwnDefaults", request)
}
