package stats

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/audit/chain"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Reader reads a subject's history through the contract as the
// association (which may read every subject), with the listing policy.
type Reader func(subject string) (contract.History, contract.Policy, error)

// Options say where the counts come from.
type Options struct {
	// DB is the node's store.
	DB *badger.DB
	// Feed is the ledger's committed changes; nil: no ledger figures.
	Feed ledger.Feed
	// Read reads a subject as the association.
	ReadSubject Reader
	// Logf reports errors, which are retried; silent when nil.
	Logf func(format string, args ...any)
}

// Counter keeps the statistics' counters.
type Counter struct {
	Options
	mu  sync.Mutex // guards pos
	pos uint64
}

// maxChangesPerTxn bounds one badger transaction of counts.
const maxChangesPerTxn = 500

// Open loads the counters' feed position.
func Open(opts Options) (*Counter, error) {
	c := &Counter{Options: opts}
	if c.Logf == nil {
		c.Logf = func(string, ...any) {}
	}
	var pos uint64
	if _, err := store.View(c.DB, store.StatsPos.Bytes(), store.Uint64(&pos)); err != nil {
		return nil, fmt.Errorf("open statistics: %w", err)
	}
	c.pos = pos
	return c, nil
}

// Position is the feed position counted up to.
func (c *Counter) Position() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.pos
}

// Run follows the feed and counts until ctx ends; errors are logged and
// the same stretch is counted again (nothing was stored of it).
func (c *Counter) Run(ctx context.Context) {
	if c.Feed == nil {
		return
	}
	bo := backoff.New(100*time.Millisecond, 30*time.Second)
	for ctx.Err() == nil {
		next, err := c.CatchUp()
		if err != nil {
			wait := bo.Next()
			c.Logf("statistics: %v; retrying in %s", err, wait)
			_ = backoff.Sleep(ctx, wait)
			continue
		}
		bo.Reset()
		if err := c.Feed.WaitForChanges(ctx, next); err != nil {
			return
		}
	}
}

// CatchUp counts everything committed beyond the position and returns
// the new position. Run calls it; tests call it to count synchronously.
func (c *Counter) CatchUp() (uint64, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for {
		from := c.pos
		var changes []ledger.Change
		next, err := c.Feed.Changes(from, func(ch ledger.Change) error {
			changes = append(changes, ch)
			return nil
		})
		if err != nil {
			return from, err
		}
		if next == from {
			return next, nil
		}
		if len(changes) == 0 {
			// Transactions without events: only the position moves.
			if err := c.count(nil, next); err != nil {
				return from, err
			}
		}
		for len(changes) > 0 {
			// A transaction of counts ends at a position boundary, so
			// the position stored after it is exact.
			n := min(len(changes), maxChangesPerTxn)
			for n < len(changes) && changes[n].Position == changes[n-1].Position {
				n++
			}
			end := next
			if n < len(changes) {
				end = changes[n].Position
			}
			if err := c.count(changes[:n], end); err != nil {
				return from, err
			}
			changes = changes[n:]
		}
	}
}

// tally is a stretch's counts before they are added to the store.
type tally struct {
	add    map[string]int64  // counter key (without prefix) -> increment
	opened map[string]string // dispute id -> due time
	closed map[string]time.Time
	// standing is each touched subject's standing after each change that
	// touched it, in feed order.
	standing []standing
}

type standing struct {
	subject string
	at      time.Time
	listed  bool
}

func (t *tally) inc(period, metric, dim, value string) {
	t.add[period+"/"+metric+"/"+dim+"/"+value]++
}

type subjectRead struct {
	h contract.History
	p contract.Policy
}

