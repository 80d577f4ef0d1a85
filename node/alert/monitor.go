package alert

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
	"github.com/assoc-ledger/blacklist/node/watchlist"
)

// Options say where alerts come from and go.
type Options struct {
	// DB is the node's store; alerts live beside the watchlists.
	DB        *badger.DB
	Watchlist *watchlist.Watchlist
	// Ledger answers the status of newly watched subjects.
	Ledger ledger.Ledger
	// Feed is the ledger's committed changes; nil when the backend has
	// none, and then only already-listed alerts are raised.
	Feed ledger.Feed
	// Logf reports derivation errors, which are retried; silent when nil.
	Logf func(format string, args ...any)
	// Raised, if set, is called with each alert once it is stored.
	Raised func(Alert)
	// Active, if set, says whether a member may be alerted now; the
	// monitor raises nothing for a member that is not (suspended or
	// expelled), so such a member never learns of changes committed
	// while it was out. An error stops derivation, which is retried.
	Active func(member string) (bool, error)
	// Audit, if set, records the alerts about to be stored: an alert
	// tells its member about a subject, like a lookup. It is called
	// before they are stored, so no alert exists that is not on record.
	Audit func([]Alert) error
	// Plan, if set, attaches a handling plan to an alert about to be
	// stored (the member's alert rules); an error stops derivation, which
	// is retried.
	Plan func(*Alert) error
}

// Monitor raises and keeps alerts.
type Monitor struct {
	Options
	db *badger.DB

	// mu serialises everything that raises alerts: derivation from the
	// feed and watchlist additions. It guards seq and pos.
	mu      sync.Mutex
	seq     uint64
	pos     uint64
	posSave time.Time
	raised  ledger.Heights // the last sequence number stored
}

// maxAlertsPerTxn bounds one badger transaction of derived alerts; a
// bulk report on a watched book commits in several steps.
const maxAlertsPerTxn = 2000

// Open loads the alert store's counters.
func Open(opts Options) (*Monitor, error) {
	m := &Monitor{Options: opts, db: opts.DB}
	if m.Logf == nil {
		m.Logf = func(string, ...any) {}
	}
	err := m.db.View(func(txn *badger.Txn) error {
		var err error
		if m.seq, err = readUint(txn, seqKey); err != nil {
			return err
		}
		m.pos, err = readUint(txn, posKey)
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("open alerts: %w", err)
	}
	m.raised.Set(m.seq)
	return m, nil
}

// Last is the id of the last alert raised on this node (0: none yet).
func (m *Monitor) Last() uint64 {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.seq
}

// Wait blocks until an alert with an id beyond after exists, or ctx ends.
func (m *Monitor) Wait(ctx context.Context, after uint64) error {
	return m.raised.Wait(ctx, after+1)
}

// Run follows the feed and raises alerts until ctx ends. Errors (a store
// that cannot be written, an event that cannot be read) are logged and
// retried from the same position.
func (m *Monitor) Run(ctx context.Context) {
	if m.Feed == nil {
		return
	}
	bo := backoff.New(100*time.Millisecond, 30*time.Second)
	for ctx.Err() == nil {
		next, err := m.catchUp()
		if err != nil {
			wait := bo.Next()
			m.Logf("alerts: %v; retrying in %s", err, wait)
			_ = backoff.Sleep(ctx, wait)
			continue
		}
		bo.Reset()
		if err := m.Feed.WaitForChanges(ctx, next); err != nil {
			return
		}
	}
}

// catchUp derives alerts from everything committed beyond the position
// and returns the new position.
func (m *Monitor) catchUp() (uint64, error) {
	for {
		m.mu.Lock()
		from := m.pos
		m.mu.Unlock()
		var changes []ledger.Change
		next, err := m.Feed.Changes(from, func(c ledger.Change) error {
			changes = append(changes, c)
			return nil
		})
		if err != nil {
			return from, err
		}
		if next == from {
			return next, nil
		}
		if err := m.derive(changes, next); err != nil {
			return from, err
		}
	}
}

// derive raises the alerts of changes and moves the position to next.
func (m *Monitor) derive(changes []ledger.Change, next uint64) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	var batch []Alert
	seq := m.seq
	for i, c := range changes {
		if len(batch) >= maxAlertsPerTxn && c.Position != changes[i-1].Position {
			if err := m.commit(batch, seq, c.Position); err != nil {
				return err
			}
			batch = nil
		}
		items, err := items(c)
		if err != nil {
			return err
		}
		for _, it := range items {
			if it.Member != "" {
				// Addressed to one member (budget-exceeded), not to
				// the subject's watchers.
				seq++
				a := it
				a.ID, a.RaisedAt = strconv.FormatUint(seq, 10), now()
				batch = append(batch, a)
				continue
			}
			watchers, err := m.Watchlist.Watchers(it.SubjectKey)
			if err != nil {
				return err
			}
			for member, e := range watchers {
				if m.Active != nil {
					if ok, err := m.Active(member); err != nil {
						return err
					} else if !ok {
						continue
					}
				}
				if it.Kind == KindDefault {
					if marked, err := m.marked(member, it.AttestationID); err != nil {
						return err
					} else if marked {
						continue
					}
				}
				a := it
				seq++
				a.ID, a.Member, a.Label, a.RaisedAt = strconv.FormatUint(seq, 10), member, e.Label, now()
				batch = append(batch, a)
			}
		}
	}
	if len(batch) == 0 && time.Since(m.posSave) < time.Second {
		// Nothing to keep but the position: it is saved at most once a
		// second, since deriving a stretch twice after a crash raises
		// nothing new when the stretch had no alerts.
		m.pos = next
		return nil
	}
	return m.commit(batch, seq, next)
}

