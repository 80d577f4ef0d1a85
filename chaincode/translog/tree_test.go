package translog

import (
	"crypto/sha256"
	"fmt"
	"testing"
)

// rfc6962Root is RFC 6962's MTH written from the RFC's definition, to check
// that the library's tree is that tree.
func rfc6962Root(leaves [][]byte) Hash {
	if len(leaves) == 0 {
		return sha256.Sum256(nil)
	}
	if len(leaves) == 1 {
		return sha256.Sum256(append([]byte{0}, leaves[0]...))
	}
	k := 1
	for k*2 < len(leaves) {
		k *= 2
	}
	l, r := rfc6962Root(leaves[:k]), rfc6962Root(leaves[k:])
	return sha256.Sum256(append(append([]byte{1}, l[:]...), r[:]...))
}

func buildTree(t testing.TB, n int) (*Tree, [][]byte) {
	t.Helper()
	tr := NewTree()
	var leaves [][]byte
	for i := 0; i < n; i++ {
		b := []byte(fmt.Sprintf("leaf %d", i))
		leaves = append(leaves, b)
		if idx, _, err := tr.Append(LeafHash(b)); err != nil || idx != int64(i) {
			t.Fatalf("append %d: %d %v", i, idx, err)
		}
	}
	return tr, leaves
}

func TestTreeRefusesWhatItCannotProve(t *testing.T) {
	tr, _ := buildTree(t, 5)
	if _, err := tr.InclusionProof(5, 5); err == nil {
		t.Error("proof of a leaf beyond the size")
	}
	if _, err := tr.InclusionProof(0, 6); err == nil {
		t.Error("proof in a tree larger than the log")
	}
	if _, err := tr.ConsistencyProof(0, 3); err == nil {
		t.Error("consistency from the empty tree")
	}
	if _, err := tr.ConsistencyProof(4, 3); err == nil {
		t.Error("consistency backwards")
	}
	if _, err := tr.Root(6); err == nil {
		t.Error("root beyond the log")
	}
	if _, err := LoadTree(make([]Hash, 3), 5); err == nil {
		t.Error("loaded a tree from the wrong number of hashes")
	}
}

func TestTreeIsRFC6962AndProofsVerify(t *testing.T) {
	tr, leaves := buildTree(t, 23)
	for size := int64(1); size <= 23; size++ {
		root, err := tr.Root(size)
		if err != nil {
			t.Fatal(err)
		}
		if want := rfc6962Root(leaves[:size]); root != want {
			t.Fatalf("root at %d: %s, RFC 6962 says %s", size, root, want)
		}
		for i := int64(0); i < size; i++ {
			p, err := tr.InclusionProof(i, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyInclusion(p, i, size, LeafHash(leaves[i]), root); err != nil {
				t.Fatalf("leaf %d size %d: %v", i, size, err)
			}
			if err := VerifyInclusion(p, i, size, LeafHash([]byte("other")), root); err == nil {
				t.Fatalf("leaf %d size %d: another leaf verified", i, size)
			}
			if len(p) > 0 {
				p[0][0] ^= 1
				if err := VerifyInclusion(p, i, size, LeafHash(leaves[i]), root); err == nil {
					t.Fatalf("leaf %d size %d: altered proof verified", i, size)
				}
			}
		}
		for from := int64(1); from <= size; from++ {
			old, _ := tr.Root(from)
			p, err := tr.ConsistencyProof(from, size)
			if err != nil {
				t.Fatal(err)
			}
			if err := VerifyConsistency(p, from, old, size, root); err != nil {
				t.Fatalf("%d -> %d: %v", from, size, err)
			}
			bad := old
			bad[5] ^= 1
			if err := VerifyConsistency(p, from, bad, size, root); err == nil {
				t.Fatalf("%d -> %d: another old root verified", from, size)
			}
		}
	}
	if r, _ := NewTree().Root(0); r != rfc6962Root(nil) {
		t.Error("empty root")
	}
	var stored []Hash
	re := NewTree()
	for _, l := range leaves {
		_, added, _ := re.Append(LeafHash(l))
		stored = append(stored, added...)
	}
	loaded, err := LoadTree(stored, 23)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := loaded.Root(23)
	b, _ := tr.Root(23)
	if a != b {
		t.Error("a loaded tree has another root")
	}
}
