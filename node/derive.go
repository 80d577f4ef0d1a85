package node

import (
	"context"
	"fmt"
	"sync"

	"github.com/assoc-ledger/blacklist/node/watchlist"
)

// IDNumber is a raw identity number as a bank system sends it. It is
// turned into a subject key and forgotten: never stored, logged or
// audited.
type IDNumber struct {
	Type   string
	Number string
}

// InvalidID is one identity number that could not be turned into a key.
type InvalidID struct {
	Index int
	Err   error
}

// InvalidIDsError reports the identity numbers of a request that are not
// valid; nothing was derived or looked up.
type InvalidIDsError struct{ Invalid []InvalidID }

func (e *InvalidIDsError) Error() string {
	return fmt.Sprintf("%d identity numbers are not valid; nothing was derived", len(e.Invalid))
}

// SubjectKeys turns raw identity numbers into subject keys for a client
// that may derive them. Identity numbers are enumerable, so turning many
// candidates into keys is how a key is reversed: every derivation, valid
// or not, leaves one audit entry (kind "derive", the key but never the
// number) before any key is answered. If any number is invalid, none is
// answered.
func (n *Node) SubjectKeys(ctx context.Context, c *Client, ids []IDNumber) ([]string, error) {
	err := n.Authorize(ctx, c, DeriveKeys)
	if err == nil && len(ids) > MaxLookup {
		err = ErrTooMany
	}
	if err != nil {
		entries := make([]AuditEntry, len(ids))
		for i := range entries {
			entries[i] = n.deriveEntry(c, "", err)
		}
		if aerr := n.audit(entries); aerr != nil {
			return nil, aerr
		}
		return nil, err
	}
	keys := make([]string, len(ids))
	entries := make([]AuditEntry, len(ids))
	var invalid []InvalidID
	for i, id := range ids {
		k, err := n.deriver.Derive(id.Type, id.Number)
		entries[i] = n.deriveEntry(c, k, err)
		if err != nil {
			invalid = append(invalid, InvalidID{Index: i, Err: err})
		}
		keys[i] = k
	}
	if err := n.audit(entries); err != nil {
		return nil, err
	}
	if len(invalid) > 0 {
		return nil, &InvalidIDsError{Invalid: invalid}
	}
	return keys, nil
}

func (n *Node) deriveEntry(c *Client, key string, err error) AuditEntry {
	o := OutcomeOK
	if err != nil {
		// A number that is not valid is refused, like a lookup without
		// a purpose; a client that may not derive is denied.
		o = OutcomeDenied
	}
	return AuditEntry{Client: c.Name, Member: c.Member, Subject: key, Kind: "derive", Outcome: o, Height: n.Height()}
}

// derivations collects the audit entries of derivations made while a
// watchlist import parses, for the import's next audit write. The parser
// runs a chunk ahead on its own goroutine, hence the lock.
type derivations struct {
	mu      sync.Mutex
	entries []AuditEntry
}

func (d *derivations) add(e AuditEntry) {
	d.mu.Lock()
	d.entries = append(d.entries, e)
	d.mu.Unlock()
}

// take returns the collected entries and forgets them. A nil d has none.
func (d *derivations) take() []AuditEntry {
	if d == nil {
		return nil
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	out := d.entries
	d.entries = nil
	return out
}

// derivingFor is the watchlist import's deriver for client c: each
// derivation is collected for the audit log.
func (n *Node) derivingFor(c *Client, d *derivations) watchlist.Deriver {
	return func(idType, number string) (string, error) {
		k, err := n.deriver.Derive(idType, number)
		d.add(n.deriveEntry(c, k, err))
		return k, err
	}
}