// count adds the counts of changes and moves the position to next.
func (c *Counter) count(changes []ledger.Change, next uint64) error {
	t := tally{add: map[string]int64{}, opened: map[string]string{}, closed: map[string]time.Time{}}
	reads := map[string]*subjectRead{}
	subject := func(key string) (*subjectRead, error) {
		if r, ok := reads[key]; ok {
			return r, nil
		}
		h, p, err := c.ReadSubject(key)
		if err != nil {
			return nil, fmt.Errorf("reading subject %s: %w", key, err)
		}
		r := &subjectRead{h, p}
		reads[key] = r
		return r, nil
	}
	for _, ch := range changes {
		periods := []string{"w" + weekOf(ch.Time), "m" + monthOf(ch.Time)}
		var touched []string
		switch ch.Name {
		case contract.EventAttestations:
			var evs []contract.AttestationEvent
			if err := json.Unmarshal(ch.Payload, &evs); err != nil {
				return fmt.Errorf("tx %s: attestations event: %w", ch.TxID, err)
			}
			for _, e := range evs {
				r, err := subject(e.Subject)
				if err != nil {
					return err
				}
				if !slices.Contains(touched, e.Subject) {
					touched = append(touched, e.Subject)
				}
				var metric, def string
				switch e.Type {
				case "default":
					metric, def = "def", e.ID
				case "settlement":
					metric, def = "set", e.RefersTo
				case "revocation":
					metric, def = "rev", e.RefersTo
				default:
					continue
				}
				product := productOf(r.h, def)
				var bucket string
				if metric == "def" {
					_, reporters := contract.StandingAt(r.h, r.p, ch.Time)
					bucket = reporterBucket(reporters, e.Reporter)
				}
				for _, p := range periods {
					t.inc(p, metric, "t", "")
					t.inc(p, metric, "r", e.Reporter)
					t.inc(p, metric, "p", product)
					if bucket != "" {
						t.inc(p, "drc", "n", bucket)
					}
				}
			}
		case contract.EventDisputes:
			var e contract.DisputeEvent
			if err := json.Unmarshal(ch.Payload, &e); err != nil {
				return fmt.Errorf("tx %s: disputes event: %w", ch.TxID, err)
			}
			r, err := subject(e.Subject)
			if err != nil {
				return err
			}
			touched = append(touched, e.Subject)
			if e.State == contract.DisputeOpen {
				for _, p := range periods {
					t.inc(p, "dsp", "opened", "")
				}
				t.opened[e.ID] = dueOf(r.h, e.ID, ch.Time)
				delete(t.closed, e.ID)
			} else {
				for _, p := range periods {
					t.inc(p, "dsp", "answered", "")
				}
				t.closed[e.ID] = ch.Time
			}
		}
		for _, s := range touched {
			r := reads[s]
			listed, _ := contract.StandingAt(r.h, r.p, ch.Time)
			t.standing = append(t.standing, standing{s, ch.Time, listed})
		}
	}
	err := c.DB.Update(func(txn *badger.Txn) error {
		if err := c.disputes(txn, &t); err != nil {
			return err
		}
		if err := c.listings(txn, &t); err != nil {
			return err
		}
		for k, d := range t.add {
			key := append(store.StatsCounters.Bytes(), k...)
			if err := addTo(txn, key, d); err != nil {
				return err
			}
		}
		return txn.Set(store.StatsPos.Bytes(), store.Uint64Bytes(next))
	})
	if err != nil {
		return err
	}
	c.pos = next
	return nil
}

// disputes records opened disputes as open with their due time, and for
// answered ones removes them and counts a late answer under the period
// of its due time.
func (c *Counter) disputes(txn *badger.Txn, t *tally) error {
	for id, due := range t.opened {
		if _, closed := t.closed[id]; closed {
			continue // opened and answered in the stretch: handled below
		}
		if err := txn.Set(store.StatsDisputes.Key(id), []byte(due)); err != nil {
			return err
		}
		if err := txn.Set(store.StatsDisputesDue.Key(due, id), nil); err != nil {
			return err
		}
	}
	for id, at := range t.closed {
		due, ok := t.opened[id]
		if !ok {
			var b []byte
			found, err := store.Get(txn, store.StatsDisputes.Key(id), store.Copy(&b))
			if err != nil {
				return err
			}
			if !found {
				continue // opened before counting began, or counted already
			}
			due = string(b)
			if err := txn.Delete(store.StatsDisputes.Key(id)); err != nil {
				return err
			}
			if err := txn.Delete(store.StatsDisputesDue.Key(due, id)); err != nil {
				return err
			}
		}
		if dueAt, err := time.Parse(time.RFC3339, due); err == nil && at.After(dueAt) {
			t.inc("w"+weekOf(dueAt), "dsp", "late", "")
			t.inc("m"+monthOf(dueAt), "dsp", "late", "")
		}
	}
	return nil
}

