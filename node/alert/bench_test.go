package alert_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"sync"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// demo is a node on an embedded ledger with the demo consortium.
func demo(b *testing.B) *node.Node {
	dir := b.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		b.Fatal(err)
	}
	// Webhook receivers in these tests listen on loopback.
	n, err := node.OpenWith(dir, l, node.Options{WebhookDestinations: webhooktest.Loopback()})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { n.Close(); l.Close() })
	if _, err := n.SetupDemo(context.Background(), dir, ""); err != nil {
		b.Fatal(err)
	}
	return n
}

// file has Bank2 report defaults on subjects, signed by its demo key, in
// one transaction, and returns their ids.
func file(b *testing.B, n *node.Node, subjects ...string) []string {
	jws := make([]string, len(subjects))
	for i, s := range subjects {
		var err error
		// One loan per subject: a loan's default is filed once.
		if jws[i], _, err = n.Sign("Bank2MSP", ledgertest.DefaultPayload("Bank2MSP", s, s, 120)); err != nil {
			b.Fatal(err)
		}
	}
	inputs := make([]node.AttestationInput, len(jws))
	for i, j := range jws {
		inputs[i] = node.AttestationInput{JWS: j}
	}
	bank2 := &node.Client{Name: "bench-bank2", Member: "Bank2MSP", Roles: []string{node.RoleReporter}}
	out, err := n.Submit(context.Background(), bank2, inputs)
	if err != nil {
		b.Fatal(err)
	}
	if out.Accepted != len(subjects) {
		b.Fatalf("%d of %d defaults accepted: %+v", out.Accepted, len(subjects), out.Results[0])
	}
	ids := make([]string, len(out.Results))
	for i, r := range out.Results {
		ids[i] = r.ID
	}
	return ids
}

func key(i int) string { return fmt.Sprintf("%064x", 1_000_000_000+i) }

// peakHeap samples the live heap until stop is closed and returns its
// maximum in MiB above what it was at the start: what an import holds on
// top of the node's stores, whatever the input's size.
func peakHeap(stop <-chan struct{}) <-chan float64 {
	out := make(chan float64, 1)
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	runtime.GC()
	metrics.Read(s)
	base := s[0].Value.Uint64()
	go func() {
		peak := base
		t := time.NewTicker(5 * time.Millisecond)
		defer t.Stop()
		for {
			metrics.Read(s)
			peak = max(peak, s[0].Value.Uint64())
			select {
			case <-stop:
				out <- float64(peak-base) / (1 << 20)
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// BenchmarkImport imports b.N subject keys through the node, as the HTTP
// import does: streamed NDJSON, each chunk checked against a ledger on
// which 1,000 of the keys (at most) are already listed. Run it with
// -benchtime 1000000x for the million-key figure.
func BenchmarkImport(b *testing.B) {
	n := demo(b)
	var listed []string
	for i := 0; i < min(1000, b.N); i++ {
		listed = append(listed, key(i*(b.N/min(1000, b.N))))
	}
	for i := 0; i < len(listed); i += 500 {
		file(b, n, listed[i:min(i+500, len(listed))]...)
	}
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriterSize(pw, 1<<16)
		for i := 0; i < b.N; i++ {
			fmt.Fprintf(w, `{"subjectKey":"%s","label":"cust-%d"}`+"\n", key(i), i)
		}
		w.Flush()
		pw.Close()
	}()
	stop := make(chan struct{})
	peak := peakHeap(stop)
	b.ResetTimer()
	res, err := n.ImportWatchlist(context.Background(), &node.Client{Name: "bench", Member: "Bank1MSP", Roles: []string{node.RoleQuerier}}, pr, "ndjson", nil)
	b.StopTimer()
	close(stop)
	if err != nil || res.Imported != b.N {
		b.Fatalf("%+v %v", res, err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "keys/s")
	b.ReportMetric(<-peak, "peak-heap-MiB")
	b.ReportMetric(float64(res.AlreadyListed), "already-listed")
}

// BenchmarkAlertLatency measures, per default Bank2 files on a subject
// Bank1 watches, the time from the commit being acknowledged to Bank1's
// webhook receiver holding the alert (embedded ledger, loopback HTTP).
func BenchmarkAlertLatency(b *testing.B) {
	n := demo(b)
	bank1 := &node.Client{Name: "bench", Member: "Bank1MSP", Roles: []string{node.RoleQuerier}}
	rcv := webhooktest.New("bench-webhook-secret")
	defer rcv.Close()
	if _, err := n.SetWebhook(context.Background(), bank1, rcv.URL, rcv.Secret); err != nil {
		b.Fatal(err)
	}
	var mu sync.Mutex
	sent := map[string]time.Time{}
	for i := 0; i < b.N; i++ {
		if _, _, err := n.Watch(context.Background(), bank1, key(i), ""); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		id := file(b, n, key(i))[0]
		mu.Lock()
		sent[id] = time.Now()
		mu.Unlock()
		if _, err := rcv.WaitFor(i+1, 30*time.Second); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	webhooktest.ReportPercentiles(b, rcv.Latencies(sent))
}
