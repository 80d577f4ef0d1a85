package fabriccc

import "github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

// The chaincode's transactions: each takes the JSON request documented by
// package contract and returns its JSON result.

func (b *Blacklist) Init(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "Init", request)
}

func (b *Blacklist) AdmitMember(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "AdmitMember", request)
}

func (b *Blacklist) SuspendMember(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SuspendMember", request)
}

func (b *Blacklist) ReinstateMember(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ReinstateMember", request)
}

func (b *Blacklist) ExpelMember(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ExpelMember", request)
}

func (b *Blacklist) RegisterKey(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RegisterKey", request)
}

func (b *Blacklist) RevokeKey(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RevokeKey", request)
}

func (b *Blacklist) SetPolicy(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SetPolicy", request)
}

func (b *Blacklist) SubmitAttestations(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SubmitAttestations", request)
}

func (b *Blacklist) OpenDispute(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "OpenDispute", request)
}

func (b *Blacklist) ResolveDispute(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ResolveDispute", request)
}

func (b *Blacklist) PurgeExpired(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "PurgeExpired", request)
}

func (b *Blacklist) GetMember(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "GetMember", request)
}

func (b *Blacklist) ListMembers(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ListMembers", request)
}

func (b *Blacklist) GetPolicy(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "GetPolicy", request)
}

func (b *Blacklist) GetAttestation(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "GetAttestation", request)
}

func (b *Blacklist) SubjectStatus(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SubjectStatus", request)
}

func (b *Blacklist) SubjectStatuses(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SubjectStatuses", request)
}

func (b *Blacklist) SubjectHistory(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "SubjectHistory", request)
}

func (b *Blacklist) ListDisputes(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ListDisputes", request)
}

func (b *Blacklist) StateDigest(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "StateDigest", request)
}

func (b *Blacklist) AnchorAudit(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "AnchorAudit", request)
}

func (b *Blacklist) ReportBudgetExceeded(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ReportBudgetExceeded", request)
}

func (b *Blacklist) ListAuditAnchors(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ListAuditAnchors", request)
}

func (b *Blacklist) RegisterProtection(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RegisterProtection", request)
}

func (b *Blacklist) RenewProtection(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RenewProtection", request)
}

func (b *Blacklist) RemoveProtection(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "RemoveProtection", request)
}

func (b *Blacklist) ListProtections(ctx contractapi.TransactionContextInterface, request string) (string, error) {
	return b.run(ctx, "ListProtections", request)
}
