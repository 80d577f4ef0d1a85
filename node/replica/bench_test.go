package replica

import (
	"crypto/rand"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// BenchmarkApplyBlocks replays 1,000 blocks of one transaction writing 10
// attestations (an attestation record, its subject entry and index: about
// 1.5 kB each) into a fresh replica, durably, one block per Apply (a
// replica that is current) and in the batches the follower forms while
// catching up, and reports attestations/s:
//
//	go test ./node/replica -run '^$' -bench ApplyBlocks -benchtime 3x
func BenchmarkApplyBlocks(b *testing.B) {
	const blocksN, perBlock = 1000, 10
	t0 := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	bs := make([]*common.Block, blocksN)
	for n := range bs {
		var writes []Write
		for i := 0; i < perBlock; i++ {
			id := fmt.Sprintf("%064x", n*perBlock+i)
			rec := make([]byte, 1200)
			rand.Read(rec)
			att, _ := state.CompositeKey("att", id)
			subj, _ := state.CompositeKey("subj", id, "d", id)
			idx, _ := state.CompositeKey("byreporter", "Bank1MSP", id)
			writes = append(writes, Write{Key: att, Value: rec}, Write{Key: subj, Value: rec[:300]}, Write{Key: idx, Value: []byte{1}})
		}
		env := envelope(fmt.Sprintf("tx%d", n), t0.Add(time.Duration(n)*time.Second), common.HeaderType_ENDORSER_TRANSACTION, ns, writes, "", nil)
		bs[n] = block(uint64(n), [][]byte{env}, []peer.TxValidationCode{peer.TxValidationCode_VALID})
	}
	for _, batch := range []int{1, 256} {
		b.Run(fmt.Sprintf("batch=%d", batch), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				r, err := Open(filepath.Join(b.TempDir(), "r"), ns)
				if err != nil {
					b.Fatal(err)
				}
				for lo := 0; lo < len(bs); lo += batch {
					if _, err := r.ApplyBlocks(bs[lo:min(lo+batch, len(bs))]); err != nil {
						b.Fatal(err)
					}
				}
				r.Close()
			}
			b.ReportMetric(float64(blocksN*perBlock*b.N)/b.Elapsed().Seconds(), "attestations/s")
		})
	}
}
