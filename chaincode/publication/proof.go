package publication

import (
	"encoding/base64"
	"fmt"
	"sort"

	"golang.org/x/mod/sumdb/tlog"
)

// Tree holds a snapshot's stored hashes (sumdb/tlog layout) in memory, to
// prove entries in and keys out. An agency builds it from a full
// publication; about 64 bytes per entry.
type Tree struct {
	subjects []string
	hashes   []tlog.Hash
}

// NewTree builds the tree of entries (in key order).
func NewTree(entries []Entry) (*Tree, error) {
	t := &Tree{subjects: make([]string, len(entries))}
	for i, e := range entries {
		if i > 0 && e.Subject <= entries[i-1].Subject {
			return nil, fmt.Errorf("entries out of order at %s", e.Subject)
		}
		t.subjects[i] = e.Subject
		hs, err := tlog.StoredHashes(int64(i), e.Encode(), tlog.HashReaderFunc(t.read))
		if err != nil {
			return nil, err
		}
		t.hashes = append(t.hashes, hs...)
	}
	return t, nil
}

func (t *Tree) read(idx []int64) ([]tlog.Hash, error) {
	out := make([]tlog.Hash, len(idx))
	for i, x := range idx {
		if x < 0 || x >= int64(len(t.hashes)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = t.hashes[x]
	}
	return out, nil
}

// Root is the snapshot root.
func (t *Tree) Root() (tlog.Hash, error) {
	if len(t.subjects) == 0 {
		return EmptyRoot(), nil
	}
	return tlog.TreeHash(int64(len(t.subjects)), tlog.HashReaderFunc(t.read))
}

// Inclusion is an entry with its index and inclusion proof in a snapshot
// of Size entries.
type Inclusion struct {
	Index int64    `json:"index"`
	Size  int64    `json:"size"`
	Entry Entry    `json:"entry"`
	Proof []string `json:"proof"`
}

// Absence proves a subject key is not in a snapshot: the adjacent entries
// around where it would sort (Before absent when it would be first, After
// absent when last; both absent only in an empty snapshot).
type Absence struct {
	Subject string     `json:"subject"`
	Size    int64      `json:"size"`
	Before  *Inclusion `json:"before,omitempty"`
	After   *Inclusion `json:"after,omitempty"`
}

func (t *Tree) prove(i int) (*Inclusion, error) {
	n := int64(len(t.subjects))
	p, err := tlog.ProveRecord(n, int64(i), tlog.HashReaderFunc(t.read))
	if err != nil {
		return nil, err
	}
	inc := &Inclusion{Index: int64(i), Size: n, Proof: make([]string, len(p))}
	for j, h := range p {
		inc.Proof[j] = base64.StdEncoding.EncodeToString(h[:])
	}
	return inc, nil
}

// ProveIn proves entry e is in the snapshot.
func (t *Tree) ProveIn(e Entry) (*Inclusion, error) {
	i := sort.SearchStrings(t.subjects, e.Subject)
	if i == len(t.subjects) || t.subjects[i] != e.Subject {
		return nil, fmt.Errorf("%s is not in the snapshot", e.Subject)
	}
	inc, err := t.prove(i)
	if err != nil {
		return nil, err
	}
	inc.Entry = e
	return inc, nil
}

// ProveOut proves subject is not in the snapshot; entries are the
// snapshot's entries, for the neighbours' values.
func (t *Tree) ProveOut(subject string, entries []Entry) (*Absence, error) {
	i := sort.SearchStrings(t.subjects, subject)
	if i < len(t.subjects) && t.subjects[i] == subject {
		return nil, fmt.Errorf("%s is in the snapshot", subject)
	}
	a := &Absence{Subject: subject, Size: int64(len(t.subjects))}
	if i > 0 {
		inc, err := t.prove(i - 1)
		if err != nil {
			return nil, err
		}
		inc.Entry = entries[i-1]
		a.Before = inc
	}
	if i < len(t.subjects) {
		inc, err := t.prove(i)
		if err != nil {
			return nil, err
		}
		inc.Entry = entries[i]
		a.After = inc
	}
	return a, nil
}

// CheckInclusion checks an inclusion proof against a root (base64).
func CheckInclusion(root string, inc *Inclusion) error {
	r, err := decodeHash(root)
	if err != nil {
		return err
	}
	p := make(tlog.RecordProof, len(inc.Proof))
	for i, s := range inc.Proof {
		if p[i], err = decodeHash(s); err != nil {
			return err
		}
	}
	if err := tlog.CheckRecord(p, inc.Size, r, inc.Index, tlog.RecordHash(inc.Entry.Encode())); err != nil {
		return fmt.Errorf("entry %s at %d: %v", inc.Entry.Subject, inc.Index, err)
	}
	return nil
}

// CheckAbsence checks that a.Subject is not in the snapshot of root
// (base64) and size count: the neighbours are proven in, adjacent, and
// sort around it.
func CheckAbsence(root string, count int64, a *Absence) error {
	if a.Size != count {
		return fmt.Errorf("absence proof is for %d entries, the snapshot has %d", a.Size, count)
	}
	if count == 0 {
		if a.Before != nil || a.After != nil {
			return fmt.Errorf("empty snapshot with neighbours")
		}
		if root != RootOf(EmptyRoot()) {
			return fmt.Errorf("snapshot is not empty")
		}
		return nil
	}
	for _, inc := range []*Inclusion{a.Before, a.After} {
		if inc == nil {
			continue
		}
		if inc.Size != count {
			return fmt.Errorf("neighbour proven in a snapshot of %d entries, not %d", inc.Size, count)
		}
		if err := CheckInclusion(root, inc); err != nil {
			return err
		}
	}
	switch {
	case a.Before == nil && a.After == nil:
		return fmt.Errorf("no neighbour in a snapshot of %d entries", count)
	case a.Before == nil:
		if a.After.Index != 0 || a.After.Entry.Subject <= a.Subject {
			return fmt.Errorf("%s is not before the first entry", a.Subject)
		}
	case a.After == nil:
		if a.Before.Index != count-1 || a.Before.Entry.Subject >= a.Subject {
			return fmt.Errorf("%s is not after the last entry", a.Subject)
		}
	default:
		if a.After.Index != a.Before.Index+1 {
			return fmt.Errorf("neighbours at %d and %d are not adjacent", a.Before.Index, a.After.Index)
		}
		if !(a.Before.Entry.Subject < a.Subject && a.Subject < a.After.Entry.Subject) {
			return fmt.Errorf("%s does not sort between its neighbours", a.Subject)
		}
	}
	return nil
}

func decodeHash(s string) (tlog.Hash, error) {
	var h tlog.Hash
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(b) != len(h) {
		return h, fmt.Errorf("%q is not a base64 SHA-256", s)
	}
	copy(h[:], b)
	return h, nil
}