// commit stores batch (whose last id is seq) with the feed position pos.
func (m *Monitor) commit(batch []Alert, seq, pos uint64) error {
	if err := m.plan(batch); err != nil {
		return err
	}
	if err := m.audit(batch); err != nil {
		return err
	}
	err := m.db.Update(func(txn *badger.Txn) error {
		if err := writeAlerts(txn, batch); err != nil {
			return err
		}
		if err := txn.Set(seqKey, store.Uint64Bytes(seq)); err != nil {
			return err
		}
		return txn.Set(posKey, store.Uint64Bytes(pos))
	})
	if err != nil {
		return err
	}
	m.seq, m.pos, m.posSave = seq, pos, time.Now()
	m.published(batch)
	return nil
}

// plan attaches the members' handling plans to batch.
func (m *Monitor) plan(batch []Alert) error {
	if m.Plan == nil {
		return nil
	}
	for i := range batch {
		if err := m.Plan(&batch[i]); err != nil {
			return fmt.Errorf("alert rules: %w", err)
		}
	}
	return nil
}

func (m *Monitor) audit(batch []Alert) error {
	if m.Audit == nil || len(batch) == 0 {
		return nil
	}
	if err := m.Audit(batch); err != nil {
		return fmt.Errorf("auditing alerts: %w", err)
	}
	return nil
}

// published announces stored alerts; called with mu held.
func (m *Monitor) published(batch []Alert) {
	if len(batch) == 0 {
		return
	}
	if m.Raised != nil {
		for _, a := range batch {
			m.Raised(a)
		}
	}
	m.raised.Set(m.seq)
}

func (m *Monitor) marked(member, attestation string) (bool, error) {
	return store.View(m.db, markerKey(member, attestation), nil)
}

