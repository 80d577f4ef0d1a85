package node

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/ledger"
	nodelog "github.com/assoc-ledger/blacklist/node/translog"
)

// noLog hides the ledger's committed transactions (ledger.Logged) but
// keeps its changes (ledger.Feed, for alerts): a node over it keeps no
// transparency log, the baseline for commits.
type noLog struct{ *embedded.Ledger }

func (n noLog) Changes(from uint64, fn func(ledger.Change) error) (uint64, error) {
	return n.Ledger.Changes(from, fn)
}

var _ ledger.Feed = noLog{}

func benchNode(b *testing.B, withLog bool) (*Node, *embedded.Ledger) {
	b.Helper()
	dir := b.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { l.Close() })
	var backend ledger.Ledger = l
	if !withLog {
		backend = struct {
			ledger.Ledger
			ledger.Feed
		}{l, noLog{l}}
	}
	n, err := OpenWith(dir, backend, Options{LogCosignHeld: true, LogCheckpointInterval: -1, AuditAnchorInterval: -1})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close() })
	if _, err := n.SetupDemo(context.Background(), dir, "http://bench"); err != nil {
		b.Fatal(err)
	}
	return n, l
}

func benchFile(b *testing.B, n *Node, from, count int) []string {
	b.Helper()
	c := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter, RoleQuerier}}
	in := make([]AttestationInput, count)
	for i := range in {
		in[i] = AttestationInput{Payload: demoDefault(from + i)}
	}
	res, err := n.Submit(context.Background(), c, in)
	if err != nil || res.Accepted != count {
		b.Fatalf("filing: %+v %v", res.Accepted, err)
	}
	ids := make([]string, count)
	for i, r := range res.Results {
		ids[i] = r.ID
	}
	return ids
}

// BenchmarkTransparencyLog compares the ledger's commit rate with the
// node's log running (it follows the feed on its own goroutine) and
// without it, and measures the log's own append rate over committed
// transactions. One op is one transaction of 100 defaults.
func BenchmarkTransparencyLog(b *testing.B) {
	for _, withLog := range []bool{false, true} {
		name := "commit-without-log"
		if withLog {
			name = "commit-with-log"
		}
		b.Run(name, func(b *testing.B) {
			n, _ := benchNode(b, withLog)
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				benchFile(b, n, i*100, 100)
			}
			b.ReportMetric(float64(b.N*100)/b.Elapsed().Seconds(), "defaults/s")
		})
	}
	b.Run("append", func(b *testing.B) {
		n, l := benchNode(b, false)
		for i := 0; i < b.N; i++ {
			benchFile(b, n, i*100, 100)
		}
		db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
		if err != nil {
			b.Fatal(err)
		}
		defer db.Close()
		tl, err := nodelog.Open(nodelog.Options{DB: db, Feed: l, Encode: nodelog.Records(translog.ModeEmbedded)})
		if err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		if _, err := tl.CatchUp(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size, _ := tl.Head()
		b.ReportMetric(float64(size)/b.Elapsed().Seconds(), "leaves/s")
	})
}

// BenchmarkEvidenceExport assembles evidence bundles of a book of 10,000
// defaults, as blctl evidence export asks for them: one op is one bundle
// (audited, encoded); s/10k-loans is the whole export.
func BenchmarkEvidenceExport(b *testing.B) {
	n, _ := benchNode(b, true)
	var ids []string
	for i := 0; i < 10; i++ {
		ids = append(ids, benchFile(b, n, i*1000, 1000)...)
	}
	if _, err := n.TransparencyLog().CatchUp(); err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	if err := n.CosignCheckpoints(ctx); err != nil {
		b.Fatal(err)
	}
	c := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter}}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		bundle, err := n.Evidence(ctx, c, PurposeLitigation, ids[i%len(ids)])
		if err != nil {
			b.Fatal(err)
		}
		if _, err := json.Marshal(bundle); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(b.Elapsed().Seconds()/float64(b.N)*10000, "s/10k-loans")
}
