package translog

import (
	"bytes"
	"testing"
)

// FuzzDecodeLeaf: any byte string either is refused or is the one
// encoding of the leaf it decodes to.
func FuzzDecodeLeaf(f *testing.F) {
	for _, pos := range []Position{embeddedPos, fabricPos} {
		l, _, err := NewLeaf(pos, ck(f, "att", "s1"), attValue(f, KindSettlement, "d1", "h.p.s"))
		if err != nil {
			f.Fatal(err)
		}
		b, _ := l.Encode()
		f.Add(b)
		p := uint64(3)
		l.Prev = &p
		b, _ = l.Encode()
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		l, err := DecodeLeaf(b)
		if err != nil {
			return
		}
		again, err := l.Encode()
		if err != nil || !bytes.Equal(again, b) {
			t.Fatalf("decoded leaf re-encodes differently (%v)", err)
		}
	})
}
