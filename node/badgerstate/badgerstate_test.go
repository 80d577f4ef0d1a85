package badgerstate

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// The kept iterator's short cuts (Reader.seek) give exactly what a fresh
// scan gives, whatever order the scans come in and wherever they stop.
func TestReaderScansMatchFreshScans(t *testing.T) {
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	subjects := make([]string, 300)
	err = db.Update(func(txn *badger.Txn) error {
		for i := range subjects {
			subjects[i] = fmt.Sprintf("%04x", rng.IntN(1<<16))
			for j := 0; j < rng.IntN(4); j++ {
				k, _ := state.CompositeKey("subj", subjects[i], "d", fmt.Sprint(j))
				if err := txn.Set(Key(k), []byte(k)); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sorted := slices.Clone(subjects)
	slices.Sort(sorted)
	// Every third subject: the iterator steps over the others' keys.
	var sparse []string
	for i := 0; i < len(sorted); i += 3 {
		sparse = append(sparse, sorted[i])
	}
	// Every 60th: more keys between them than the steps, so it seeks.
	var sparser []string
	for i := 0; i < len(sorted); i += 60 {
		sparser = append(sparser, sorted[i])
	}
	db.View(func(txn *badger.Txn) error {
		r := &Reader{Txn: txn, reuse: true}
		defer r.close()
		for round, order := range [][]string{sorted, subjects, sparse, sorted, sparser, subjects} {
			for i, s := range order {
				stopAt := -1
				if (round+i)%7 == 0 {
					stopAt = 0 // stop after the first key
				}
				var got, want []string
				n := 0
				r.Scan("subj", []string{s}, func(k string, _ []byte) error {
					got = append(got, k)
					if n++; n-1 == stopAt {
						return state.ErrStop
					}
					return nil
				})
				p, _ := state.CompositeKey("subj", s)
				n = 0
				Scan(txn, Key(p), func(k, _ []byte) error {
					want = append(want, string(k[1:]))
					if n++; n-1 == stopAt {
						return state.ErrStop
					}
					return nil
				})
				if !slices.Equal(got, want) {
					t.Fatalf("round %d, subject %s: %q, want %q", round, s, got, want)
				}
			}
		}
		return nil
	})
}
