package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// alteredLedger is a member's copy of the ledger in which one subject's
// default was altered: every snapshot it lends shows the changed amount.
type alteredLedger struct {
	*embedded.Ledger
	subject string
}

func (a alteredLedger) ViewAt(fn func(st state.State, at ledger.At) error) error {
	return a.Ledger.ViewAt(func(st state.State, at ledger.At) error {
		o := state.NewOverlay(st)
		err := st.Scan("subj", []string{a.subject, "d"}, func(k string, v []byte) error {
			var rec map[string]any
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			rec["payload"].(map[string]any)["amount"] = 1_000_000_000
			b, _ := json.Marshal(rec)
			return o.Put(k, b)
		})
		if err != nil {
			return err
		}
		return fn(o, at)
	})
}

// memberNode opens another organisation's node over the same embedded
// ledger, signing only for org.
func memberNode(t *testing.T, l ledger.Ledger, org, assocDir string) *Node {
	t.Helper()
	dir := t.TempDir()
	// The same consortium secret as the association's node.
	secret, err := os.ReadFile(filepath.Join(assocDir, "consortium.secret"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "consortium.secret"), secret, 0o600); err != nil {
		t.Fatal(err)
	}
	n, err := OpenWith(dir, l, Options{LogCosigners: []string{org}, LogCheckpointInterval: -1, AuditAnchorInterval: -1, PublicationCheck: -1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	return n
}

// TestMembersCosignPublications: two member nodes recompute the
// association's publication from their copy as of its height (the ledger
// moved on since) and cosign it, which brings it to the quorum; a node
// whose copy was altered refuses, reports it, and the association is
// alerted.
func TestMembersCosignPublications(t *testing.T) {
	n, l, dir := logNode(t, Options{LogCosigners: []string{DemoAssociation}, PublicationCheck: -1})
	ctx := context.Background()
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	agency := &Client{Name: "agency", Member: DemoAssociation, Roles: []string{RoleAgency}}
	bank1 := memberNode(t, l, DemoBank1, dir)
	bank2 := memberNode(t, alteredLedger{Ledger: l, subject: demoDefault(1).Subject}, DemoBank2, dir)

	fileDefaults(t, n, 0, 3)
	if _, err := n.Publish(ctx, admin); err != nil {
		t.Fatal(err)
	}
	fileDefaults(t, n, 3, 2)
	p2, err := n.Publish(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	fileDefaults(t, n, 5, 2) // the ledger moves past publication 2's height

	// Signed by the association alone, publication 2 is short of the
	// quorum of 2.
	for _, m := range []*Node{bank1, bank2} {
		if _, err := m.ensureLogKey(ctx, m.tlog.cosigners[0]); err != nil {
			t.Fatal(err)
		}
	}
	caughtUp(t, n)
	tr, _, err := n.TrustRoot(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if tr.Quorum != 2 {
		t.Fatalf("quorum %d", tr.Quorum)
	}
	full1 := streamed(t, n, agency, 1, publication.ViewFull)
	if _, err := publication.Verify(bytes.NewReader(streamed(t, n, agency, 2, publication.ViewDiff)), bytes.NewReader(full1), tr); err == nil {
		t.Fatal("publication 2 signed by one organisation verified")
	}

	if err := bank1.CosignPublications(ctx); err != nil {
		t.Fatal(err)
	}
	if err := bank1.CosignPublications(ctx); err != nil { // nothing left to do
		t.Fatal(err)
	}
	if err := bank2.CosignPublications(ctx); !errors.Is(err, ErrPublicationDiverged) {
		t.Fatalf("the altered copy: %v", err)
	}
	if err := bank2.CosignPublications(ctx); !errors.Is(err, ErrPublicationDiverged) {
		t.Fatalf("the altered copy, again: %v", err)
	}

	list, err := n.Publications(ctx, agency, 10)
	if err != nil || len(list) != 2 || len(list[0].Signers) != 2 || list[0].Signers[1] != DemoBank1 {
		t.Fatalf("publications: %+v %v", list, err)
	}
	rep, err := publication.Verify(bytes.NewReader(streamed(t, n, agency, 2, publication.ViewDiff)), bytes.NewReader(full1), tr)
	if err != nil || !rep.OK() || len(rep.Signed) != 2 {
		t.Fatalf("cosigned publication 2: %v %+v", err, rep)
	}
	// Bank1's node kept the same publication: it can serve the same file.
	var own StoredPublication
	if found, err := storeView(bank1, 2, &own); err != nil || !found || own.Header.DigestString() != p2.Header.DigestString() {
		t.Fatalf("bank1's copy: %+v %v", own.Header, err)
	}

	// An association node that lost its store takes up from the ledger:
	// publication 3 follows 2, and its diff applies to 2's entries.
	fileDefaults(t, n, 7, 1)
	fresh := memberNode(t, l, DemoAssociation, dir)
	p3, err := fresh.Publish(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if p3.Header.Number != 3 || p3.Header.Previous != p2.Header.DigestString() || p3.Header.Added != 3 {
		t.Fatalf("p3 = %+v", p3.Header)
	}
	if err := bank1.CosignPublications(ctx); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, fresh)
	tr3, _, err := fresh.TrustRoot(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	full2 := streamed(t, n, agency, 2, publication.ViewFull)
	if rep, err := publication.Verify(bytes.NewReader(streamed(t, fresh, agency, 3, publication.ViewDiff)), bytes.NewReader(full2), tr3); err != nil || !rep.OK() {
		t.Fatalf("publication 3 from the restored node: %v %+v", err, rep)
	}

	// The association's alert, derived from bank2's committed report.
	deadline := time.Now().Add(10 * time.Second)
	for {
		alerts, _, err := n.Alerts(ctx, admin, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got *alert.Alert
		for i := range alerts {
			if alerts[i].Kind == alert.KindPublicationDivergence {
				got = &alerts[i]
			}
		}
		if got != nil {
			if got.Publication == nil || got.Publication.Member != DemoBank2 || got.Publication.Number != 2 || got.Publication.RecordedDigest != p2.Header.DigestString() {
				t.Fatalf("alert %+v", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no publication-divergence alert for the association: %+v", alerts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func storeView(n *Node, num uint64, sp *StoredPublication) (bool, error) {
	return store.View(n.db, pubKey(store.PublicationHeads, num), store.JSON(sp))
}
