package pool

import (
	"context"
	"math/big"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Products are the products a default may name (attestation payloads),
// with "" for a default that names none.
var Products = []string{"credit-card", "mortgage", "consumer", "business", "other", ""}

// Tally is the raw counts of a pool: what Report suppresses and shows.
// Counts are of subjects unless said otherwise.
type Tally struct {
	Subjects  int
	Listed    int
	Disputed  int
	Protected int
	// ActiveDefaults[i] counts subjects with i active defaults (4: four or
	// more); [0] is the subjects not listed.
	ActiveDefaults [5]int
	// OtherMembers[i] counts subjects with active defaults at i members
	// other than the asking member (3: three or more).
	OtherMembers [4]int
	// DaysPastDue counts listed subjects by the days from their earliest
	// active default's overdueSince to the snapshot's date: under 90,
	// 90-179, 180-359, 360 or more.
	DaysPastDue [4]int
	// Products counts subjects with an active default of each product.
	Products map[string]int
	// Currencies: subjects with active defaults in the currency, and the
	// outstanding total in minor units.
	Currencies map[string]*Currency
	// Vintages counts listed subjects by the calendar quarter of their
	// earliest active default's overdueSince ("2025-Q3").
	Vintages map[string]int

	// amount and quarters spare add an allocation per subject.
	amount   big.Int
	quarters map[int]string
}

// Currency is one currency's subjects and outstanding total.
type Currency struct {
	Subjects int
	Total    big.Int
}

func newTally() *Tally {
	return &Tally{Products: map[string]int{}, Currencies: map[string]*Currency{}, Vintages: map[string]int{}, quarters: map[int]string{}}
}

// add counts one subject's facts. member is the asking member; today the
// snapshot's date.
func (t *Tally) add(f *contract.SubjectFacts, member string, today time.Time, sums map[string]int64) {
	s := &f.Status
	t.Subjects++
	t.ActiveDefaults[min(s.ActiveDefaults, 4)]++
	if s.Disputed {
		t.Disputed++
	}
	if s.Protected != nil {
		t.Protected++
	}
	others := 0
	for _, r := range s.Reporters {
		if r != member {
			others++
		}
	}
	t.OtherMembers[min(others, 3)]++
	if !s.Listed {
		return
	}
	t.Listed++
	if first, err := time.Parse(time.DateOnly, s.FirstOverdueSince); err == nil {
		days := int(today.Sub(first).Hours() / 24)
		switch {
		case days < 90:
			t.DaysPastDue[0]++
		case days < 180:
			t.DaysPastDue[1]++
		case days < 360:
			t.DaysPastDue[2]++
		default:
			t.DaysPastDue[3]++
		}
		q := first.Year()*4 + (int(first.Month())-1)/3
		name, ok := t.quarters[q]
		if !ok {
			name = quarter(first)
			t.quarters[q] = name
		}
		t.Vintages[name]++
	}
	var products uint
	for i := range f.Active {
		a := &f.Active[i]
		if j := slices.Index(Products, a.Product); j >= 0 {
			products |= 1 << j
		}
		sums[a.Currency] += a.Amount
	}
	for j, name := range Products {
		if products&(1<<j) != 0 {
			t.Products[name]++
		}
	}
	for cur, amount := range sums {
		c := t.Currencies[cur]
		if c == nil {
			c = &Currency{}
			t.Currencies[cur] = c
		}
		c.Subjects++
		c.Total.Add(&c.Total, t.amount.SetInt64(amount))
		delete(sums, cur)
	}
}

func quarter(t time.Time) string {
	return t.Format("2006") + "-Q" + string(rune('1'+(int(t.Month())-1)/3))
}

// merge adds o's counts to t.
func (t *Tally) merge(o *Tally) {
	t.Subjects += o.Subjects
	t.Listed += o.Listed
	t.Disputed += o.Disputed
	t.Protected += o.Protected
	for i := range t.ActiveDefaults {
		t.ActiveDefaults[i] += o.ActiveDefaults[i]
	}
	for i := range t.OtherMembers {
		t.OtherMembers[i] += o.OtherMembers[i]
	}
	for i := range t.DaysPastDue {
		t.DaysPastDue[i] += o.DaysPastDue[i]
	}
	for k, v := range o.Products {
		t.Products[k] += v
	}
	for k, v := range o.Vintages {
		t.Vintages[k] += v
	}
	for k, v := range o.Currencies {
		c := t.Currencies[k]
		if c == nil {
			c = &Currency{}
			t.Currencies[k] = c
		}
		c.Subjects += v.Subjects
		c.Total.Add(&c.Total, &v.Total)
	}
}

// maxStretch is the most consecutive keys a goroutine of Compute takes at
// a time; a small pool is cut into at least 8 stretches per goroutine.
const maxStretch = 4096

// Compute tallies the pool's subjects over one snapshot under the
// snapshot's policy, as member, with workers goroutines (0: one per CPU).
// The sorted keys are cut into stretches of consecutive keys that the
// goroutines take in turn, each through its own reader, so each reader
// walks the store forward, and a goroutine that the machine runs less
// than the others takes fewer stretches instead of holding up the answer.
// Counts are sums, so the result does not depend on who took what.
func Compute(ctx context.Context, snap ledger.Snapshot, pol contract.Policy, keys []Key, member string, workers int) (*Tally, error) {
	if workers <= 0 {
		// One per CPU, and none for fewer than a thousand subjects.
		workers = min(runtime.GOMAXPROCS(0), len(keys)/1000+1)
	}
	workers = max(1, min(workers, len(keys)))
	stretch := max(1, min(maxStretch, len(keys)/(8*workers)))
	today := time.Date(snap.Time.Year(), snap.Time.Month(), snap.Time.Day(), 0, 0, 0, 0, time.UTC)
	parts := make([]*Tally, workers)
	errs := make([]error, workers)
	var next atomic.Int64 // the next stretch to take
	var failed atomic.Bool
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Status only: the slim records where the store has them.
			st, release := snap.StatusReader()
			defer release()
			r := contract.NewFactsReader(st, pol, snap.Time)
			t := newTally()
			parts[w] = t
			sums := map[string]int64{}
			for {
				lo := int(next.Add(1)-1) * stretch
				if lo >= len(keys) || failed.Load() {
					return
				}
				if err := ctx.Err(); err != nil {
					errs[w] = err
					failed.Store(true)
					return
				}
				for i := lo; i < min(lo+stretch, len(keys)); i++ {
					f, err := r.Facts(keys[i].Hex())
					if err != nil {
						errs[w] = err
						failed.Store(true)
						return
					}
					t.add(&f, member, today, sums)
				}
			}
		}()
	}
	wg.Wait()
	total := newTally()
	for w := range parts {
		if errs[w] != nil {
			return nil, errs[w]
		}
		total.merge(parts[w])
	}
	return total, nil
}
