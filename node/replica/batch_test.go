package replica

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
)

// TestApplyBlocksInBatches: blocks applied many at a time (a replica
// catching up) give the replica that applying them one by one gives: the
// same digest, height, events and checkpoint after a restart; blocks
// already applied are skipped, a gap is refused after the blocks before
// it, and each batch's checkpoint is a block boundary.
func TestApplyBlocksInBatches(t *testing.T) {
	src := source(t)
	bs := blocks(t, src)
	if len(bs) < 6 {
		t.Fatalf("only %d blocks", len(bs))
	}
	one, err := Open(filepath.Join(t.TempDir(), "one"), ns)
	if err != nil {
		t.Fatal(err)
	}
	defer one.Close()
	for _, b := range bs {
		if _, err := one.Apply(b); err != nil {
			t.Fatal(err)
		}
	}

	dir := filepath.Join(t.TempDir(), "batched")
	r, err := Open(dir, ns)
	if err != nil {
		t.Fatal(err)
	}
	// A gap after two blocks: those two are applied, the rest refused.
	gappy := []*common.Block{bs[0], bs[1], bs[3]}
	if n, err := r.ApplyBlocks(gappy); n != 2 || err == nil || !strings.Contains(err.Error(), "expects block 2") {
		t.Fatalf("blocks 0, 1, 3: applied %d, %v", n, err)
	}
	// Replayed blocks are skipped; the rest go in one batch.
	if n, err := r.ApplyBlocks(bs); n != len(bs)-2 || err != nil {
		t.Fatalf("all blocks after 2: applied %d, %v", n, err)
	}
	r.Close()
	r, err = Open(dir, ns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	h1, d1, _ := one.Digest()
	h2, d2, err := r.Digest()
	if err != nil || h1 != h2 || d1 != d2 || h2 != uint64(len(bs)) || d2 != digestOf(src) {
		t.Fatalf("batched replica at %d digest %s (%v), one by one at %d %s", h2, d2, err, h1, d1)
	}
	e1, _ := one.Events(0, h1)
	e2, err := r.Events(0, h2)
	j1, _ := json.Marshal(e1)
	j2, _ := json.Marshal(e2)
	if err != nil || len(e1) == 0 || string(j1) != string(j2) {
		t.Fatalf("events differ: %s\n%s (%v)", j1, j2, err)
	}
	if a, err := r.Count("att"); err != nil || a == 0 {
		t.Fatalf("%d attestations in the replica: %v", a, err)
	} else if b, _ := one.Count("att"); a != b {
		t.Fatalf("%d attestations batched, %d one by one", a, b)
	}
	if one.Head() != r.Head() {
		t.Fatalf("heads differ: %+v %+v", one.Head(), r.Head())
	}
}

// TestApplyBlocksSplitsLargeBatches: blocks too large for one badger
// transaction together are committed in several, to the same replica.
func TestApplyBlocksSplitsLargeBatches(t *testing.T) {
	defer func(v int) { maxApplyBytes = v }(maxApplyBytes)
	maxApplyBytes = 1 // every block in a transaction of its own
	src := source(t)
	bs := blocks(t, src)
	r, err := Open(filepath.Join(t.TempDir(), "r"), ns)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	if n, err := r.ApplyBlocks(bs); n != len(bs) || err != nil {
		t.Fatalf("applied %d of %d: %v", n, len(bs), err)
	}
	if h, d, err := r.Digest(); err != nil || h != uint64(len(bs)) || d != digestOf(src) {
		t.Fatalf("replica at %d digest %s (%v), world state %s", h, d, err, digestOf(src))
	}
}
