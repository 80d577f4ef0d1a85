package translog

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// benchLeaf is a default's leaf of realistic size: a compact JWS of about
// 600 bytes inside the contract's att/<id> value.
func benchLeaf(b *testing.B, i int) Leaf {
	b.Helper()
	id := fmt.Sprintf("%064x", i)
	l, ok, err := NewLeaf(Position{Mode: ModeFabric, Block: uint64(i/100 + 1), TxIndex: uint32(i % 100), TxID: id, Validation: ValidationValid},
		ck(b, "att", id), attValue(b, KindDefault, id, strings.Repeat("x", 600)))
	if err != nil || !ok {
		b.Fatal(ok, err)
	}
	return l
}

// BenchmarkLeafHash is encoding and hashing one leaf.
func BenchmarkLeafHash(b *testing.B) {
	l := benchLeaf(b, 1)
	enc, _ := l.Encode()
	b.SetBytes(int64(len(enc)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Hash(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkAppend is the log builder's work per logged write: chain the
// leaf (prev), encode, hash and add tlog's stored hashes, all in memory.
// Compare leaves/s with the ledger's commit rate: building the log must
// not hold commits back.
func BenchmarkAppend(b *testing.B) {
	leaves := make([]Leaf, 4096)
	for i := range leaves {
		leaves[i] = benchLeaf(b, i)
	}
	lg := NewLog()
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for b.Loop() {
		if _, _, err := lg.Append(leaves[n%len(leaves)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "leaves/s")
}

var (
	bigOnce sync.Once
	bigTree *Tree
)

const bigSize = 1 << 20

// big is a tree of about a million leaves (hashes only).
func big() *Tree {
	bigOnce.Do(func() {
		bigTree = NewTree()
		for i := 0; i < bigSize; i++ {
			bigTree.Append(LeafHash([]byte(fmt.Sprint(i))))
		}
	})
	return bigTree
}

// BenchmarkInclusionProof is proof generation in a tree of 2^20 leaves.
func BenchmarkInclusionProof(b *testing.B) {
	t := big()
	b.ReportAllocs()
	b.ResetTimer()
	i := int64(0)
	for b.Loop() {
		if _, err := t.InclusionProof(i%bigSize, bigSize); err != nil {
			b.Fatal(err)
		}
		i += 7919
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "proofs/s")
}

// BenchmarkVerifyInclusion is checking one proof in a tree of 2^20 leaves.
func BenchmarkVerifyInclusion(b *testing.B) {
	t := big()
	root, _ := t.Root(bigSize)
	p, _ := t.InclusionProof(12345, bigSize)
	h := LeafHash([]byte("12345"))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if err := VerifyInclusion(p, 12345, bigSize, h, root); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkHeadsTree is the checkpoint's heads commitment over 100,000
// chains (defaults): done once per checkpoint, by every cosigner.
func BenchmarkHeadsTree(b *testing.B) {
	lg := NewLog()
	for i := 0; i < 100_000; i++ {
		if _, _, err := lg.Append(benchLeaf(b, i)); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		lg.HeadsTree()
	}
}