// listings turns the touched subjects' standings into listings and
// delistings on the days of the changes that caused them, and keeps the
// number of listed subjects at the end of each such day.
func (c *Counter) listings(txn *badger.Txn, t *tally) error {
	var now uint64
	if _, err := store.Get(txn, store.StatsListedNow.Bytes(), store.Uint64(&now)); err != nil {
		return err
	}
	marked := map[string]bool{}
	endOfDay := map[string]uint64{}
	for _, st := range t.standing {
		was, ok := marked[st.subject]
		if !ok {
			var err error
			if was, err = store.Has(txn, store.StatsListedSubjects.Key(st.subject)); err != nil {
				return err
			}
		}
		marked[st.subject] = st.listed
		if was == st.listed {
			continue
		}
		day := dayOf(st.at)
		if st.listed {
			now++
			t.inc("d"+day, "lst", "in", "")
		} else {
			now--
			t.inc("d"+day, "lst", "out", "")
		}
		endOfDay[day] = now
	}
	if len(endOfDay) == 0 {
		return nil
	}
	for s, listed := range marked {
		var err error
		if listed {
			err = txn.Set(store.StatsListedSubjects.Key(s), nil)
		} else {
			err = txn.Delete(store.StatsListedSubjects.Key(s))
		}
		if err != nil {
			return err
		}
	}
	for day, n := range endOfDay {
		if err := txn.Set(store.StatsListedDays.Key(day), store.Uint64Bytes(n)); err != nil {
			return err
		}
	}
	return txn.Set(store.StatsListedNow.Bytes(), store.Uint64Bytes(now))
}

func addTo(txn *badger.Txn, key []byte, d int64) error {
	var n uint64
	if _, err := store.Get(txn, key, store.Uint64(&n)); err != nil {
		return err
	}
	return txn.Set(key, store.Uint64Bytes(uint64(int64(n)+d)))
}

// productOf finds the product of the default with id in a subject's
// history ("" when it names none or is no longer in the history).
func productOf(h contract.History, id string) string {
	for _, e := range h.Entries {
		if e.Default.ID == id {
			return e.Default.Payload.Product
		}
	}
	return ""
}

// reporterBucket is the number of members reporting the subject once
// reporter's default is on it: "1", "2" or "3+".
func reporterBucket(reporters []string, reporter string) string {
	n := len(reporters)
	if !slices.Contains(reporters, reporter) {
		n++ // below the policy's threshold, or already closed again
	}
	switch {
	case n <= 1:
		return "1"
	case n == 2:
		return "2"
	}
	return "3+"
}

// dueOf is a dispute's due time from the subject's history; a dispute
// no longer there is due at its opening (counted overdue at once).
func dueOf(h contract.History, id string, opened time.Time) string {
	for _, e := range h.Entries {
		for _, d := range e.Disputes {
			if d.ID == id {
				if t, err := time.Parse(time.RFC3339Nano, d.DueBy); err == nil {
					return t.UTC().Format(time.RFC3339)
				}
			}
		}
	}
	return opened.UTC().Format(time.RFC3339)
}

// LookupKinds are the audit entry kinds counted as lookups.
var LookupKinds = []string{"status", "history"}

// CountLookups adds the lookups among audit entries to the day counters,
// in txn: the query audit log's writer calls it in the transaction that
// appends them, after their times are set.
func CountLookups(txn *badger.Txn, entries []*chain.Entry) error {
	// A group's entries share a few times, purposes and members: count
	// them per (time, purpose, member) first and make the nine counter
	// keys once per distinct triple, not once per entry (building them was
	// most of this function's cost in a single lookup's profile).
	type triple struct{ time, purpose, member string }
	n := map[triple]int64{}
	for _, e := range entries {
		if slices.Contains(LookupKinds, e.Kind) {
			n[triple{e.Time, e.Purpose, e.Member}]++
		}
	}
	add := map[string]int64{}
	var lastTime string // a write's entries share one time: parse it once
	var t time.Time
	for k, c := range n {
		if k.time != lastTime {
			var err error
			if t, err = time.Parse(time.RFC3339Nano, k.time); err != nil {
				return fmt.Errorf("audit entry time %q: %w", k.time, err)
			}
			lastTime = k.time
		}
		day := dayOf(t)
		add[string(store.StatsLookups.Key(day, "t", ""))] += c
		add[string(store.StatsLookups.Key(day, "p", k.purpose))] += c
		add[string(store.StatsLookups.Key(day, "m", k.member))] += c
		// The weeks' and months' sums, so a long range reads periods,
		// not every day's members.
		for _, pk := range []string{"w" + weekOf(t), "m" + monthOf(t)} {
			add[string(store.StatsCounters.Key(pk, "lk", "t", ""))] += c
			add[string(store.StatsCounters.Key(pk, "lk", "p", k.purpose))] += c
			add[string(store.StatsCounters.Key(pk, "lk", "m", k.member))] += c
		}
	}
	for k, d := range add {
		if err := addTo(txn, []byte(k), d); err != nil {
			return err
		}
	}
	return nil
}
