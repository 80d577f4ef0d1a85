package publication_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

func subject(i int) string {
	s := sha256.Sum256([]byte(fmt.Sprint("subject ", i)))
	return hex.EncodeToString(s[:])
}

func entry(i, defaults int) publication.Entry {
	return publication.Entry{Subject: subject(i), ActiveDefaults: defaults, Reporters: 1,
		Outstanding: map[string]int64{"CNY": int64(1000 * i), "USD": 5}, FirstOverdueSince: "2026-01-02"}
}

// consortium is three organisations' log keys and a trust root naming
// them with the given quorum.
type consortium struct {
	keys map[string]translog.LogKey
	tr   *evidence.TrustRoot
}

func newConsortium(t *testing.T, quorum int) *consortium {
	c := &consortium{keys: map[string]translog.LogKey{}, tr: &evidence.TrustRoot{Origin: "test-origin", Quorum: quorum}}
	for i, org := range []string{"AssocMSP", "Bank1MSP", "Bank2MSP"} {
		k, err := translog.GenerateLogKey(org)
		if err != nil {
			t.Fatal(err)
		}
		c.keys[org] = k
		c.tr.Organisations = append(c.tr.Organisations, evidence.Organisation{ID: org, Association: i == 0, LogKeys: []string{k.Verifier}})
	}
	return c
}

type pub struct {
	h       publication.Header
	entries []publication.Entry
	diff    []publication.Change
}

