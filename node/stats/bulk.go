package stats

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

// AddDefaults adds defaults recorded at one time to the counters, by
// reporter and by product, as counting their commit would: the new
// defaults of at's week and month (total, per reporter, per product).
// It is for stores written without a log (cmd/blgen's benchmark
// stores), whose defaults the feed never delivers; the listing and
// dispute counters are left as they are.
func AddDefaults(db *badger.DB, at time.Time, byReporter, byProduct map[string]int64) error {
	add := map[string]int64{}
	for _, period := range []string{"w" + weekOf(at), "m" + monthOf(at)} {
		for r, n := range byReporter {
			add[period+"/def/t/"] += n
			add[period+"/def/r/"+r] += n
		}
		for p, n := range byProduct {
			add[period+"/def/p/"+p] += n
		}
	}
	return db.Update(func(txn *badger.Txn) error {
		for k, d := range add {
			if err := addTo(txn, append(store.StatsCounters.Bytes(), k...), d); err != nil {
				return err
			}
		}
		return nil
	})
}
