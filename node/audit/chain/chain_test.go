package chain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"testing"
)

// build makes a member's chain of n entries.
func build(n int) []Entry {
	out := make([]Entry, n)
	prev := Zero
	for i := range out {
		e := Entry{Seq: uint64(i*2 + 1), Pos: uint64(i + 1), Time: "2026-03-01T00:00:00Z", Client: "c", Member: "M",
			Subject: "s", Purpose: "loan-approval", Kind: KindStatus, Outcome: OutcomeOK, PrevHash: prev}
		e.Hash = e.Link()
		prev, out[i] = e.Hash, e
	}
	return out
}

func verify(log []Entry, anchors []Anchor) error {
	v := NewVerifier("M", anchors)
	for i := range log {
		if err := v.Add(&log[i]); err != nil {
			return err
		}
	}
	_, _, err := v.Finish()
	return err
}

func expect(t *testing.T, err error, kind string, pos uint64) {
	t.Helper()
	var f *Failure
	if !errors.As(err, &f) || f.Kind != kind || f.Pos != pos {
		t.Fatalf("got %v, want %s at position %d", err, kind, pos)
	}
}

func TestVerifier(t *testing.T) {
	log := build(10)
	first := log[0].Hash
	anchors := []Anchor{{Log: first, Size: 4, Head: log[3].Hash}, {Log: first, Size: 8, Head: log[7].Hash},
		{Log: Zero, Size: 100, Head: Zero}} // another log of the member's: not this one's
	if err := verify(log, anchors); err != nil {
		t.Fatalf("a good log: %v", err)
	}
	if v := NewVerifier("M", anchors); v.Logs() != 2 {
		t.Fatalf("logs = %d", v.Logs())
	}
	// Rewritten from the first entry: a log of its own that was never
	// anchored, while the member anchored others.
	fresh := build(3)
	fresh[0].Client = "other"
	prev := Zero
	for i := range fresh {
		fresh[i].PrevHash = prev
		fresh[i].Hash = fresh[i].Link()
		prev = fresh[i].Hash
	}
	expect(t, verify(fresh, anchors), Diverged, 1)
	expect(t, verify(nil, anchors), Truncated, 1)
	if err := verify(fresh, nil); err != nil {
		t.Fatalf("a log of a member without anchors: %v", err)
	}
	if err := verify(log, anchors); err != nil {
		t.Fatalf("a good log: %v", err)
	}
	// Truncated below the last anchor.
	expect(t, verify(log[:6], anchors), Truncated, 7)
	// Truncated after the last anchor is not detectable: nothing binds it.
	if err := verify(log[:9], anchors); err != nil {
		t.Fatalf("a log cut after its last anchor: %v", err)
	}
	// An entry rewritten in place.
	bad := append([]Entry(nil), log...)
	bad[5].Purpose = "post-loan"
	expect(t, verify(bad, anchors), BrokenLink, 6)
	// Rewritten and re-hashed from there on: it no longer extends the
	// anchor at 8.
	prev = bad[4].Hash
	for i := 5; i < len(bad); i++ {
		bad[i].PrevHash = prev
		bad[i].Hash = bad[i].Link()
		prev = bad[i].Hash
	}
	expect(t, verify(bad, anchors), Diverged, 8)
	// A removed middle entry.
	gap := append(append([]Entry(nil), log[:3]...), log[4:]...)
	expect(t, verify(gap, anchors), Gap, 4)
	// Another member's entry.
	other := build(2)
	other[1].Member = "N"
	expect(t, verify(other, nil), Mixed, 2)
}

// linkByTheSpec is Link as its comment specifies it, written the plain
// way: the reference the optimised Link must equal.
func linkByTheSpec(e *Entry) string {
	h := sha256.New()
	h.Write([]byte("blacklist-audit/v1"))
	var n [8]byte
	for _, f := range []string{
		strconv.FormatUint(e.Seq, 10), strconv.FormatUint(e.Pos, 10), e.Time, e.Client, e.Member,
		e.Subject, e.Purpose, e.Kind, e.Outcome, strconv.FormatBool(e.Listed),
		strconv.Itoa(e.ActiveDefaults), strconv.FormatUint(e.Height, 10), e.PrevHash,
	} {
		binary.BigEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
	}
	return hex.EncodeToString(h.Sum(nil))
}

// TestLinkFollowsTheSpecifiedEncoding: Link equals the encoding its
// documentation specifies, for short and long fields, negative counts and
// text longer than Link's buffer.
func TestLinkFollowsTheSpecifiedEncoding(t *testing.T) {
	long := strings.Repeat("é", 400)
	for _, e := range []Entry{
		{},
		{Seq: 1, Pos: 1, Time: "2026-11-30T18:00:00.123456789Z", Client: "bank1-app", Member: "Bank1MSP",
			Subject: strings.Repeat("ab", 32), Purpose: "loan-approval", Kind: KindStatus, Outcome: OutcomeOK,
			Listed: true, ActiveDefaults: 3, Height: 1 << 40, PrevHash: Zero},
		{Seq: ^uint64(0), Pos: 7, Client: long, Member: long, ActiveDefaults: -2, PrevHash: long},
	} {
		if got, want := e.Link(), linkByTheSpec(&e); got != want {
			t.Errorf("Link of %+v = %s, the specified encoding gives %s", e, got, want)
		}
	}
}