// build computes publication n from standings (sorted by key) over prev.
func build(t *testing.T, prev *pub, standings []publication.Standing) *pub {
	t.Helper()
	meta := publication.Meta{Origin: "test-origin", Number: 1, LedgerHeight: 10, AsOf: time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)}
	var pe []publication.Entry
	if prev != nil {
		meta.Number, meta.Previous, pe = prev.h.Number+1, &prev.h, prev.entries
		meta.LedgerHeight = prev.h.LedgerHeight + 5
	}
	p := &pub{}
	b, err := publication.NewBuilder(meta, publication.SliceNext(pe), publication.Sink{
		Entry:  func(e publication.Entry) error { p.entries = append(p.entries, e); return nil },
		Change: func(c publication.Change) error { p.diff = append(p.diff, c); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range standings {
		if err := b.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	if p.h, err = b.Finish(); err != nil {
		t.Fatal(err)
	}
	return p
}

func (c *consortium) sign(t *testing.T, h publication.Header, orgs ...string) string {
	var notes [][]byte
	for _, o := range orgs {
		n, err := publication.Sign(h, c.keys[o].Signer)
		if err != nil {
			t.Fatal(err)
		}
		notes = append(notes, n)
	}
	m, err := publication.Merge(notes...)
	if err != nil {
		t.Fatal(err)
	}
	return string(m)
}

func file(t *testing.T, view string, p *pub, note string) []byte {
	var b bytes.Buffer
	if err := publication.WritePreamble(&b, publication.Preamble{View: view, Header: p.h, Note: note}); err != nil {
		t.Fatal(err)
	}
	if view == publication.ViewFull {
		for _, e := range p.entries {
			b.Write(append(e.Encode(), '\n'))
		}
	} else {
		for _, c := range p.diff {
			b.Write(append(c.Encode(), '\n'))
		}
	}
	return b.Bytes()
}

func verify(c *consortium, f, prev []byte) (*publication.Report, error) {
	var pr *bytes.Reader
	if prev != nil {
		pr = bytes.NewReader(prev)
		return publication.Verify(bytes.NewReader(f), pr, c.tr)
	}
	return publication.Verify(bytes.NewReader(f), nil, c.tr)
}

func listed(es ...publication.Entry) []publication.Standing {
	out := make([]publication.Standing, len(es))
	for i, e := range es {
		out[i] = publication.Standing{Subject: e.Subject, Listed: true, Entry: e}
	}
	return out
}

func sorted(ss []publication.Standing) []publication.Standing {
	for i := 1; i < len(ss); i++ {
		for j := i; j > 0 && ss[j].Subject < ss[j-1].Subject; j-- {
			ss[j], ss[j-1] = ss[j-1], ss[j]
		}
	}
	return ss
}

// twoPublications: 1 lists subjects 0..9; 2 settles 3, drops 7 by
// retention (no standing at all), changes 5, adds 10.
func twoPublications(t *testing.T) (*pub, *pub) {
	var s1 []publication.Standing
	for i := 0; i < 10; i++ {
		s1 = append(s1, listed(entry(i, 1))...)
	}
	p1 := build(t, nil, sorted(s1))
	var s2 []publication.Standing
	for i := 0; i <= 10; i++ {
		switch i {
		case 3:
			s2 = append(s2, publication.Standing{Subject: subject(3), Reason: publication.ReasonSettled})
		case 7:
		case 5:
			s2 = append(s2, listed(entry(5, 2))...)
		default:
			s2 = append(s2, listed(entry(i, 1))...)
		}
	}
	return p1, build(t, p1, sorted(s2))
}

func TestVerifyGoodPublications(t *testing.T) {
	c := newConsortium(t, 2)
	p1, p2 := twoPublications(t)
	if p2.h.Added != 1 || p2.h.Changed != 1 || p2.h.Removed != 2 || p2.h.Count != 9 {
		t.Fatalf("p2 = %+v (diff %v)", p2.h, p2.diff)
	}
	reasons := map[string]string{}
	for _, ch := range p2.diff {
		reasons[ch.Subject] = ch.Reason
	}
	if reasons[subject(3)] != publication.ReasonSettled || reasons[subject(7)] != publication.ReasonRetentionExpiry {
		t.Fatalf("reasons = %v", reasons)
	}
	f1 := file(t, publication.ViewFull, p1, c.sign(t, p1.h, "AssocMSP", "Bank1MSP"))
	n2 := c.sign(t, p2.h, "AssocMSP", "Bank2MSP", "Bank1MSP")
	for _, tc := range []struct {
		name    string
		f, prev []byte
	}{
		{"full 1", f1, nil},
		{"full 2 after 1", file(t, publication.ViewFull, p2, n2), f1},
		{"diff 2 on 1", file(t, publication.ViewDiff, p2, n2), f1},
	} {
		rep, err := verify(c, tc.f, tc.prev)
		if err != nil || !rep.OK() {
			t.Fatalf("%s: %v %+v", tc.name, err, rep)
		}
	}
}

func TestVerifyRefusesTampering(t *testing.T) {
	c := newConsortium(t, 2)
	p1, p2 := twoPublications(t)
	f1 := file(t, publication.ViewFull, p1, c.sign(t, p1.h, "AssocMSP", "Bank1MSP"))
	n2 := c.sign(t, p2.h, "AssocMSP", "Bank1MSP")

	modified := *p2
	modified.entries = append([]publication.Entry(nil), p2.entries...)
	modified.entries[4].Outstanding = map[string]int64{"CNY": 1}
	var dropped pub = *p2
	dropped.diff = nil
	for _, ch := range p2.diff {
		if ch.Op != publication.OpRemoved || ch.Subject != subject(3) {
			dropped.diff = append(dropped.diff, ch)
		}
	}
	// A header restated to match the dropped removal's result no longer
	// matches its signatures.
	restated := dropped
	a, err := publication.Apply(publication.SliceNext(p1.entries), publication.SliceChanges(dropped.diff), nil)
	if err != nil {
		t.Fatal(err)
	}
	restated.h.Root, restated.h.Count, restated.h.DiffDigest, restated.h.Removed = a.Root, a.Count, a.DiffDigest, 1
	other := newConsortium(t, 2)
	p1other := build(t, nil, listed(entry(99, 1)))

	for _, tc := range []struct {
		name, step, want string
		f, prev          []byte
	}{
		{"modified entry", publication.StepEntries, "the entries give root", file(t, publication.ViewFull, &modified, n2), f1},
		{"dropped removal", publication.StepDiff, "gives root", file(t, publication.ViewDiff, &dropped, n2), f1},
		{"restated header", publication.StepSignatures, "another header", file(t, publication.ViewDiff, &restated, n2), f1},
		{"too few signatures", publication.StepQuorum, "the quorum is 2", file(t, publication.ViewFull, p2, c.sign(t, p2.h, "AssocMSP")), f1},
		{"members without the association", publication.StepSignatures, "not signed by the association", file(t, publication.ViewFull, p2, c.sign(t, p2.h, "Bank1MSP", "Bank2MSP")), f1},
		{"unknown keys", publication.StepSignatures, "no known log key", file(t, publication.ViewFull, p2, other.sign(t, p2.h, "AssocMSP", "Bank1MSP")), f1},
		{"diff without previous", publication.StepDiff, "--previous", file(t, publication.ViewDiff, p2, n2), nil},
		{"wrong previous", publication.StepPrevious, "does not follow", file(t, publication.ViewDiff, p2, n2), file(t, publication.ViewFull, p1other, c.sign(t, p1other.h, "AssocMSP", "Bank1MSP"))},
	} {
		rep, err := verify(c, tc.f, tc.prev)
		if err == nil || (rep != nil && rep.OK()) {
			t.Fatalf("%s: accepted", tc.name)
		}
		if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), tc.step) {
			t.Fatalf("%s: %v, want step %s saying %q", tc.name, err, tc.step, tc.want)
		}
	}
}

func TestApplyRefusesAMisfit(t *testing.T) {
	p1, p2 := twoPublications(t)
	for _, tc := range []struct {
		name string
		diff []publication.Change
	}{
		{"adds a present key", []publication.Change{{Op: publication.OpAdded, Subject: subject(1), Entry: ptr(entry(1, 3))}}},
		{"removes an absent key", []publication.Change{{Op: publication.OpRemoved, Subject: subject(50), Reason: publication.ReasonSettled}}},
		{"changes an absent key", []publication.Change{{Op: publication.OpChanged, Subject: subject(50), Entry: ptr(entry(50, 3))}}},
		{"out of order", []publication.Change{p2.diff[1], p2.diff[0]}},
		{"unknown reason", []publication.Change{{Op: publication.OpRemoved, Subject: subject(1), Reason: "forgiven"}}},
	} {
		if _, err := publication.Apply(publication.SliceNext(p1.entries), publication.SliceChanges(tc.diff), nil); err == nil {
			t.Fatalf("%s: applied", tc.name)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func TestCanonicalDecoding(t *testing.T) {
	e := entry(1, 2)
	line := e.Encode()
	if got, err := publication.DecodeEntry(line); err != nil || !got.Equal(e) {
		t.Fatalf("round trip: %v", err)
	}
	for _, bad := range []string{
		strings.Replace(string(line), `{"subject"`, `{ "subject"`, 1),
		strings.Replace(string(line), `"disputed":false}`, `"disputed":false,"x":1}`, 1),
		strings.Replace(string(line), `"CNY":1000,"USD":5`, `"USD":5,"CNY":1000`, 1),
		strings.Replace(string(line), `"activeDefaults":2`, `"activeDefaults":0`, 1),
	} {
		if _, err := publication.DecodeEntry([]byte(bad)); err == nil {
			t.Fatalf("accepted %s", bad)
		}
	}
}

func TestRootBuilderMatchesTree(t *testing.T) {
	for n := 0; n < 40; n++ {
		var es []publication.Entry
		var rb publication.RootBuilder
		for i := 0; i < n; i++ {
			es = append(es, entry(i, 1))
		}
		es = publicationSorted(es)
		for _, e := range es {
			rb.Add(e.Encode())
		}
		tr, err := publication.NewTree(es)
		if err != nil {
			t.Fatal(err)
		}
		r, err := tr.Root()
		if err != nil || r != rb.Root() {
			t.Fatalf("n=%d: tree %x, builder %x (%v)", n, r, rb.Root(), err)
		}
	}
}

func publicationSorted(es []publication.Entry) []publication.Entry {
	for i := 1; i < len(es); i++ {
		for j := i; j > 0 && es[j].Subject < es[j-1].Subject; j-- {
			es[j], es[j-1] = es[j-1], es[j]
		}
	}
	return es
}

func TestHandEncodingIsEncodingJSON(t *testing.T) {
	for _, e := range []publication.Entry{
		entry(3, 1),
		{Subject: `a"b<c>&\` + "\u2028é\x01", Outstanding: map[string]int64{"B": -1, "A": 2, "é": 3}, FirstOverdueSince: "x\ny", Disputed: true},
		{},
	} {
		want, err := json.Marshal(e)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.Encode(); !bytes.Equal(got, want) {
			t.Fatalf("Encode = %s, encoding/json = %s", got, want)
		}
	}
}

func TestSchedule(t *testing.T) {
	for _, bad := range []string{"", "2:00 Asia/Shanghai", "24:00 UTC", "02:00", "02:00 asia/shanghai", "02:00  UTC", "02:00 Asia/Shanghai x", "02:00 ../etc/passwd"} {
		if _, _, err := publication.SplitSchedule(bad); err == nil {
			t.Fatalf("accepted %q", bad)
		}
	}
	s, err := publication.ParseSchedule("02:00 Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	// 18:00 UTC is 02:00 the next day in Shanghai.
	at := time.Date(2026, 11, 30, 17, 59, 0, 0, time.UTC)
	if n := s.Next(at); !n.Equal(time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("next = %v", n)
	}
	if n := s.Next(time.Date(2026, 11, 30, 18, 0, 0, 0, time.UTC)); !n.Equal(time.Date(2026, 12, 1, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("next at the instant = %v", n)
	}
	if l := s.Last(at); !l.Equal(time.Date(2026, 11, 29, 18, 0, 0, 0, time.UTC)) {
		t.Fatalf("last = %v", l)
	}
}
