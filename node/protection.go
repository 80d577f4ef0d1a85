package node

import (
	"context"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Protective registration (identity theft) through the node: the rules are
// the contract's (protection.go there); the node checks the capability,
// runs the typed transaction as the client's member, and audits reads of a
// subject's registrations like lookups. Raw identity numbers reach these
// methods only as subject keys: callers derive them first
// (DeriveSubjectKey, audited and budgeted).

// RegisterProtection registers a subject's protection as the client's
// member (a reporter's member, or the association).
func (n *Node) RegisterProtection(ctx context.Context, c *Client, req contract.RegisterProtectionRequest) (contract.Protection, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Protect); err != nil {
		return contract.Protection{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxRegisterProtection, req)
}

// RenewProtection renews the protection in force on subject for another
// policy period from now (its registrant or the association).
func (n *Node) RenewProtection(ctx context.Context, c *Client, subject string) (contract.Protection, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Protect); err != nil {
		return contract.Protection{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxRenewProtection, contract.ProtectionRequest{Subject: subject})
}

// RemoveProtection ends the protection in force on subject (its registrant
// or the association).
func (n *Node) RemoveProtection(ctx context.Context, c *Client, subject string) (contract.Protection, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Protect); err != nil {
		return contract.Protection{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxRemoveProtection, contract.ProtectionRequest{Subject: subject})
}

// Protections answers a subject's protective registrations (the one in
// force and the history within retention) for a client with a stated
// purpose. It is a read of the subject: one audit entry of kind
// "protection" whatever the outcome, and one unit of the daily lookup
// budget.
func (n *Node) Protections(ctx context.Context, c *Client, purpose, subject string) (contract.Protections, uint64, error) {
	var none contract.Protections
	if err := n.checkRead(ctx, c, ReadProtections, purpose); err != nil {
		return none, 0, n.auditRefused(c, AuditProtection, purpose, []string{subject}, err)
	}
	if err := n.spend(ctx, c, SpendLookups, 1); err != nil {
		return none, 0, n.auditRefused(c, AuditProtection, purpose, []string{subject}, err)
	}
	out, height, err := evaluate(n, c.Member, contract.TxListProtections, contract.ProtectionRequest{Subject: subject})
	if err != nil {
		return none, 0, n.auditRefused(c, AuditProtection, purpose, []string{subject}, err)
	}
	e := AuditEntry{Client: c.Name, Member: c.Member, Subject: subject, Purpose: purpose, Kind: AuditProtection,
		Outcome: OutcomeOK, Height: height}
	if err := n.audit([]AuditEntry{e}); err != nil {
		return none, 0, err
	}
	return out, height, nil
}
