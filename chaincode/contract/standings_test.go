package contract

import (
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// published is one publication computed from the world's ledger.
type published struct {
	h       publication.Header
	entries []publication.Entry
	diff    []publication.Change
}

func (w *world) publish(t *testing.T, prev *published) *published {
	t.Helper()
	meta := publication.Meta{Origin: "test", Number: 1, LedgerHeight: uint64(w.txn), AsOf: w.now}
	var prevEntries []publication.Entry
	if prev != nil {
		meta.Number, meta.Previous, prevEntries = prev.h.Number+1, &prev.h, prev.entries
	}
	p := &published{}
	b, err := publication.NewBuilder(meta, publication.SliceNext(prevEntries), publication.Sink{
		Entry:  func(e publication.Entry) error { p.entries = append(p.entries, e); return nil },
		Change: func(c publication.Change) error { p.diff = append(p.diff, c); return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := Standings(w.st, w.now, b.Add); err != nil {
		t.Fatal(err)
	}
	if p.h, err = b.Finish(); err != nil {
		t.Fatal(err)
	}
	// The diff applied to the previous snapshot gives this root, and the
	// entries themselves give it.
	a, err := publication.Apply(publication.SliceNext(prevEntries), publication.SliceChanges(p.diff), nil)
	if err != nil {
		t.Fatal(err)
	}
	if a.Root != p.h.Root || a.Count != p.h.Count || a.DiffDigest != p.h.DiffDigest {
		t.Fatalf("publication %d: diff applied gives %+v, header %+v", p.h.Number, a, p.h)
	}
	tree, err := publication.NewTree(p.entries)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := tree.Root(); publication.RootOf(r) != p.h.Root {
		t.Fatalf("publication %d: tree root differs from the header", p.h.Number)
	}
	return p
}

func changesOf(p *published) map[string]string {
	m := map[string]string{}
	for _, c := range p.diff {
		m[c.Subject] = c.Op + " " + c.Reason
	}
	return m
}

func TestPublicationsFollowTheLedger(t *testing.T) {
	w := newWorld(t)
	a, b, c, d, f, g := hexOf("pub a"), hexOf("pub b"), hexOf("pub c"), hexOf("pub d"), hexOf("pub f"), hexOf("pub g")
	ids := map[string]string{}
	for _, s := range []string{a, b, c, d, f, g} {
		p := w.defaultFor(bank1, s, "loan "+s, 100, 5000)
		_, ids[s] = w.sign(bank1, p)
		expectItem(t, w.file(bank1, p), ItemAccepted, "")
	}
	// A subject with only a below-threshold default is never published.
	below := hexOf("pub below")
	expectItem(t, w.file(bank2, w.defaultFor(bank2, below, "small", 40, 5000)), ItemAccepted, "")

	p1 := w.publish(t, nil)
	if p1.h.Count != 6 || p1.h.Added != 6 || p1.h.Removed != 0 || p1.h.Previous != "" {
		t.Fatalf("p1 = %+v", p1.h)
	}

	// Between 1 and 2: c settled, d's dispute upheld, g revoked, b gains
	// a second reporter, e is new.
	w.now = w.now.Add(24 * 3600e9)
	expectItem(t, w.file(bank1, w.closureFor(bank1, attestation.TypeSettlement, ids[c], c)), ItemAccepted, "")
	expectItem(t, w.file(bank1, w.closureFor(bank1, attestation.TypeRevocation, ids[g], g)), ItemAccepted, "")
	var disp Dispute
	if err := w.call(bank2, "OpenDispute", OpenDisputeRequest{AttestationID: ids[d], ReasonCode: "not-mine", StatementDigest: hexOf("st")}, &disp); err != nil {
		t.Fatal(err)
	}
	w.must(bank1, "ResolveDispute", ResolveDisputeRequest{DisputeID: disp.ID, Outcome: DisputeUpheld, Note: "namesake"})
	expectItem(t, w.file(bank2, w.defaultFor(bank2, b, "b at bank2", 120, 700)), ItemAccepted, "")
	e := hexOf("pub e")
	expectItem(t, w.file(bank2, w.defaultFor(bank2, e, "loan e", 95, 900)), ItemAccepted, "")

	p2 := w.publish(t, p1)
	want := map[string]string{c: "removed settled", d: "removed dispute-upheld", g: "removed revoked", b: "changed ", e: "added "}
	if got := changesOf(p2); len(got) != len(want) {
		t.Fatalf("p2 diff = %v, want %v", got, want)
	} else {
		for k, v := range want {
			if got[k] != v {
				t.Fatalf("p2 diff of %s = %q, want %q", k, got[k], v)
			}
		}
	}
	if p2.h.Count != 4 || p2.h.Previous != p1.h.DigestString() {
		t.Fatalf("p2 = %+v", p2.h)
	}

	// Between 2 and 3: f settled, then retention (5 years) passes; the
	// expired records of c, d, g are purged, f's are merely out of
	// retention.
	expectItem(t, w.file(bank1, w.closureFor(bank1, attestation.TypeSettlement, ids[f], f)), ItemAccepted, "")
	p3a := w.publish(t, p2)
	if got := changesOf(p3a); got[f] != "removed settled" || len(got) != 1 {
		t.Fatalf("settled before retention: %v", got)
	}
	w.now = w.now.AddDate(5, 0, 1)
	w.must(assoc, "PurgeExpired", PurgeRequest{})
	p3 := w.publish(t, p2)
	if got := changesOf(p3); got[f] != "removed retention-expiry" || len(got) != 1 {
		t.Fatalf("p3 diff = %v", got)
	}
	if p3.h.Count != 3 {
		t.Fatalf("p3 = %+v", p3.h)
	}

	// Proven in and out of p3's snapshot.
	tree, err := publication.NewTree(p3.entries)
	if err != nil {
		t.Fatal(err)
	}
	for _, en := range p3.entries {
		inc, err := tree.ProveIn(en)
		if err != nil {
			t.Fatal(err)
		}
		if err := publication.CheckInclusion(p3.h.Root, inc); err != nil {
			t.Fatal(err)
		}
		bad := *inc
		bad.Entry.ActiveDefaults++
		if publication.CheckInclusion(p3.h.Root, &bad) == nil {
			t.Fatal("an altered entry was proven in")
		}
	}
	for _, s := range []string{c, d, f, g, below, "0000000000000000000000000000000000000000000000000000000000000000", "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"} {
		abs, err := tree.ProveOut(s, p3.entries)
		if err != nil {
			t.Fatal(err)
		}
		if err := publication.CheckAbsence(p3.h.Root, p3.h.Count, abs); err != nil {
			t.Fatalf("absence of %s: %v", s, err)
		}
	}
	if _, err := tree.ProveOut(a, p3.entries); err == nil {
		t.Fatal("a listed subject was proven out")
	}
}

func TestRecordPublication(t *testing.T) {
	w := newWorld(t)
	expectItem(t, w.file(bank1, w.defaultFor(bank1, hexOf("rp"), "loan", 100, 5000)), ItemAccepted, "")
	p1 := w.publish(t, nil)
	p2 := w.publish(t, p1)
	w.refuse(bank1, "RecordPublication", RecordPublicationRequest{Header: p1.h}, CodeForbidden)
	w.refuse(assoc, "RecordPublication", RecordPublicationRequest{Header: p2.h}, CodeFailedPrecondition)
	bad := p1.h
	bad.Root = "x"
	w.refuse(assoc, "RecordPublication", RecordPublicationRequest{Header: bad}, CodeInvalidArgument)
	var rec PublicationRecord
	if err := w.call(assoc, "RecordPublication", RecordPublicationRequest{Header: p1.h}, &rec); err != nil {
		t.Fatal(err)
	}
	if rec.Digest != p1.h.DigestString() {
		t.Fatalf("recorded %+v", rec)
	}
	w.refuse(assoc, "RecordPublication", RecordPublicationRequest{Header: p1.h}, CodeConflict)
	unlinked := p2.h
	unlinked.Previous = p2.h.Root
	w.refuse(assoc, "RecordPublication", RecordPublicationRequest{Header: unlinked}, CodeInvalidArgument)
	w.must(assoc, "RecordPublication", RecordPublicationRequest{Header: p2.h})
	var got PublicationRecord
	if err := w.call(bank3, "GetPublication", PublicationRequest{Number: 2}, &got); err != nil || got.Header.Root != p2.h.Root {
		t.Fatalf("GetPublication = %+v, %v", got, err)
	}
	w.refuse(bank3, "GetPublication", PublicationRequest{Number: 3}, CodeNotFound)
}

func TestPolicyPublicationSchedule(t *testing.T) {
	w := newWorld(t)
	p := DefaultPolicy()
	p.PublicationSchedule = "02:00 Asia/Shanghai"
	w.must(assoc, "SetPolicy", p)
	var got Policy
	if err := w.call(bank1, "GetPolicy", Empty{}, &got); err != nil || got.PublicationSchedule != p.PublicationSchedule {
		t.Fatalf("policy = %+v, %v", got, err)
	}
	p.PublicationSchedule = "2am Shanghai"
	w.refuse(assoc, "SetPolicy", p, CodeInvalidArgument)
}

func TestCosignPublication(t *testing.T) {
	w := newWorld(t)
	expectItem(t, w.file(bank1, w.defaultFor(bank1, hexOf("cp"), "loan", 100, 5000)), ItemAccepted, "")
	p1 := w.publish(t, nil)
	k1, err := translog.GenerateLogKey(bank1)
	if err != nil {
		t.Fatal(err)
	}
	sig := func(k translog.LogKey, h publication.Header) string {
		n, err := publication.Sign(h, k.Signer)
		if err != nil {
			t.Fatal(err)
		}
		_, sigs, err := translog.SplitNote(n)
		if err != nil {
			t.Fatal(err)
		}
		return sigs[0].Base64
	}
	req := CosignPublicationRequest{MSPID: bank1, Number: 1, Signature: sig(k1, p1.h)}
	w.refuse(bank1, "CosignPublication", req, CodeNotFound) // not recorded yet
	w.must(assoc, "RecordPublication", RecordPublicationRequest{Header: p1.h})
	w.refuse(bank1, "CosignPublication", req, CodeFailedPrecondition) // no log key
	w.must(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: k1.Verifier})
	w.refuse(bank2, "CosignPublication", req, CodeForbidden) // for another
	other := p1.h
	other.Count++
	w.refuse(bank1, "CosignPublication", CosignPublicationRequest{MSPID: bank1, Number: 1, Signature: sig(k1, other)}, CodeInvalidArgument)
	w.must(bank1, "CosignPublication", req)
	w.refuse(bank1, "CosignPublication", req, CodeConflict)
	var list []PublicationCosignature
	if err := w.call(bank3, "ListPublicationCosignatures", PublicationRequest{Number: 1}, &list); err != nil || len(list) != 1 || list[0].MSPID != bank1 {
		t.Fatalf("cosignatures = %+v, %v", list, err)
	}
	var latest PublicationRecord
	if err := w.call(bank3, "GetPublication", PublicationRequest{}, &latest); err != nil || latest.Header.Number != 1 {
		t.Fatalf("latest = %+v, %v", latest, err)
	}

	// A divergence: another digest than recorded; the same digest is none.
	w.refuse(bank2, "ReportPublicationDivergence", ReportPublicationDivergenceRequest{Number: 1, Digest: p1.h.DigestString()}, CodeInvalidArgument)
	w.refuse(bank2, "ReportPublicationDivergence", ReportPublicationDivergenceRequest{Number: 9, Digest: other.DigestString()}, CodeNotFound)
	var d PublicationDivergence
	if err := w.call(bank2, "ReportPublicationDivergence", ReportPublicationDivergenceRequest{Number: 1, Digest: other.DigestString()}, &d); err != nil {
		t.Fatal(err)
	}
	if d.Association != assoc || d.RecordedDigest != p1.h.DigestString() || w.st.Event != EventPublicationDivergence {
		t.Fatalf("divergence = %+v", d)
	}
}
