package alert

import (
	"encoding/json"
	"io"
	"strconv"

	fastjson "github.com/goccy/go-json"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/store"
	"github.com/assoc-ledger/blacklist/node/watchlist"
)

// AuditFunc records every subject a watchlist check read (listed or not),
// like a lookup for post-loan monitoring, before any alert it raises is
// stored: checking a subject tells the member whether it is listed, so
// each check is a lookup on record.
type AuditFunc func(checked []contract.Status, height uint64) error

// Watch adds subject to member's watchlist (or relabels it) and returns
// the already-listed alerts it raised.
func (m *Monitor) Watch(member, subject, label string, audit AuditFunc) (added bool, raised []Alert, err error) {
	if err := watchlist.Check(subject, label); err != nil {
		return false, nil, err
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	// Checking first and storing the alerts before the entry means a crash
	// in between loses no alert: the entry is simply not there yet.
	raised, err = m.alreadyListed(member, []watchlist.Entry{{SubjectKey: subject, Label: label}}, audit)
	if err != nil {
		return false, nil, err
	}
	added, err = m.Watchlist.Put(member, subject, label)
	return added, raised, err
}

// ImportResult is a watchlist import's outcome with the alerts it raised.
type ImportResult struct {
	watchlist.ImportResult
	// AlreadyListed counts the imported subjects that were listed already
	// (each raised an already-listed alert per active default).
	AlreadyListed int `json:"alreadyListed"`
}

// Import adds a stream of keys to member's watchlist (see
// watchlist.Import), checking each chunk against the ledger.
func (m *Monitor) Import(member string, r io.Reader, format string, derive watchlist.Deriver, progress func(lines int), audit AuditFunc) (ImportResult, error) {
	var res ImportResult
	wres, err := m.Watchlist.Import(member, r, format, watchlist.ImportOptions{
		Derive: derive, Progress: progress,
		Chunk: func(entries []watchlist.Entry, write func() error) error {
			m.mu.Lock()
			defer m.mu.Unlock()
			raised, err := m.alreadyListed(member, entries, audit)
			if err != nil {
				return err
			}
			// subjects, not alerts: a subject with two active defaults
			// raises two alerts but is one borrower already listed
			seen := map[string]bool{}
			for _, a := range raised {
				if !seen[a.SubjectKey] {
					seen[a.SubjectKey] = true
					res.AlreadyListed++
				}
			}
			return write()
		},
	})
	res.ImportResult = wres
	return res, err
}

// alreadyListed raises an already-listed alert for each active default of
// each listed subject among entries that member has not been told of, and
// stores them. Called with mu held.
func (m *Monitor) alreadyListed(member string, entries []watchlist.Entry, audit AuditFunc) ([]Alert, error) {
	subjects := make([]string, len(entries))
	labels := make(map[string]string, len(entries))
	for i, e := range entries {
		subjects[i] = e.SubjectKey
		labels[e.SubjectKey] = e.Label
	}
	arg, err := fastjson.Marshal(contract.SubjectsRequest{Subjects: subjects})
	if err != nil {
		return nil, err
	}
	res, err := m.Ledger.Evaluate(member, "SubjectStatuses", arg)
	if err != nil {
		return nil, err
	}
	var statuses []contract.Status
	if err := fastjson.Unmarshal(res.Payload, &statuses); err != nil {
		return nil, err
	}
	if audit != nil {
		if err := audit(statuses, res.Height); err != nil {
			return nil, err
		}
	}
	var listed []contract.Status
	for _, s := range statuses {
		if s.Listed {
			listed = append(listed, s)
		}
	}
	if len(listed) == 0 {
		return nil, nil
	}
	var batch []Alert
	seq := m.seq
	for _, s := range listed {
		arg, _ := json.Marshal(contract.SubjectRequest{Subject: s.SubjectKey})
		hres, err := m.Ledger.Evaluate(member, "SubjectHistory", arg)
		if err != nil {
			return nil, err
		}
		var h contract.History
		if err := json.Unmarshal(hres.Payload, &h); err != nil {
			return nil, err
		}
		for _, e := range h.Entries {
			if e.State != contract.StateActive {
				continue
			}
			if marked, err := m.marked(member, e.Default.ID); err != nil {
				return nil, err
			} else if marked {
				continue
			}
			seq++
			batch = append(batch, Alert{ID: strconv.FormatUint(seq, 10), Kind: KindAlreadyListed, Member: member,
				SubjectKey: s.SubjectKey, AttestationID: e.Default.ID, Reporter: e.Default.Payload.Reporter,
				Height: res.Height, TxID: e.Default.TxID, Time: e.Default.RecordedAt, Label: labels[s.SubjectKey], RaisedAt: now()})
		}
	}
	if len(batch) == 0 {
		return nil, nil
	}
	if err := m.plan(batch); err != nil {
		return nil, err
	}
	if err := m.audit(batch); err != nil {
		return nil, err
	}
	err = m.db.Update(func(txn *badger.Txn) error {
		if err := writeAlerts(txn, batch); err != nil {
			return err
		}
		return txn.Set(seqKey, store.Uint64Bytes(seq))
	})
	if err != nil {
		return nil, err
	}
	m.seq = seq
	m.published(batch)
	return batch, nil
}
