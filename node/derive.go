package node

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

// DeriveSubjectKey validates an identity number and derives its subject
// key for a client. Raw IDs are enumerable, so every derivation counts
// against the member's daily derivation budget (ErrOverBudget past it) and
// leaves one audit entry of kind "derive", whatever the outcome: the
// subject key when the number was valid (even when refused for budget,
// so that an auditor sees what was tried), none when it was not.
func (n *Node) DeriveSubjectKey(ctx context.Context, c *Client, idType, number string) (string, error) {
	e := AuditEntry{Client: c.Name, Member: c.Member, Kind: AuditDerive, Outcome: OutcomeOK}
	if err := n.Authorize(ctx, c, DeriveKeys); err != nil {
		e.Outcome = OutcomeDenied
		if aerr := n.audit([]AuditEntry{e}); aerr != nil {
			return "", aerr
		}
		return "", err
	}
	key, err := n.SubjectKey(idType, number)
	if err == nil {
		e.Subject = key
		err = n.spend(ctx, c, SpendDerivations, 1)
	}
	var invalid *subjectkey.ValidationError
	switch {
	case errors.Is(err, ErrOverBudget):
		e.Outcome = OutcomeOverBudget
	case errors.As(err, &invalid):
		// A number that is not valid is refused, like a lookup without a
		// purpose.
		e.Outcome = OutcomeDenied
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

// IDNumber is one raw identity number of a request.
type IDNumber struct{ Type, Number string }

// DeriveSubjectKeys derives the identity numbers of one request (a lookup
// by ID) for a client, all or nothing: when any number is invalid, invalid
// says which (by index) and nothing is counted; otherwise all of them count
// against the member's daily derivation budget at once (ErrOverBudget,
// nothing counted, when they do not fit). Either way each number leaves one
// audit entry of kind "derive" with its outcome.
func (n *Node) DeriveSubjectKeys(ctx context.Context, c *Client, ids []IDNumber) (keys []string, invalid map[int]error, err error) {
	err = n.Authorize(ctx, c, DeriveKeys)
	if err == nil && len(ids) > MaxLookup {
		err = ErrTooMany
	}
	if err != nil {
		entries := make([]AuditEntry, len(ids))
		for i := range entries {
			entries[i] = AuditEntry{Client: c.Name, Member: c.Member, Kind: AuditDerive, Outcome: OutcomeDenied}
		}
		if aerr := n.audit(entries); aerr != nil {
			return nil, nil, aerr
		}
		return nil, nil, err
	}
	keys = make([]string, len(ids))
	entries := make([]AuditEntry, len(ids))
	for i, id := range ids {
		entries[i] = AuditEntry{Client: c.Name, Member: c.Member, Kind: AuditDerive, Outcome: OutcomeOK}
		k, derr := n.SubjectKey(id.Type, id.Number)
		if errors.Is(derr, ErrSecretUnavailable) {
			// No number can be derived on this node now: the request
			// fails whole, as unavailable, not as invalid numbers.
			for j := range entries {
				entries[j] = AuditEntry{Client: c.Name, Member: c.Member, Kind: AuditDerive, Outcome: OutcomeError}
			}
			if aerr := n.audit(entries); aerr != nil {
				return nil, nil, aerr
			}
			return nil, nil, derr
		}
		if derr != nil {
			if invalid == nil {
				invalid = map[int]error{}
			}
			invalid[i] = derr
			continue
		}
		keys[i], entries[i].Subject = k, k
	}
	outcome := OutcomeOK
	switch {
	case invalid != nil:
		outcome = OutcomeDenied
	default:
		err = n.spend(ctx, c, SpendDerivations, len(ids))
		if errors.Is(err, ErrOverBudget) {
			outcome = OutcomeOverBudget
		} else if err != nil {
			outcome = OutcomeError
		}
	}
	for i := range entries {
		if _, bad := invalid[i]; bad || outcome != OutcomeOK {
			entries[i].Outcome = outcome
		}
	}
	if aerr := n.audit(entries); aerr != nil {
		return nil, nil, aerr
	}
	if invalid != nil || err != nil {
		return nil, invalid, err
	}
	return keys, nil, nil
}

// importDeriver derives the identity numbers of one watchlist import:
// each number is a derivation, budgeted and audited like DeriveSubjectKey,
// but the budget is reserved and the audit entries written a block at a
// time, so that an import of many numbers is not one fsync per line.
// finish writes what is left and gives back what was reserved and unused;
// the import answers only after it.
type importDeriver struct {
	n *Node
	c *Client

	mu       sync.Mutex
	reserved int    // units reserved and not yet used
	day      string // the day they were reserved on
	pending  []AuditEntry
	err      error // the first failure to audit: the import fails
}

// importAuditBlock is how many derivations an import reserves and audits
// at a time.
const importAuditBlock = 1000

func (n *Node) importDeriver(c *Client) *importDeriver { return &importDeriver{n: n, c: c} }

func (d *importDeriver) derive(idType, number string) (string, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return "", d.err
	}
	e := AuditEntry{Client: d.c.Name, Member: d.c.Member, Kind: AuditDerive, Outcome: OutcomeOK}
	key, err := d.n.SubjectKey(idType, number)
	if err == nil {
		e.Subject = key
		err = d.take()
	}
	switch {
	case errors.Is(err, ErrOverBudget):
		e.Outcome = OutcomeOverBudget
	case err != nil:
		e.Outcome = OutcomeError
	}
	d.pending = append(d.pending, e)
	if len(d.pending) >= importAuditBlock {
		if ferr := d.flush(); ferr != nil {
			return "", ferr
		}
	}
	if err != nil {
		return "", err
	}
	return key, nil
}

// take uses one reserved unit, reserving a block when none is left.
func (d *importDeriver) take() error {
	if d.reserved == 0 {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		day := budgetClock().In(shanghai).Format(time.DateOnly)
		got, err := d.n.reserve(ctx, d.c, SpendDerivations, importAuditBlock)
		if err != nil {
			return err
		}
		d.reserved, d.day = got, day
	}
	d.reserved--
	return nil
}

func (d *importDeriver) flush() error {
	if len(d.pending) == 0 {
		return nil
	}
	if err := d.n.audit(d.pending); err != nil {
		d.err = err
		return err
	}
	d.pending = nil
	return nil
}

// finish audits the remaining derivations and returns the unused budget.
func (d *importDeriver) finish() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.err != nil {
		return d.err
	}
	err := d.flush()
	if rerr := d.n.refund(d.c, SpendDerivations, d.day, d.reserved); rerr != nil && err == nil {
		err = rerr
	}
	d.reserved = 0
	return err
}
