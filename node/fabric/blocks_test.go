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

// largeBlocks submits four full batches at once through Bank1's node, which
// the orderers cut into blocks of several megabytes, and returns the size
// of the largest block they made and the height after the last of them.
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
	var wg sync.WaitGroup
	heights := make([]uint64, 4)
	for g := range heights {
		jws := make([]string, contract.MaxBatch)
		for i := range jws {
			jws[i] = signDefault(t, key, kid, hexOf(fmt.Sprint("big block ", stamp, " ", g, " ", i)))
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			res, err := bank1.Submit(ctx, "Bank1MSP", "SubmitAttestations", mustJSON(contract.SubmitRequest{Attestations: jws}))
			if err != nil {
				t.Error(err)
				return
			}
			heights[g] = res.Height
		}()
	}
	wg.Wait()
	if t.Failed() {
		t.FailNow()
	}
	top = max(heights[0], heights[1], heights[2], heights[3])
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
