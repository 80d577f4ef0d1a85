package evidence_test

import (
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/evidence/evidencetest"
)

// BenchmarkVerify is one bundle's offline verification (four records and
// a member record, checkpoint cosigned by three organisations), in a log
// of about 10,000 leaves; fabric adds each transaction's block, signatures
// and certificate chains.
func BenchmarkVerify(b *testing.B) {
	for _, c := range []struct {
		name string
		o    evidencetest.Options
	}{{"embedded", evidencetest.Options{Noise: 10_000}}, {"fabric", evidencetest.Options{Fabric: true, Noise: 100}}} {
		b.Run(c.name, func(b *testing.B) {
			f := evidencetest.New(c.o)
			b.ReportAllocs()
			b.ResetTimer()
			for b.Loop() {
				if _, err := evidence.Verify(f.Bundle, f.TrustRoot); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "bundles/s")
		})
	}
}
