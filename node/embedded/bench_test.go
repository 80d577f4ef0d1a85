package embedded

import (
	"context"
	"encoding/json"
	"fmt"
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
)

// presigned hands out signed defaults, signing ahead with the timer stopped
// so that the benchmarks measure the ledger, not the bank's signing.
type presigned struct {
	b    *testing.B
	l    *Ledger
	jws  []string
	next atomic.Int64
}

func newPresigned(b *testing.B, l *Ledger, n int) *presigned {
	k := consortium(b, l)
	p := &presigned{b: b, l: l, jws: make([]string, n)}
	var wg sync.WaitGroup
	for w := 0; w < 2; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < n; i += 2 {
				p.jws[i], _ = signedDefault(b, k, i)
			}
		}(w)
	}
	wg.Wait()
	return p
}

func (p *presigned) take(n int) []string {
	end := p.next.Add(int64(n))
	return p.jws[end-int64(n) : end]
}

// BenchmarkES256Verify is the ceiling for submits: the bare signature check
// of one attestation, on one core, with nothing else.
func BenchmarkES256Verify(b *testing.B) {
	k, _ := attestation.GenerateKey()
	jws, _ := signedDefault(b, k, 1)
	p, err := attestation.Parse(jws)
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if err := p.Verify(&k.PublicKey); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "verifies/s")
}

// BenchmarkSubmit measures durable embedded submits (fsync on) per
// attestation, as banks would drive them: single attestations from 16
// concurrent submitters sharing group commits, and batches of 100 from 4
// concurrent submitters (a bulk upload tool).
func BenchmarkSubmit(b *testing.B) {
	for _, c := range []struct{ batch, submitters int }{{1, 16}, {100, 4}} {
		b.Run(fmt.Sprintf("batch=%d", c.batch), func(b *testing.B) {
			l := openTemp(b, b.TempDir())
			defer l.Close()
			p := newPresigned(b, l, b.N*c.batch)
			b.ResetTimer()
			// RunParallel starts parallelism × GOMAXPROCS goroutines.
			b.SetParallelism(max(1, c.submitters/runtime.GOMAXPROCS(0)))
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					benchSubmit(b, l, p.take(c.batch))
				}
			})
			b.ReportMetric(float64(b.N*c.batch)/b.Elapsed().Seconds(), "attestations/s")
		})
	}
}

func benchSubmit(b *testing.B, l *Ledger, jws []string) {
	r, _, err := submitBatch(context.Background(), l, jws...)
	if err != nil || r.Accepted != len(jws) {
		b.Fatalf("submit: %v %+v", err, r.Results[0])
	}
}

// storedLedger builds a ledger holding n defaults on n/2 subjects, written
// straight into the store with contract.DefaultWrites: signing and verifying
// a million attestations would take minutes and is not what is measured.
func storedLedger(b *testing.B, n int) (*Ledger, []string) {
	l := openTemp(b, b.TempDir())
	consortium(b, l)
	k, _ := attestation.GenerateKey()
	template, _ := signedDefault(b, k, 0)
	parsed, err := attestation.Parse(template)
	if err != nil {
		b.Fatal(err)
	}
	subjects := make([]string, n/2)
	wb := l.db.NewWriteBatch()
	for i := 0; i < n; i++ {
		subj := i % len(subjects)
		if subjects[subj] == "" {
			subjects[subj] = hexOf(fmt.Sprint("stored subject ", subj))
		}
		rec := contract.Record{ID: hexOf(fmt.Sprint("stored ", i)), JWS: template, KeyID: "k1", Payload: *parsed.Payload,
			RecordedAt: contract.FormatTime(time.Now()), TxID: "generated"}
		rec.Payload.Subject = subjects[subj]
		rec.Payload.LoanRef = hexOf(fmt.Sprint("stored loan ", i))
		writes, err := contract.DefaultWrites(&rec)
		if err != nil {
			b.Fatal(err)
		}
		for k, v := range writes {
			if err := wb.Set(badgerstate.Key(k), v); err != nil {
				b.Fatal(err)
			}
		}
	}
	if err := wb.Flush(); err != nil {
		b.Fatal(err)
	}
	// Measure a settled store, as a long-running node has, not one busy
	// compacting a million fresh writes.
	if err := l.db.Flatten(2); err != nil {
		b.Fatal(err)
	}
	return l, subjects
}

var stored struct {
	once     sync.Once
	l        *Ledger
	subjects []string
}

// BenchmarkSubjectStatus looks up one subject and 10,000 subjects among
// 1,000,000 stored attestations (500,000 subjects with two defaults each).
func BenchmarkSubjectStatus(b *testing.B) {
	stored.once.Do(func() { stored.l, stored.subjects = storedLedger(b, 1_000_000) })
	l, subjects := stored.l, stored.subjects
	b.Run("one", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			arg, _ := json.Marshal(contract.SubjectRequest{Subject: subjects[(i*7919)%len(subjects)]})
			res, err := l.Evaluate(bank1, "SubjectStatus", arg)
			if err != nil {
				b.Fatal(err)
			}
			var s contract.Status
			if json.Unmarshal(res.Payload, &s) != nil || s.ActiveDefaults != 2 {
				b.Fatalf("status %s", res.Payload)
			}
		}
	})
	b.Run("batch=10000", func(b *testing.B) {
		req := contract.SubjectsRequest{Subjects: make([]string, 10000)}
		for i := 0; i < b.N; i++ {
			for j := range req.Subjects {
				req.Subjects[j] = subjects[(i*10000+j)*7919%len(subjects)]
			}
			arg, _ := json.Marshal(req)
			if _, err := l.Evaluate(bank1, "SubjectStatuses", arg); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/batch")
	})
}
