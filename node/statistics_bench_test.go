package node

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
)

// BenchmarkStatisticsCount measures how fast the statistics count what the
// ledger committed: b.N defaults filed in batches of 1,000 on distinct
// subjects, then counted (each subject's history read once through the
// contract). Reported per default.
func BenchmarkStatisticsCount(b *testing.B) {
	dir := b.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		b.Fatal(err)
	}
	n, err := Open(dir, l)
	if err != nil {
		b.Fatal(err)
	}
	defer func() { n.Close(); l.Close() }()
	n.statsStop() // only the timed call below counts
	if _, err := n.SetupDemo(context.Background(), dir, ""); err != nil {
		b.Fatal(err)
	}
	var batch []string
	flush := func() {
		if len(batch) == 0 {
			return
		}
		arg, _ := json.Marshal(contract.SubmitRequest{Attestations: batch})
		if _, err := l.Submit(context.Background(), "Bank1MSP", "SubmitAttestations", arg); err != nil {
			b.Fatal(err)
		}
		batch = batch[:0]
	}
	// Count what setup committed first, so only the defaults are timed.
	if err := n.CountStatistics(); err != nil {
		b.Fatal(err)
	}
	for i := 0; i < b.N; i++ {
		p := ledgertest.DefaultPayload("Bank1MSP", hexOf(fmt.Sprint("bench subject ", i)), hexOf(fmt.Sprint("bench loan ", i)), 120)
		jws, _, err := n.Sign("Bank1MSP", p)
		if err != nil {
			b.Fatal(err)
		}
		batch = append(batch, jws)
		if len(batch) == 1000 {
			flush()
		}
	}
	flush()
	b.ResetTimer()
	if err := n.CountStatistics(); err != nil {
		b.Fatal(err)
	}
}
