package translog

import (
	"testing"
)

func TestLogLinksChainsAndProvesHeads(t *testing.T) {
	lg := NewLog()
	add := func(key string, val []byte) (int64, Leaf) {
		t.Helper()
		l, ok, err := NewLeaf(embeddedPos, key, val)
		if err != nil || !ok {
			t.Fatal(ok, err)
		}
		i, linked, err := lg.Append(l)
		if err != nil {
			t.Fatal(err)
		}
		return i, linked
	}
	d1, l0 := add(ck(t, "att", "d1"), attValue(t, KindDefault, "d1", "h.p.s"))
	m1, _ := add(ck(t, "member", "Org1MSP"), []byte(`{}`))
	d2, _ := add(ck(t, "att", "d2"), attValue(t, KindDefault, "d2", "h.p.s"))
	s1, l3 := add(ck(t, "att", "s1"), attValue(t, KindSettlement, "d1", "h.p.s"))
	if l0.Prev != nil || l3.Prev == nil || *l3.Prev != uint64(d1) {
		t.Fatalf("prev links: %v %v", l0.Prev, l3.Prev)
	}

	c, ht, err := lg.Checkpoint(Origin("ch1"))
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCheckpoint(c.Text())
	if err != nil || !back.Equal(c) || back.Heads == nil || back.Heads.Size != 3 {
		t.Fatalf("checkpoint with heads: %+v %v", back, err)
	}
	p, err := ht.Prove(ChainOfAttestation("d1"))
	if err != nil || p.Head.Index != uint64(s1) {
		t.Fatalf("head of d1: %+v %v", p, err)
	}
	if err := VerifyHead(p, c.Heads); err != nil {
		t.Fatal(err)
	}
	// A bundle that stops at the default (its settlement dropped) would
	// claim the default is the head: that does not verify.
	forged := p
	forged.Head.Index = uint64(d1)
	if err := VerifyHead(forged, c.Heads); err == nil {
		t.Error("a head that is not the chain's last leaf verified")
	}
	if err := VerifyHead(p, nil); err == nil {
		t.Error("a head verified against a checkpoint without heads")
	}
	if _, err := ht.Prove("attestation/none"); err == nil {
		t.Error("proved the head of a chain that does not exist")
	}
	_ = m1
	_ = d2

	// Replaying stored leaves rebuilds the same log; a stored prev that
	// disagrees is refused.
	re := NewLog()
	for _, key := range []struct {
		k string
		v []byte
	}{{ck(t, "att", "d1"), attValue(t, KindDefault, "d1", "h.p.s")}} {
		l, _, _ := NewLeaf(embeddedPos, key.k, key.v)
		wrong := uint64(9)
		l.Prev = &wrong
		if _, err := re.AppendStored(l); err == nil {
			t.Error("a stored leaf with a wrong prev replayed")
		}
	}
}
