package fabric

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
)

// TestPublicationsAcrossOrganisations: the association's node publishes
// the blacklist; after the ledger has moved on, Bank1's and Bank2's nodes
// recompute the publication from their own replicas as of its block
// height, cosign it, and the file an agency gets from the association's
// node verifies with the quorum. Then Bank2's replica is altered on disk
// (one default's amount in its world state) and the next publication is
// refused by Bank2's node, which reports it: the association is alerted.
func TestPublicationsAcrossOrganisations(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	dirs := func() (string, string) { return t.TempDir(), t.TempDir() }
	ad, ar := dirs()
	assoc := logStack(t, run, "assoc", "AssocMSP", ad, ar, node.RoleAdmin)
	b1d, b1r := dirs()
	bank1 := logStack(t, run, "bank1", "Bank1MSP", b1d, b1r, node.RoleReporter, node.RoleQuerier)
	b2d, b2r := dirs()
	bank2 := logStack(t, run, "bank2", "Bank2MSP", b2d, b2r, node.RoleReporter, node.RoleQuerier)
	admit := contract.AdmitMemberRequest{MSPID: "Bank2MSP", LegalName: "Bank Two", CreditCode: "91110000600037341L",
		Roles: []string{"reporter", "querier"}}
	if st := assoc.call("POST", "/v1/members", admit, nil); st != 201 && st != 409 {
		t.Fatalf("admit Bank2: %d", st)
	}
	bank1.synced(ctx, t, assoc.ledger.Height())
	bank1.signingKey()
	stamp := fmt.Sprint(time.Now().UnixNano())
	subject := hexOf("publication " + stamp)
	for i, s := range []string{subject, hexOf("publication other " + stamp)} {
		if st := bank1.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(s, fmt.Sprint("publication ", i, stamp))}, nil); st != 201 {
			t.Fatalf("report: %d", st)
		}
	}

	publish := func() publication.Header {
		t.Helper()
		var p struct {
			Number uint64             `json:"number"`
			Header publication.Header `json:"header"`
		}
		if st := assoc.call("POST", "/v1/publications", nil, &p); st != 201 {
			t.Fatalf("publish: %d", st)
		}
		// The ledger moves past the publication's height.
		if st := bank1.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(hexOf(fmt.Sprint("after ", p.Number, stamp)), fmt.Sprint("after ", p.Number, stamp))}, nil); st != 201 {
			t.Fatalf("report after publishing: %d", st)
		}
		return p.Header
	}
	h := publish()
	members := []*logMember{assoc, bank1, bank2}
	for _, m := range members {
		m.synced(ctx, t, maxHeight(members))
	}
	for _, m := range []*logMember{bank1, bank2} {
		if err := m.node.CosignPublications(ctx); err != nil {
			t.Fatalf("%s cosigning publication %d: %v", m.msp, h.Number, err)
		}
	}
	for _, m := range members {
		m.synced(ctx, t, maxHeight(members))
	}
	admin := &node.Client{Name: "admin", Member: "AssocMSP", Roles: []string{node.RoleAdmin}}
	tr, _, err := assoc.node.TrustRoot(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	var full bytes.Buffer
	if err := assoc.node.StreamPublication(ctx, admin, h.Number, publication.ViewFull, func(l []byte) error { full.Write(l); return nil }); err != nil {
		t.Fatal(err)
	}
	rep, err := publication.Verify(bytes.NewReader(full.Bytes()), nil, tr)
	if err != nil || !rep.OK() || len(rep.Signed) != 3 {
		t.Fatalf("publication %d: %v %+v", h.Number, err, rep)
	}

	// Bank2's replica is altered: the amount of Bank1's first default in
	// its world state.
	bank2.stop()
	alterState(t, b2r, subject)
	bank2 = logStack(t, run, "bank2", "Bank2MSP", b2d, b2r, node.RoleReporter, node.RoleQuerier)
	h2 := publish()
	members = []*logMember{assoc, bank1, bank2}
	for _, m := range members {
		m.synced(ctx, t, maxHeight(members))
	}
	if err := bank1.node.CosignPublications(ctx); err != nil {
		t.Fatalf("Bank1 cosigning publication %d: %v", h2.Number, err)
	}
	if err := bank2.node.CosignPublications(ctx); !errors.Is(err, node.ErrPublicationDiverged) {
		t.Fatalf("Bank2's node over an altered replica: %v", err)
	}
	for {
		alerts, _, err := assoc.node.Alerts(ctx, admin, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, a := range alerts {
			if a.Kind == alert.KindPublicationDivergence && a.Publication != nil && a.Publication.Member == "Bank2MSP" && a.Publication.Number == h2.Number {
				found = true
			}
		}
		if found {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no publication-divergence alert: %+v", alerts)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// alterState changes, in the replica's world state, the amount of every
// default recorded about subject.
func alterState(t *testing.T, dir, subject string) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	prefix, _ := state.CompositeKey("subj", subject, "d")
	n := 0
	err = db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: badgerstate.Key(prefix)})
		defer it.Close()
		var sets [][2][]byte
		for it.Rewind(); it.Valid(); it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			var rec map[string]any
			if err := json.Unmarshal(v, &rec); err != nil {
				return err
			}
			rec["payload"].(map[string]any)["amount"] = 999999999
			nv, _ := json.Marshal(rec)
			sets = append(sets, [2][]byte{it.Item().KeyCopy(nil), nv})
		}
		for _, s := range sets {
			if err := txn.Set(s[0], s[1]); err != nil {
				return err
			}
			n++
		}
		return nil
	})
	if err != nil || n == 0 {
		t.Fatalf("altering the replica: %d defaults, %v", n, err)
	}
}
