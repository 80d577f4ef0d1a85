package fabric

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// The saturation benchmarks measure the network, not the benchmark's
// concurrency: as Hyperledger Caliper's fixed-load rate controller does,
// they keep a fixed number of transactions in flight (endorsed, ordered,
// waiting for their commit status) and sweep that number until the
// committed rate stops rising. Each in-flight slot endorses, hands the
// transaction to the orderers (fabric-gateway's Submit, which returns at
// ordering, like SubmitAsync) and then waits for that transaction's own
// commit status; every status is checked, and the transactions that did
// not commit VALID are counted by cause, never dropped from the figures.
//
// Per level they report committed tx/s, attestations/s (committed
// transactions times attestations per transaction), p50 and p99 of the
// latency from endorsement request to commit status, and the failures:
// endorse (refused or unreachable endorsement), order (no orderer took
// it), status (no commit status), mvcc (MVCC_READ_CONFLICT or
// PHANTOM_READ_CONFLICT) and invalid (any other validation code).
//
// The levels are BLACKLIST_FABRIC_INFLIGHT (comma-separated) or the
// defaults below; a level above half of -benchtime's transaction count is
// skipped, since it could not be held. Run with an explicit count, e.g.
//
//	BLACKLIST_FABRIC_RUN=$PWD/network/.run go test ./node/fabric -run '^$' \
//	  -bench '^BenchmarkFabricSaturation$' -benchtime 2000x

// Default in-flight levels: unbatched transactions are light, so the
// sweep goes far; a batch of 100 weighs 100 times as much.
var (
	unbatchedLevels = []int{8, 16, 32, 64, 128, 256, 512}
	batchedLevels   = []int{2, 4, 8, 16, 32, 64}
)

// BenchmarkFabricSaturation sweeps in-flight transactions that write
// nothing (noop: GetPolicy submitted, the ceiling of endorse, order,
// commit) and transactions of one attestation each (unbatched).
func BenchmarkFabricSaturation(b *testing.B) {
	s := newSaturation(b)
	for _, c := range inflightLevels(b, unbatchedLevels) {
		b.Run(fmt.Sprintf("noop/inflight=%d", c), func(b *testing.B) { s.run(b, c, 0) })
	}
	for _, c := range inflightLevels(b, unbatchedLevels) {
		b.Run(fmt.Sprintf("unbatched/inflight=%d", c), func(b *testing.B) { s.run(b, c, 1) })
	}
}

// BenchmarkFabricSaturationBatched sweeps in-flight transactions of 100
// attestations each, the batch size the node's bulk import uses.
func BenchmarkFabricSaturationBatched(b *testing.B) {
	s := newSaturation(b)
	for _, c := range inflightLevels(b, batchedLevels) {
		b.Run(fmt.Sprintf("batched-100/inflight=%d", c), func(b *testing.B) { s.run(b, c, 100) })
	}
}

func inflightLevels(b *testing.B, defaults []int) []int {
	env := os.Getenv("BLACKLIST_FABRIC_INFLIGHT")
	if env == "" {
		return defaults
	}
	var levels []int
	for _, f := range strings.Split(env, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("BLACKLIST_FABRIC_INFLIGHT: %q is not a positive number", f)
		}
		levels = append(levels, n)
	}
	return levels
}

// saturation is Bank1's node and a registered key whose signed defaults
// the levels submit.
type saturation struct {
	bank1 *Ledger
	sign  func(i int) string
	next  atomic.Int64
}

func newSaturation(b *testing.B) *saturation {
	bank1, sign := benchBank1(b)
	return &saturation{bank1: bank1, sign: sign}
}

// outcome is what one transaction came to.
type outcome struct {
	latency time.Duration
	fail    string // "" when committed VALID
	err     error  // why, when it did not
}

// run submits b.N transactions of perTx fresh defaults (GetPolicy when
// perTx is 0) with inflight of them in flight at any time.
func (s *saturation) run(b *testing.B, inflight, perTx int) {
	if b.N == 1 {
		// The testing package's probe run before the real count: holding
		// a level needs many transactions, and -benchtime Nx gives them.
		return
	}
	if b.N < 2*inflight {
		b.Skipf("%d transactions cannot hold %d in flight; raise -benchtime", b.N, inflight)
	}
	// Sign and encode beforehand: the signing is the banks' work, not the
	// network's.
	fn, args := "GetPolicy", make([]string, b.N)
	if perTx > 0 {
		fn = "SubmitAttestations"
		for i := range args {
			jws := make([]string, perTx)
			for j := range jws {
				jws[j] = s.sign(int(s.next.Add(1)))
			}
			args[i] = string(mustJSON(contract.SubmitRequest{Attestations: jws}))
		}
	}
	ctx := context.Background()
	outcomes := make([]outcome, b.N)
	var taken atomic.Int64
	var wg sync.WaitGroup
	b.ResetTimer()
	for range inflight {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(taken.Add(1) - 1)
				if i >= b.N {
					return
				}
				start := time.Now()
				outcomes[i].fail, outcomes[i].err = s.one(ctx, fn, args[i])
				outcomes[i].latency = time.Since(start)
			}
		}()
	}
	wg.Wait()
	b.StopTimer()
	report(b, outcomes, perTx)
}

// one endorses, orders and waits for the commit status of one
// transaction, and says why it did not commit VALID ("" when it did).
func (s *saturation) one(ctx context.Context, fn, arg string) (string, error) {
	proposal, err := s.bank1.contract.NewProposal(fn, client.WithArguments(arg))
	if err != nil {
		return "endorse", err
	}
	tx, err := proposal.EndorseWithContext(ctx)
	if err != nil {
		return "endorse", err
	}
	commit, err := tx.SubmitWithContext(ctx)
	if err != nil {
		return "order", err
	}
	st, err := commit.StatusWithContext(ctx)
	switch {
	case err != nil:
		return "status", err
	case st.Code == peer.TxValidationCode_VALID:
		return "", nil
	case st.Code == peer.TxValidationCode_MVCC_READ_CONFLICT || st.Code == peer.TxValidationCode_PHANTOM_READ_CONFLICT:
		return "mvcc", fmt.Errorf("%s: %s", st.TransactionID, st.Code)
	default:
		return "invalid", fmt.Errorf("%s: %s", st.TransactionID, st.Code)
	}
}

// failureKinds are the failure metrics, each reported at every level
// (zero included) so a table of levels has the same columns.
var failureKinds = []string{"endorse", "order", "status", "mvcc", "invalid"}

func report(b *testing.B, outcomes []outcome, perTx int) {
	secs := b.Elapsed().Seconds()
	counts := map[string]int{}
	first := map[string]error{}
	var lat []time.Duration
	for _, o := range outcomes {
		counts[o.fail]++
		if o.err != nil && first[o.fail] == nil {
			first[o.fail] = o.err
		}
		if o.fail == "" {
			lat = append(lat, o.latency)
		}
	}
	committed := counts[""]
	b.ReportMetric(float64(committed)/secs, "tx/s")
	b.ReportMetric(float64(committed*perTx)/secs, "attestations/s")
	if len(lat) > 0 {
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
		b.ReportMetric(float64(lat[(len(lat)*99)/100].Microseconds())/1000, "p99-ms")
	}
	failed := 0
	for _, k := range failureKinds {
		b.ReportMetric(float64(counts[k]), k+"-failures")
		failed += counts[k]
	}
	if failed > 0 {
		b.Logf("%d of %d transactions did not commit VALID: %v; first of each kind: %v", failed, len(outcomes), counts, first)
	}
}
