package node

import (
	"github.com/assoc-ledger/blacklist/node/store"

	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// Budget kinds spend counts against (the policy's daily budgets).
const (
	SpendDerivations = contract.BudgetDerivations
	SpendLookups     = contract.BudgetLookups
)

// ErrOverBudget is returned when a request would take the member past its
// daily budget of raw-ID derivations or of subjects looked up. Nothing of
// the request is counted, so a smaller request may still fit.
var ErrOverBudget = errors.New("the member's daily budget is spent")

// OverBudgetError says which budget; it matches ErrOverBudget.
type OverBudgetError struct {
	Kind   string
	Day    string
	Used   int64
	Asked  int
	Budget int64
}

func (e *OverBudgetError) Error() string {
	return fmt.Sprintf("%s: %d %s used of %d on %s (Asia/Shanghai), %d more asked", ErrOverBudget.Error(), e.Used, e.Kind, e.Budget, e.Day, e.Asked)
}

func (e *OverBudgetError) Is(target error) bool { return target == ErrOverBudget }

// Reset is when the budget starts afresh: the next midnight in Shanghai.
func (e *OverBudgetError) Reset() time.Time {
	d, err := time.ParseInLocation(time.DateOnly, e.Day, shanghai)
	if err != nil {
		return time.Time{}
	}
	return d.AddDate(0, 0, 1)
}

// shanghai is the consortium's calendar: budgets are per day in China
// Standard Time, which has had no daylight saving since 1991, so a fixed
// offset needs no time zone database on the host.
var shanghai = time.FixedZone("CST", 8*3600)

// now is the clock of budget days; tests replace it.
var budgetClock = time.Now

// Budget counters in the node store: "bu/c/<kind>/<day>/<member>" the
// count spent, "bu/r/<kind>/<day>/<member>" set once the first excess of
// that day is on the ledger.
func budgetCountKey(kind, day, member string) []byte {
	return store.BudgetCounts.Key(kind, day, member)
}
func budgetReportKey(kind, day, member string) []byte {
	return store.BudgetReports.Key(kind, day, member)
}

// spend counts count units of kind (SpendDerivations, SpendLookups) for the
// client's member today and returns ErrOverBudget, counting nothing, when
// that would exceed the policy's daily budget. The first time a member
// goes over in a day, the node records it on the ledger
// (ReportBudgetExceeded), from which the association's node alerts the
// association. Counters persist in the node store.
func (n *Node) spend(ctx context.Context, c *Client, kind string, count int) error {
	_, durable, err := n.take(ctx, c, kind, count, false)
	if err != nil {
		return err
	}
	return <-durable
}

// spendThenAudit is spend for a request that appends audit entries
// before it answers: it does not wait for the count to be on disk, and
// the returned wait, called after the request's Append, reports whether
// it is (it is then, as the audit log commits in queue order: one sync
// for both; see audit.Log.Put). wait is never nil.
func (n *Node) spendThenAudit(ctx context.Context, c *Client, kind string, count int) (wait func() error, err error) {
	_, durable, err := n.take(ctx, c, kind, count, false)
	if err != nil {
		return func() error { return nil }, err
	}
	return func() error { return <-durable }, nil
}

// reserve takes up to max units of kind, as many as today's budget has
// left, for work that spends them one at a time (an import); what is not
// used goes back with refund. It returns ErrOverBudget only when nothing
// is left.
func (n *Node) reserve(ctx context.Context, c *Client, kind string, max int) (int, error) {
	got, durable, err := n.take(ctx, c, kind, max, true)
	if err != nil {
		return 0, err
	}
	return got, <-durable
}

// refund gives back count unused units reserved on day.
func (n *Node) refund(c *Client, kind, day string, count int) error {
	if count <= 0 {
		return nil
	}
	key := string(budgetCountKey(kind, day, c.Member))
	n.budgetMu.Lock()
	used, err := n.budgetCount(key)
	if err != nil {
		n.budgetMu.Unlock()
		return err
	}
	used = max(0, used-int64(count))
	n.budgets.counts[key] = used
	durable := n.persistCount(key, used)
	n.budgetMu.Unlock()
	return <-durable
}

// budgetState holds today's counters in memory (loaded from the node store
// on first use, authoritative afterwards). Changed counters are written by
// the audit log's writer (persistCount), in the same commits as the audit
// entries: a lookup waits until its count is on disk, but its count and
// its audit entries share one commit and one sync, and concurrent
// lookups share them too.
type budgetState struct {
	counts map[string]int64 // counter key -> units spent; guarded by Node.budgetMu
}

// persistCount queues the counter's new value for the audit log's next
// commit; the channel yields the commit's result. Called with budgetMu
// held, so that values reach the queue in the order they were counted and
// a smaller value never overwrites a larger one counted later.
func (n *Node) persistCount(key string, value int64) <-chan error {
	return n.auditLog.Put([]byte(key), binary.BigEndian.AppendUint64(nil, uint64(value)))
}

// budgetCount is the counter at key, from memory or the store. Called with
// budgetMu held.
func (n *Node) budgetCount(key string) (int64, error) {
	if v, ok := n.budgets.counts[key]; ok {
		return v, nil
	}
	if n.budgets.counts == nil {
		n.budgets.counts = map[string]int64{}
	}
	var used int64
	err := n.db.View(func(txn *badger.Txn) error {
		var err error
		used, err = readCount(txn, []byte(key))
		return err
	})
	if err == nil {
		n.budgets.counts[key] = used
	}
	return used, err
}

func readCount(txn *badger.Txn, key []byte) (int64, error) {
	var used int64
	item, err := txn.Get(key)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return 0, nil
	}
	if err == nil {
		err = item.Value(func(v []byte) error {
			if len(v) != 8 {
				return errors.New("budget store: corrupt counter")
			}
			used = int64(binary.BigEndian.Uint64(v))
			return nil
		})
	}
	return used, err
}

