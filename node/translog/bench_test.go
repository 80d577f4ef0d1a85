package translog

import (
	"math/rand/v2"
	"testing"
)

// BenchmarkInclusionProof: proofs of random leaves of a 100,000-leaf log
// read from badger (one op is one proof with its root).
func BenchmarkInclusionProof(b *testing.B) {
	db := openDB(b, b.TempDir())
	defer db.Close()
	l, err := Open(Options{DB: db, Feed: fixture(25000, 1, 4), Encode: encodeWrites})
	if err != nil {
		b.Fatal(err)
	}
	if _, err := l.CatchUp(); err != nil {
		b.Fatal(err)
	}
	size, _ := l.Head()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		idx := rand.Int64N(size)
		if _, err := l.InclusionProof(idx, size); err != nil {
			b.Fatal(err)
		}
	}
	// Stop before the deferred Close, whose flush would otherwise count as
	// proof time (and shrink b.N to a handful of proofs).
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
}
