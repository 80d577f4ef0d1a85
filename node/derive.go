package node

import (
	"context"
	"errors"
	"time"

	"github.com/assoc-ledger/blacklist/node/watchlist"
)

// DeriveSubjectKey validates an identity number and derives its subject
// key for a client. Raw IDs are enumerable, so every derivation counts
// against the member's daily derivation budget (ErrOverBudget past it) and
// leaves one audit entry of kind "derive", whatever the outcome: the
// subject key when the number was valid (even when refused for budget,
// so that an auditor sees what was tried), none when it was not.
func (n *Node) DeriveSubjectKey(ctx context.Context, c *Client, idType, number string) (string, error) {
	e := AuditEntry{Client: c.Name, Member: c.Member, Kind: AuditDerive, Outcome: OutcomeOK}
	key, err := n.deriver.Derive(idType, number)
	if err == nil {
		e.Subject = key
		err = n.spend(ctx, c, SpendDerivations, 1)
	}
	switch {
	case errors.Is(err, ErrOverBudget):
		e.Outcome = OutcomeOverBudget
	case err != nil:
		e.Outcome = OutcomeError
	}
	if aerr := n.audit([]AuditEntry{e}); aerr != nil {
		return "", aerr
	}
	if err != nil {
		return "", err
	}
	return key, nil
}

// auditedDeriver is the import's deriver for a client: each identity
// number is a derivation, budgeted and audited like DeriveSubjectKey.
func (n *Node) auditedDeriver(c *Client) watchlist.Deriver {
	return func(idType, number string) (string, error) {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		return n.DeriveSubjectKey(ctx, c, idType, number)
	}
}
