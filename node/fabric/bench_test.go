package fabric

import (
	"context"
	"crypto/ecdsa"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
)

// benchBank1 is Bank1's node with a freshly registered signing key.
func benchBank1(b *testing.B) (bank1 *Ledger, sign func(i int) string) {
	run := networkDir(b)
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	assoc := open(b, run, "assoc", "AssocMSP")
	bank1 = open(b, run, "bank1", "Bank1MSP")
	key, kid, h := registerKey(ctx, b, assoc, "AssocMSP", "Bank1MSP")
	if err := bank1.Replica().WaitForHeight(ctx, h); err != nil {
		b.Fatal(err)
	}
	stamp := time.Now().UnixNano()
	return bank1, func(i int) string { return signDefault(b, key, kid, hexOf(fmt.Sprint("bench ", stamp, " ", i))) }
}

// signDefault is Bank1's default on subject, signed with key.
func signDefault(b testing.TB, key *ecdsa.PrivateKey, kid, subject string) string {
	jws, _, err := attestation.Sign(ledgertest.DefaultPayload("Bank1MSP", subject, subject, 120), key, kid)
	if err != nil {
		b.Fatal(err)
	}
	return jws
}

// BenchmarkFabricSubmit compares, on the local network (three Raft
// orderers, BatchTimeout 250 ms, MAJORITY endorsement), transactions that
// write nothing (the ceiling: endorse, order, commit) with the node's
// submits of one attestation per transaction and of 100, all with 32
// concurrent submitters. The node's submits also wait for its replica to
// apply the block (read-your-writes).
func BenchmarkFabricSubmit(b *testing.B) {
	bank1, sign := benchBank1(b)
	var next atomic.Int64
	ctx := context.Background()
	run := func(b *testing.B, perTx int, submit func() error) {
		b.SetParallelism(16) // 32 submitters on 2 cores: they mostly wait
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if err := submit(); err != nil {
					b.Error(err)
					return
				}
			}
		})
		b.ReportMetric(float64(b.N*perTx)/b.Elapsed().Seconds(), "attestations/s")
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "tx/s")
	}
	b.Run("noop", func(b *testing.B) {
		run(b, 0, func() error {
			_, err := bank1.contract.SubmitWithContext(ctx, "GetPolicy", client.WithArguments(""))
			return err
		})
	})
	attest := func(perTx int) func() error {
		return func() error {
			jws := make([]string, perTx)
			for i := range jws {
				jws[i] = sign(int(next.Add(1)))
			}
			_, err := bank1.Submit(ctx, "Bank1MSP", "SubmitAttestations", mustJSON(contract.SubmitRequest{Attestations: jws}))
			return err
		}
	}
	b.Run("unbatched", func(b *testing.B) { run(b, 1, attest(1)) })
	b.Run("batched-100", func(b *testing.B) { run(b, 100, attest(100)) })
}

// BenchmarkReplicaCatchUp follows the channel from block 0 with a fresh
// replica until it reaches the height of an up-to-date one: what a new or
// rebuilt node costs.
func BenchmarkReplicaCatchUp(b *testing.B) {
	run := networkDir(b)
	ref := open(b, run, "bank1", "Bank1MSP")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	lag, err := ref.Lag(ctx)
	if err != nil {
		b.Fatal(err)
	}
	if err := ref.Replica().WaitForHeight(ctx, ref.Height()+lag); err != nil {
		b.Fatal(err)
	}
	target := ref.Height()
	atts, err := ref.Replica().Count("att")
	if err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		l := open(b, run, "bank1", "Bank1MSP")
		if err := l.Replica().WaitForHeight(ctx, target); err != nil {
			b.Fatal(err)
		}
		l.Close()
	}
	b.ReportMetric(float64(target)*float64(b.N)/b.Elapsed().Seconds(), "blocks/s")
	b.ReportMetric(float64(target), "blocks")
	// Per attestation, as the target is set: blocks differ in size.
	b.ReportMetric(float64(atts)*float64(b.N)/b.Elapsed().Seconds(), "attestations/s")
	b.ReportMetric(float64(atts), "attestations")
}

// BenchmarkLookup compares one subject's status read from the node's
// replica with the same query evaluated by the organisation's peer.
func BenchmarkLookup(b *testing.B) {
	bank1, sign := benchBank1(b)
	ctx := context.Background()
	jws := sign(0)
	if _, err := bank1.Submit(ctx, "Bank1MSP", "SubmitAttestations", mustJSON(contract.SubmitRequest{Attestations: []string{jws}})); err != nil {
		b.Fatal(err)
	}
	p, _ := attestation.Parse(jws)
	arg := mustJSON(contract.SubjectRequest{Subject: p.Payload.Subject})
	b.Run("replica", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := bank1.Evaluate("Bank1MSP", "SubjectStatus", arg); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("peer", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := bank1.EvaluateOnPeer(ctx, "SubjectStatus", arg); err != nil {
				b.Fatal(err)
			}
		}
	})
}
