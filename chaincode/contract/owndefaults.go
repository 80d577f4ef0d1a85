package contract

import (
	"fmt"
	"sort"
	"time"

	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// OwnDefaults lists the creator's own defaults (the reporter's book on the
// ledger), for batch litigation exports: by loan reference, or all of them
// page by page, optionally only those still active and recorded before a
// time. A member sees only what it filed itself.

// MaxOwnDefaults bounds one OwnDefaults answer and its loan references.
const MaxOwnDefaults = 1000

// OwnDefaultsRequest is the argument of OwnDefaults.
type OwnDefaultsRequest struct {
	// LoanRefs selects these loans (at most MaxOwnDefaults); empty: all,
	// in loan-reference order from After.
	LoanRefs []string `json:"loanRefs,omitempty"`
	After    string   `json:"after,omitempty"`
	// RecordedBefore (RFC 3339) keeps defaults the ledger recorded
	// before it.
	RecordedBefore string `json:"recordedBefore,omitempty"`
	// ActiveOnly keeps defaults in state active.
	ActiveOnly bool `json:"activeOnly,omitempty"`
	// Limit bounds how many loans a listing of all reads (1 to
	// MaxOwnDefaults; 0: MaxOwnDefaults). The filters above apply to
	// those, so a page may hold fewer; Next continues after them.
	Limit int `json:"limit,omitempty"`
}

// OwnDefault is one of the reporter's defaults.
type OwnDefault struct {
	ID           string `json:"id"`
	LoanRef      string `json:"loanRef"`
	Subject      string `json:"subject"`
	Amount       int64  `json:"amount"`
	Currency     string `json:"currency"`
	OverdueSince string `json:"overdueSince"`
	DaysPastDue  int    `json:"daysPastDue"`
	RecordedAt   string `json:"recordedAt"`
	State        string `json:"state"`
}

// OwnDefaultsResult is a page of the reporter's defaults; Missing are
// asked loan references with no default on the ledger; Next continues a
// listing of all.
type OwnDefaultsResult struct {
	Defaults []OwnDefault `json:"defaults"`
	Missing  []string     `json:"missing,omitempty"`
	Next     string       `json:"next,omitempty"`
}

func (c *Contract) ownDefaults(tx *txn, arg []byte) (any, error) {
	var req OwnDefaultsRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if len(req.LoanRefs) > MaxOwnDefaults {
		return nil, errorf(CodeInvalidArgument, "loanRefs: at most %d per request", MaxOwnDefaults)
	}
	for i, r := range req.LoanRefs {
		if !IsHexDigest(r) {
			return nil, errorf(CodeInvalidArgument, "loanRefs[%d]: must be 64 lower-case hex characters", i)
		}
	}
	if req.Limit < 0 || req.Limit > MaxOwnDefaults {
		return nil, errorf(CodeInvalidArgument, "limit: 1 to %d, or 0 for %d", MaxOwnDefaults, MaxOwnDefaults)
	}
	limit := req.Limit
	if limit == 0 {
		limit = MaxOwnDefaults
	}
	if req.After != "" && !IsHexDigest(req.After) {
		return nil, errorf(CodeInvalidArgument, "after: must be 64 lower-case hex characters")
	}
	var before string
	if req.RecordedBefore != "" {
		t, err := time.Parse(time.RFC3339, req.RecordedBefore)
		if err != nil {
			return nil, errorf(CodeInvalidArgument, "recordedBefore: not an RFC 3339 time")
		}
		before = FormatTime(t)
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	out := OwnDefaultsResult{Defaults: []OwnDefault{}}
	add := func(loanRef, id string) error {
		d, err := tx.visibleDefault(id)
		if err != nil {
			if e, ok := err.(*Error); ok && e.Code == CodeNotFound {
				out.Missing = append(out.Missing, loanRef)
				return nil
			}
			return err
		}
		st := d.state(p)
		if (req.ActiveOnly && st != StateActive) || (before != "" && d.rec.RecordedAt >= before) {
			return nil
		}
		pl := d.rec.Payload
		od := OwnDefault{ID: d.rec.ID, LoanRef: pl.LoanRef, Subject: pl.Subject, Currency: pl.Currency,
			OverdueSince: pl.OverdueSince, RecordedAt: d.rec.RecordedAt, State: st}
		if pl.Amount != nil {
			od.Amount = *pl.Amount
		}
		if pl.DaysPastDue != nil {
			od.DaysPastDue = *pl.DaysPastDue
		}
		out.Defaults = append(out.Defaults, od)
		return nil
	}
	if len(req.LoanRefs) > 0 {
		for _, r := range req.LoanRefs {
			var li loanIndex
			if ok, err := getJSON(tx.st, loanKey(m.MSPID, r), &li); err != nil {
				return nil, err
			} else if !ok {
				out.Missing = append(out.Missing, r)
				continue
			}
			if err := add(r, li.ID); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	type entry struct{ ref, id string }
	var refs []entry
	// The scan is in key order, that is by loan reference: it stops one
	// past the page (which tells there is a next one) instead of reading
	// the member's whole book.
	err = tx.st.Scan("loan", []string{m.MSPID}, func(k string, v []byte) error {
		_, attrs, err := state.SplitCompositeKey(k)
		if err != nil || len(attrs) != 2 {
			return fmt.Errorf("loan index key %q: %v", k, err)
		}
		ref := attrs[1]
		if ref <= req.After {
			return nil
		}
		var li loanIndex
		if err := fastjson.Unmarshal(v, &li); err != nil {
			return fmt.Errorf("loan index %q: %w", ref, err)
		}
		refs = append(refs, entry{ref, li.ID})
		if len(refs) > limit {
			return state.ErrStop
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(refs, func(i, j int) bool { return refs[i].ref < refs[j].ref })
	for i, r := range refs {
		if i == limit {
			out.Next = refs[i-1].ref
			break
		}
		if err := add(r.ref, r.id); err != nil {
			return nil, err
		}
	}
	out.Missing = nil // a listing has no asked references
	return out, nil
}
