package fabric

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// largeBlocks makes blocks of several megabytes: four full batches of
// Bank1's attestations (about 2.8 MiB each), endorsed first and then
// ordered at the same moment, so that the orderers cut two into a block
// (PreferredMaxBytes is 8 MB) instead of each one arriving after the last
// block was cut (BatchTimeout is 250 ms, an endorsement takes longer). It
// returns the size of the largest block and the height after the last.
func largeBlocks(ctx context.Context, t *testing.T, run string) (largest int, top uint64) {
	t.Helper()
	assoc := open(t, run, "assoc", "AssocMSP")
	bank1 := open(t, run, "bank1", "Bank1MSP")
	key, kid, h := registerKey(ctx, t, assoc, "AssocMSP", "Bank1MSP")
	if err := bank1.Replica().WaitForHeight(ctx, h); err != nil {
		t.Fatal(err)
	}
	start := bank1.Height()
	stamp := time.Now().UnixNano()
	txs := make([]*client.Transaction, 4)
	var wg sync.WaitGroup
	for g := range txs {
		jws := make([]string, contract.MaxBatch)
		for i := range jws {
			jws[i] = signDefault(t, key, kid, hexOf(fmt.Sprint("big block ", stamp, " ", g, " ", i)))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			proposal, err := bank1.contract.NewProposal("SubmitAttestations", client.WithArguments(string(mustJSON(contract.SubmitRequest{Attestations: jws}))))
			if err == nil {
				txs[g], err = bank1.endorse(ctx, proposal)
			}
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	heights := make([]uint64, len(txs))
	for g, tx := range txs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			st, err := bank1.commit(ctx, tx)
			if err != nil {
				t.Error(err)
				return
			}
			if !st.Successful {
				t.Errorf("transaction %s: %s", st.TransactionID, st.Code)
			}
			heights[g] = st.BlockNumber + 1
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	top = max(heights[0], heights[1], heights[2], heights[3])
	if err := bank1.Replica().WaitForHeight(ctx, top); err != nil {
		t.Fatal(err)
	}
	events, err := bank1.network.BlockEvents(ctx, client.WithStartBlock(start))
	if err != nil {
		t.Fatal(err)
	}
	for b := range events {
		largest = max(largest, proto.Size(b))
		if b.GetHeader().GetNumber()+1 >= top {
			break
		}
	}
	return largest, top
}

// TestBlocksOverFourMegabytes: four full batches submitted at once make
// blocks larger than gRPC's default 4 MB message limit; the submitting
// node and a fresh follower on another peer both apply them. (With the
// default limit the block stream stopped at such a block without an error,
// after every reconnect.)
func TestBlocksOverFourMegabytes(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	largest, top := largeBlocks(ctx, t, run)
	// The test means something only if a block was over the default limit.
	if largest <= 4<<20 {
		t.Fatalf("the largest block was %d bytes; the test needs one over 4 MiB", largest)
	}
	t.Logf("largest block %.1f MiB", float64(largest)/(1<<20))

	follower := open(t, run, "bank2", "Bank2MSP")
	if err := follower.Replica().WaitForHeight(ctx, top); err != nil {
		t.Fatalf("a fresh replica did not get past the large blocks: %v (at %d, want %d)", err, follower.Height(), top)
	}
}
