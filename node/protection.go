package node

import (
	"context"
	"errors"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Protective registration (identity theft) through the node: the rules are
// the contract's (protection.go there); the node checks the capability,
// runs the typed transaction as the client's member, and audits reads of a
// subject's registrations like lookups, and every change (a refused one
// tells whether a subject is protected) as an access to the subject. Raw
// identity numbers reach these
// methods only as subject keys: callers derive them first
// (DeriveSubjectKey, audited and budgeted).

// RegisterProtection registers a subject's protection as the client's
// member (a reporter's member, or the association).
func (n *Node) RegisterProtection(ctx context.Context, c *Client, req contract.RegisterProtectionRequest) (contract.Protection, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Protect); err != nil {
		return contract.Protection{}, ledger.Result{}, err
	}
	p, res, err := submit(ctx, n, c.Member, contract.TxRegisterProtection, req)
	return p, res, n.auditProtectionWrite(c, req.Subject, res, err)
}

// auditProtectionWrite records a protection change as an access to its
// subject (kind "protection", no purpose), whatever the outcome: a refusal
// says whether the subject is protected (409, 404), so a write is a read
// too. It returns err, or the audit's failure.
func (n *Node) auditProtectionWrite(c *Client, subject string, res ledger.Result, err error) error {
	if !contract.IsHexDigest(subject) {
		subject = ""
	}
	out := outcome(err)
	var ce *contract.Error
	if errors.As(err, &ce) && (ce.Code == contract.CodeConflict || ce.Code == contract.CodeNotFound) {
		out = OutcomeDenied
	}
	h := res.Height
	if h == 0 {
		h = n.Height()
	}
	if aerr := n.audit([]AuditEntry{{Client: c.Name, Member: c.Member, Subject: subject, Kind: AuditProtection, Outcome: out, Height: h}}); aerr != nil {
		return aerr
	}
	return err
}

// RenewProtection renews the protection in force on subject for another
// policy period from now (its registrant or the association).
func (n *Node) RenewProtection(ctx context.Context, c *Client, subject string) (contract.Protection, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Protect); err != nil {
		return contract.Protection{}, ledger.Result{}, err
	}
	p, res, err := submit(ctx, n, c.Member, contract.TxRenewProtection, contract.ProtectionRequest{Subject: subject})
	return p, res, n.auditProtectionWrite(c, subject, res, err)
}

// RemoveProtection ends the protection in force on subject (its registrant
// or the association).
func (n *Node) RemoveProtection(ctx context.Context, c *Client, subject string) (contract.Protection, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Protect); err != nil {
		return contract.Protection{}, ledger.Result{}, err
	}
	p, res, err := submit(ctx, n, c.Member, contract.TxRemoveProtection, contract.ProtectionRequest{Subject: subject})
	return p, res, n.auditProtectionWrite(c, subject, res, err)
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
