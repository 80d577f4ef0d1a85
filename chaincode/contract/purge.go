package contract

import (
	"encoding/json"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// MaxPurge bounds one PurgeExpired transaction so that its write set stays
// small enough to order and validate; the association repeats while More.
const MaxPurge = 1000

// purgeExpired deletes defaults that left query results: every key of the
// default, its closure, disputes and indexes; and protective registrations
// that ended longer than the retention ago. It walks the closed/ index in
// time order and stops at the first entry still within retention.
func (c *Contract) purgeExpired(tx *txn, arg []byte) (any, error) {
	var req PurgeRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if req.Limit == 0 {
		req.Limit = MaxPurge
	}
	if req.Limit < 0 || req.Limit > MaxPurge {
		return nil, errorf(CodeInvalidArgument, "limit: must be 1 to %d", MaxPurge)
	}
	if err := tx.requireAssociation("purge records"); err != nil {
		return nil, err
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	cutoff := FormatTime(tx.now.AddDate(-p.RetentionYears, 0, 0))
	var due []marker
	res := PurgeResult{}
	err = tx.st.Scan("closed", nil, func(k string, v []byte) error {
		_, attrs, err := state.SplitCompositeKey(k)
		if err != nil {
			return err
		}
		if attrs[0] > cutoff {
			return state.ErrStop
		}
		if len(due) == req.Limit {
			res.More = true
			return state.ErrStop
		}
		var m marker
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		due = append(due, m)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, m := range due {
		purge := tx.purgeDefault
		if m.Kind == markerProtection {
			purge = tx.purgeProtection
		}
		n, err := purge(m.Subject, m.ID, p)
		if err != nil {
			return nil, err
		}
		res.Purged += n
	}
	return res, nil
}

// purgeDefault deletes one default and everything hanging off it, if it has
// expired; it returns 1 when it deleted, 0 when already gone (a default can
// have two closed/ entries: closure and upheld dispute).
func (tx *txn) purgeDefault(subject, id string, p *Policy) (int, error) {
	defs, err := loadSubject(tx.st, subject)
	if err != nil {
		return 0, err
	}
	for _, d := range defs {
		if d.rec.ID != id {
			continue
		}
		ended := d.endedAt()
		if !p.expired(ended, tx.now) {
			return 0, nil
		}
		del := []string{defaultKey(subject, id), attKey(id)}
		var loan loanIndex
		if ok, err := getJSON(tx.st, loanKey(d.rec.Payload.Reporter, d.rec.Payload.LoanRef), &loan); err != nil {
			return 0, err
		} else if ok && loan.ID == id {
			del = append(del, loanKey(d.rec.Payload.Reporter, d.rec.Payload.LoanRef))
		}
		if d.closure != nil {
			del = append(del, closureKey(subject, id), attKey(d.closure.ID), closedKey(d.closure.RecordedAt, subject, id))
		}
		for _, disp := range d.disputes {
			del = append(del, disputeKey(subject, disp.ID), disputeIndexKey(disp.ID))
			if disp.State == DisputeUpheld {
				del = append(del, closedKey(disp.ResolvedAt, subject, id))
			}
		}
		for _, k := range del {
			if err := tx.st.Delete(k); err != nil {
				return 0, err
			}
		}
		return 1, nil
	}
	return 0, nil
}
