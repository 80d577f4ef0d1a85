package translog

import (
	"encoding/binary"
	"fmt"
	"slices"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// Log is a transparency log being built: the tree and the chain heads (the
// leaf index of each chain's last leaf), from which Append sets each new
// leaf's Prev. A node feeds it the leaves of committed writes in commit order
// (and replays its stored leaves at start). Not safe for concurrent use.
type Log struct {
	tree  *Tree
	heads map[string]uint64
}

// NewLog returns an empty log.
func NewLog() *Log { return &Log{tree: NewTree(), heads: map[string]uint64{}} }

// Append sets l.Prev to the last leaf of l's chain (nil if none), appends
// the leaf and makes it its chain's head. It returns the leaf index and the
// leaf as appended (with Prev), which is what the node stores.
func (lg *Log) Append(l Leaf) (int64, Leaf, error) {
	chain := l.Chain()
	if chain == "" {
		return 0, Leaf{}, fmt.Errorf("translog: leaf %s belongs to no chain", ReadableKey(l.Key))
	}
	l.Prev = nil
	if p, ok := lg.heads[chain]; ok {
		p := p
		l.Prev = &p
	}
	i, err := lg.tree.AppendLeaf(l)
	if err != nil {
		return 0, Leaf{}, err
	}
	lg.heads[chain] = uint64(i)
	return i, l, nil
}

// AppendStored appends a leaf read back from storage, checking that its
// Prev is what Append would have set: a replay that disagrees means the
// stored log was altered.
func (lg *Log) AppendStored(l Leaf) (int64, error) {
	want := l.Prev
	i, got, err := lg.Append(l)
	if err != nil {
		return 0, err
	}
	if (want == nil) != (got.Prev == nil) || (want != nil && *want != *got.Prev) {
		return 0, fmt.Errorf("translog: stored leaf %d has prev %v, the log says %v", i, fmtPrev(want), fmtPrev(got.Prev))
	}
	return i, nil
}

func fmtPrev(p *uint64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}

// Size is the number of leaves.
func (lg *Log) Size() int64 { return lg.tree.Size() }

// Tree is the log's Merkle tree, for roots and proofs.
func (lg *Log) Tree() *Tree { return lg.tree }

// Head is the leaf index of chain's last leaf.
func (lg *Log) Head(chain string) (uint64, bool) {
	h, ok := lg.heads[chain]
	return h, ok
}

// Checkpoint is the log's checkpoint at its current size, committing to its
// root and to its chain heads, and the heads tree to prove heads from (keep
// it as long as bundles are made against this checkpoint).
func (lg *Log) Checkpoint(origin string) (Checkpoint, *HeadsTree, error) {
	ht := lg.HeadsTree()
	root, err := lg.tree.Root(lg.tree.Size())
	if err != nil {
		return Checkpoint{}, nil, err
	}
	c := Checkpoint{Origin: origin, Size: lg.tree.Size(), Root: root, Heads: ht.Commitment()}
	return c, ht, nil
}

// HeadsTree builds the tree of the current chain heads.
func (lg *Log) HeadsTree() *HeadsTree {
	entries := make([]Head, 0, len(lg.heads))
	for c, i := range lg.heads {
		entries = append(entries, Head{Chain: c, Index: i})
	}
	slices.SortFunc(entries, func(a, b Head) int { return strings.Compare(a.Chain, b.Chain) })
	t := &Tree{hashes: make([]Hash, 0, tlog.StoredHashCount(int64(len(entries))))}
	for _, e := range entries {
		t.Append(LeafHash(e.Encode()))
	}
	return &HeadsTree{entries: entries, tree: t}
}

// Head is one entry of the heads tree: a chain and the leaf index of its
// last leaf. Its bytes are 0x01, the chain's length (4 bytes big-endian),
// the chain, and the index (8 bytes big-endian).
type Head struct {
	Chain string `json:"chain"`
	Index uint64 `json:"index"`
}

// Encode is the entry's canonical bytes.
func (h Head) Encode() []byte {
	b := make([]byte, 0, 13+len(h.Chain))
	b = append(b, 0x01)
	b = binary.BigEndian.AppendUint32(b, uint32(len(h.Chain)))
	b = append(b, h.Chain...)
	return binary.BigEndian.AppendUint64(b, h.Index)
}

// HeadsTree is an RFC 6962 tree over a log's chain heads sorted by chain
// name, at one log size. Its root, in a checkpoint, lets a verifier check
// that a chain's last record is the one a bundle ends with: completeness.
type HeadsTree struct {
	entries []Head // sorted by chain
	tree    *Tree
}

// Commitment is what a checkpoint carries of the heads tree.
func (t *HeadsTree) Commitment() *Commitment {
	root, _ := t.tree.Root(t.tree.Size())
	return &Commitment{Size: t.tree.Size(), Root: root}
}

// Prove proves chain's head.
func (t *HeadsTree) Prove(chain string) (HeadProof, error) {
	i, ok := slices.BinarySearchFunc(t.entries, chain, func(e Head, c string) int { return strings.Compare(e.Chain, c) })
	if !ok {
		return HeadProof{}, fmt.Errorf("translog: no chain %q at this size", chain)
	}
	p := int64(i)
	proof, err := t.tree.InclusionProof(p, t.tree.Size())
	if err != nil {
		return HeadProof{}, err
	}
	return HeadProof{Head: t.entries[p], Position: p, Proof: proof}, nil
}

// Commitment is a heads tree's size (number of chains) and root.
type Commitment struct {
	Size int64
	Root Hash
}

// HeadProof proves that a chain's last leaf at a checkpoint is Head.Index.
type HeadProof struct {
	Head     Head   `json:"head"`
	Position int64  `json:"position"`
	Proof    []Hash `json:"proof"`
}

// VerifyHead checks a head proof against a checkpoint's heads commitment.
func VerifyHead(p HeadProof, c *Commitment) error {
	if c == nil {
		return fmt.Errorf("the checkpoint commits to no chain heads")
	}
	if err := VerifyInclusion(p.Proof, p.Position, c.Size, LeafHash(p.Head.Encode()), c.Root); err != nil {
		return fmt.Errorf("head of %s (leaf %d): %v", p.Head.Chain, p.Head.Index, err)
	}
	return nil
}