// items turns one committed change into alerts without a member.
func items(c ledger.Change) ([]Alert, error) {
	base := Alert{Height: c.Position, TxID: c.TxID, Time: c.Time.UTC().Format(time.RFC3339)} // whole seconds (RFC 3339, UTC): an alert's time is for people
	switch c.Name {
	case contract.EventAttestations:
		var evs []contract.AttestationEvent
		if err := json.Unmarshal(c.Payload, &evs); err != nil {
			return nil, fmt.Errorf("tx %s: attestations event: %w", c.TxID, err)
		}
		out := make([]Alert, 0, len(evs))
		for _, e := range evs {
			a := base
			a.Kind, a.SubjectKey, a.AttestationID, a.RefersTo, a.Reporter = e.Type, e.Subject, e.ID, e.RefersTo, e.Reporter
			switch e.Type {
			case KindDefault, KindSettlement, KindRevocation:
			default:
				return nil, fmt.Errorf("tx %s: attestation %s of unknown type %q", c.TxID, e.ID, e.Type)
			}
			out = append(out, a)
		}
		return out, nil
	case contract.EventDisputes:
		var e contract.DisputeEvent
		if err := json.Unmarshal(c.Payload, &e); err != nil {
			return nil, fmt.Errorf("tx %s: disputes event: %w", c.TxID, err)
		}
		a := base
		a.SubjectKey, a.AttestationID, a.DisputeID, a.Reporter = e.Subject, e.AttestationID, e.ID, e.Reporter
		if e.State == contract.DisputeOpen {
			a.Kind = KindDisputeOpened
		} else {
			a.Kind, a.Outcome = KindDisputeResolved, e.State
		}
		return []Alert{a}, nil
	case contract.EventBudgetExceeded:
		var e contract.BudgetExceeded
		if err := json.Unmarshal(c.Payload, &e); err != nil {
			return nil, fmt.Errorf("tx %s: budget-exceeded event: %w", c.TxID, err)
		}
		if e.Association == "" {
			return nil, nil
		}
		a := base
		a.Kind, a.Member, a.Reporter = KindBudgetExceeded, e.Association, e.Member
		a.Budget = &Budget{Member: e.Member, Kind: e.Kind, Day: e.Day, Count: e.Count, Limit: e.Budget}
		return []Alert{a}, nil
	case contract.EventLogDivergence:
		var e contract.LogDivergence
		if err := json.Unmarshal(c.Payload, &e); err != nil {
			return nil, fmt.Errorf("tx %s: log-divergence event: %w", c.TxID, err)
		}
		if e.Association == "" {
			return nil, nil
		}
		a := base
		a.Kind, a.Member, a.Reporter = KindLogDivergence, e.Association, e.Member
		a.Divergence = &Divergence{Member: e.Member, Origin: e.Origin, Size: e.Size, RootHash: e.RootHash, Other: e.Other, OtherRootHash: e.OtherRootHash}
		return []Alert{a}, nil
	case contract.EventProtections:
		var e contract.ProtectionEvent
		if err := json.Unmarshal(c.Payload, &e); err != nil {
			return nil, fmt.Errorf("tx %s: protections event: %w", c.TxID, err)
		}
		a := base
		a.Kind, a.SubjectKey, a.Reporter = KindProtection, e.Subject, e.By
		a.Protection = &ProtectionChange{Action: e.Action, ReasonCode: e.ReasonCode, Since: e.Since, Until: e.Until}
		return []Alert{a}, nil
	case contract.EventPublicationDivergence:
		var e contract.PublicationDivergence
		if err := json.Unmarshal(c.Payload, &e); err != nil {
			return nil, fmt.Errorf("tx %s: publication-divergence event: %w", c.TxID, err)
		}
		if e.Association == "" {
			return nil, nil
		}
		a := base
		a.Kind, a.Member, a.Reporter = KindPublicationDivergence, e.Association, e.Member
		a.Publication = &PublicationDivergence{Member: e.Member, Number: e.Number, Digest: e.Digest, RecordedDigest: e.RecordedDigest}
		return []Alert{a}, nil
	}
	// Events this version does not know raise nothing.
	return nil, nil
}
