package translog

import (
	"crypto/sha256"
	"fmt"

	"golang.org/x/mod/sumdb/tlog"
)

// Tree is a log's Merkle tree held in memory as tlog's stored hashes (about
// two hashes, 64 bytes, per leaf). It is not safe for concurrent use.
//
// A node that persists its log writes, for each append, the hashes Append
// returns at the stored-hash indexes that follow (tlog.StoredHashIndex
// order) and rebuilds the tree at start with LoadTree.
type Tree struct {
	hashes []Hash
	size   int64
}

// NewTree returns an empty tree.
func NewTree() *Tree { return &Tree{} }

// LoadTree rebuilds a tree of size leaves from its stored hashes, as
// returned by successive Appends.
func LoadTree(hashes []Hash, size int64) (*Tree, error) {
	if size < 0 || tlog.StoredHashCount(size) != int64(len(hashes)) {
		return nil, fmt.Errorf("translog: %d stored hashes do not make a tree of %d leaves", len(hashes), size)
	}
	return &Tree{hashes: hashes, size: size}, nil
}

// Size is the number of leaves.
func (t *Tree) Size() int64 { return t.size }

// ReadHashes implements tlog.HashReader.
func (t *Tree) ReadHashes(indexes []int64) ([]Hash, error) {
	out := make([]Hash, len(indexes))
	for i, x := range indexes {
		if x < 0 || x >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("translog: stored hash %d not in a tree of %d leaves", x, t.size)
		}
		out[i] = t.hashes[x]
	}
	return out, nil
}

// AppendLeaf encodes l and appends it, returning its leaf index.
func (t *Tree) AppendLeaf(l Leaf) (int64, error) {
	b, err := l.Encode()
	if err != nil {
		return 0, err
	}
	i, _, err := t.Append(tlog.RecordHash(b))
	return i, err
}

// Append adds a leaf by its leaf hash and returns its index and the stored
// hashes it added (to persist, in order).
func (t *Tree) Append(leafHash Hash) (int64, []Hash, error) {
	added, err := tlog.StoredHashesForRecordHash(t.size, leafHash, t)
	if err != nil {
		return 0, nil, err
	}
	t.hashes = append(t.hashes, added...)
	t.size++
	return t.size - 1, added, nil
}

// Root is the root hash of the tree's first size leaves. The empty tree's
// root is SHA-256 of nothing (RFC 6962).
func (t *Tree) Root(size int64) (Hash, error) {
	if size < 0 || size > t.size {
		return Hash{}, fmt.Errorf("translog: no size %d in a tree of %d leaves", size, t.size)
	}
	if size == 0 {
		return EmptyRoot(), nil
	}
	return tlog.TreeHash(size, t)
}

// InclusionProof proves that leaf index is in the tree of size leaves.
func (t *Tree) InclusionProof(index, size int64) ([]Hash, error) {
	if size > t.size || index < 0 || index >= size {
		return nil, fmt.Errorf("translog: no leaf %d in a tree of %d leaves (log has %d)", index, size, t.size)
	}
	return tlog.ProveRecord(size, index, t)
}

// ConsistencyProof proves that the tree of size from is a prefix of the tree
// of size to.
func (t *Tree) ConsistencyProof(from, to int64) ([]Hash, error) {
	if from < 1 || from > to || to > t.size {
		return nil, fmt.Errorf("translog: no consistency proof from size %d to %d (log has %d)", from, to, t.size)
	}
	return tlog.ProveTree(to, from, t)
}

// EmptyRoot is the root of a tree with no leaves.
func EmptyRoot() Hash { return Hash(sha256.Sum256(nil)) }

// LeafHash is RFC 6962's hash of a leaf's encoded bytes.
func LeafHash(encoded []byte) Hash { return tlog.RecordHash(encoded) }

// VerifyInclusion checks that the leaf with leafHash is leaf index of the
// tree of size leaves whose root is root.
func VerifyInclusion(proof []Hash, index, size int64, leafHash, root Hash) error {
	if index < 0 || index >= size {
		return fmt.Errorf("leaf index %d is not below the tree size %d", index, size)
	}
	if err := tlog.CheckRecord(proof, size, root, index, leafHash); err != nil {
		return fmt.Errorf("inclusion proof of leaf %d in the tree of size %d does not lead to root %s", index, size, root)
	}
	return nil
}

// VerifyConsistency checks that the tree of size from with root fromRoot is
// a prefix of the tree of size to with root toRoot.
func VerifyConsistency(proof []Hash, from int64, fromRoot Hash, to int64, toRoot Hash) error {
	if from < 1 || from > to {
		return fmt.Errorf("no consistency between sizes %d and %d", from, to)
	}
	if err := tlog.CheckTree(proof, to, toRoot, from, fromRoot); err != nil {
		return fmt.Errorf("consistency proof from size %d (root %s) to size %d (root %s) does not hold", from, fromRoot, to, toRoot)
	}
	return nil
}