// take counts count units, or with partial as many of them as are left.
// durable yields whether the new count is on disk (nil with an error).
func (n *Node) take(ctx context.Context, c *Client, kind string, count int, partial bool) (granted int, durable <-chan error, err error) {
	if count <= 0 {
		return 0, closedNil, nil
	}
	budget, err := n.budget(c.Member, kind)
	if err != nil {
		return 0, nil, err
	}
	day := budgetClock().In(shanghai).Format(time.DateOnly)
	key := string(budgetCountKey(kind, day, c.Member))
	n.budgetMu.Lock()
	used, err := n.budgetCount(key)
	if err != nil {
		n.budgetMu.Unlock()
		return 0, nil, err
	}
	switch left := budget - used; {
	case int64(count) <= left:
		granted = count
	case partial && left > 0:
		granted = int(left)
	}
	if granted > 0 {
		// Counted in memory first, so that concurrent requests cannot
		// both take the last units; answered only once it is on disk.
		n.budgets.counts[key] = used + int64(granted)
		durable = n.persistCount(key, used+int64(granted))
	}
	n.budgetMu.Unlock()
	if granted > 0 {
		return granted, durable, nil
	}
	if partial {
		count = 1 // a reservation is refused only when not one unit is left
	}
	var reported bool
	err = n.db.View(func(txn *badger.Txn) error {
		_, err := txn.Get(budgetReportKey(kind, day, c.Member))
		reported = err == nil
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		return err
	})
	if err != nil {
		return 0, nil, err
	}
	if !reported {
		n.reportOverBudget(ctx, c.Member, kind, day, used+int64(count), budget)
	}
	return 0, nil, &OverBudgetError{Kind: kind, Day: day, Used: used, Asked: count, Budget: budget}
}

// closedNil is a durable channel for nothing to write.
var closedNil = func() <-chan error { c := make(chan error, 1); c <- nil; close(c); return c }()

// reportOverBudget records the member's first excess of the day on the
// ledger. A failure is logged, and the next refused request tries again.
func (n *Node) reportOverBudget(ctx context.Context, member, kind, day string, count, budget int64) {
	if n.ledger == nil {
		return
	}
	req := contract.ReportBudgetExceededRequest{Kind: kind, Day: day, Count: count, Budget: budget}
	if _, _, err := submit(ctx, n, member, contract.TxReportBudgetExceeded, req); err != nil {
		n.logf("report the %s budget of %s exceeded on %s: %v", kind, member, day, err)
		return
	}
	if err := n.db.Update(func(txn *badger.Txn) error { return txn.Set(budgetReportKey(kind, day, member), []byte{1}) }); err != nil {
		n.logf("budget store: %v", err)
	}
}

// budget reads the member's daily budget of kind from the ledger policy.
func (n *Node) budget(member, kind string) (int64, error) {
	if kind != SpendDerivations && kind != SpendLookups {
		return 0, fmt.Errorf("unknown budget kind %q", kind)
	}
	if n.ledger == nil {
		return 0, ErrNoLedger
	}
	p, err := n.policyOf(member)
	if err != nil {
		return 0, err
	}
	return p.Budget(kind), nil
}
