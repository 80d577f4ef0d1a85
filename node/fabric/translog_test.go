package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/store"
)

// logMember is an organisation's stack whose node keeps the transparency
// log and cosigns for its organisation when asked, with its data and
// replica in given directories so that it can be stopped and restarted.
type logMember struct {
	*member
	data, replica string
	srv           *httptest.Server
}

func logStack(t *testing.T, run, org, msp, data, replica string, roles ...string) *logMember {
	t.Helper()
	l, err := openAt(t, run, org, msp, replica)
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.OpenWith(data, l, node.Options{Logf: t.Logf, LogCosigners: []string{msp}, LogCheckpointInterval: -1, AuditAnchorInterval: -1,
		Secret: node.SecretOptions{File: filepath.Join(run, "assoc", "consortium.secret")}})
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	key, err := n.CreateClient(fmt.Sprint("app-", time.Now().UnixNano()), msp, roles)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gateway.New(n, gateway.Options{MaxBodyBytes: 8 << 20}))
	m := &logMember{member: &member{t: t, msp: msp, ledger: l, node: n, url: srv.URL, key: key}, data: data, replica: replica, srv: srv}
	t.Cleanup(m.stop)
	return m
}

func (m *logMember) stop() {
	if m.srv == nil {
		return
	}
	m.srv.Close()
	m.node.Close()
	m.ledger.Close()
	m.srv = nil
}

// synced waits until the member's replica has every block of height h and
// its log has followed them.
func (m *logMember) synced(ctx context.Context, t *testing.T, h uint64) {
	t.Helper()
	if err := m.ledger.Replica().WaitForHeight(ctx, h); err != nil {
		t.Fatalf("%s: %v", m.msp, err)
	}
	if _, err := m.node.TransparencyLog().CatchUp(); err != nil {
		t.Fatalf("%s's log: %v", m.msp, err)
	}
}

// TestTransparencyLogAcrossOrganisations: the three organisations' nodes
// build their logs from their own replicas and reach the same root at the
// same size; each cosigns; a bundle from Bank1's node verifies against
// the trust root its node gives, Fabric endorsements included (and is
// kept for the offline check after the network is down). Then Bank2's
// replica is altered on disk and its log rebuilt from it: its node
// disagrees with the others' cosignatures, refuses to cosign, and the
// association's node alerts the association.
func TestTransparencyLogAcrossOrganisations(t *testing.T) {
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
	subject := hexOf("translog " + stamp)
	var filed struct {
		ID     string `json:"id"`
		Height uint64 `json:"height"`
	}
	if st := bank1.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(subject, "translog "+stamp)}, &filed); st != 201 {
		t.Fatalf("report: %d", st)
	}
	settle := map[string]any{"attestation": map[string]any{"type": "settlement", "subject": subject, "refersTo": filed.ID,
		"settledOn": time.Now().UTC().Format("2006-01-02"), "kind": "full", "amount": 250000}}
	var settled struct{ Height uint64 }
	if st := bank1.call("POST", "/v1/attestations", settle, &settled); st != 201 {
		t.Fatalf("settle: %d", st)
	}

	// The same tree on every node, at the same block.
	members := []*logMember{assoc, bank1, bank2}
	h := bank1.ledger.Height()
	for _, m := range members {
		m.synced(ctx, t, h)
	}
	size, root := bank1.node.TransparencyLog().Head()
	for _, m := range members {
		s, r := m.node.TransparencyLog().Head()
		c := m.node.TransparencyLog().Cursor()
		t.Logf("%s: log size %d root %s at block %d", m.msp, s, r, c.Position)
		if s != size || r != root {
			t.Fatalf("%s's log: size %d root %x; Bank1's: size %d root %x", m.msp, s, r, size, root)
		}
	}
	if size < 3 {
		t.Fatalf("log of %d leaves: the records were not logged", size)
	}

	// Each cosigns, after seeing the others' cosignatures.
	for _, m := range members {
		m.synced(ctx, t, maxHeight(members))
		if err := m.node.CosignCheckpoints(ctx); err != nil {
			t.Fatalf("%s cosigns: %v", m.msp, err)
		}
	}
	for _, m := range members {
		m.synced(ctx, t, maxHeight(members))
	}
	if st := bank2.call("GET", "/v1/log/checkpoint", nil, nil); st != 200 {
		t.Fatalf("checkpoint: %d", st)
	}
	// The bundle and the trust root, from Bank1's node over HTTP.
	bundle, trust := bank1.get(t, "/v1/evidence/"+filed.ID+"?purpose=litigation"), bank1.get(t, "/v1/trust-root")
	b, err := evidence.DecodeBundle(bundle)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := evidence.DecodeTrustRoot(trust)
	if err != nil {
		t.Fatal(err)
	}
	transcript, err := evidence.Verify(b, tr)
	if err != nil {
		t.Fatalf("the fabric bundle does not verify: %v\n%s", err, transcript.Render(evidence.English))
	}
	if b.Fabric == nil || len(b.Fabric.Blocks) == 0 || len(b.Records) != 2 || tr.Fabric == nil || len(tr.Fabric.Endorsement.Orgs) < 2 {
		t.Fatalf("bundle without its fabric part or records: %+v", b.Fabric)
	}
	// Every block's orderer signatures were checked, against the orderer
	// MSP and the BlockValidation policy read from the channel's
	// configuration (Raft: ANY Writers, one orderer of OrdererMSP;
	// SmartBFT: 3 of the 4 consenters, signing by consenter id).
	orderer, signatures := 0, 0
	for _, c := range transcript.Checks {
		switch c.Step {
		case "fabric-orderer-policy":
			orderer++
		case "fabric-orderer-signature":
			signatures++
		}
	}
	o := tr.Fabric.Orderer
	if orderer != len(b.Fabric.Blocks) || o == nil || len(o.Organisations) != 1 || o.Organisations[0].ID != "OrdererMSP" {
		t.Fatalf("orderer checks: %d for %d blocks, trust root's orderer %+v\n%s", orderer, len(b.Fabric.Blocks), o, transcript.Render(evidence.English))
	}
	bp := o.BlockValidation
	if consensusOf(t, run) == "bft" {
		if bp.N != 3 || len(bp.Signers) != 4 || bp.Signers[0].ConsenterID == 0 || signatures < 3*len(b.Fabric.Blocks) {
			t.Fatalf("SmartBFT block validation %+v, %d signatures checked", bp, signatures)
		}
	} else if bp.N != 1 || bp.Rule != "ImplicitMeta ANY Writers: OR('OrdererMSP.member')" {
		t.Fatalf("Raft block validation %+v", bp)
	}
	if out := os.Getenv("BLACKLIST_EVIDENCE_OUT"); out != "" {
		// Kept for TestEvidenceVerifiesOffline, run after network.sh down.
		os.MkdirAll(out, 0o755)
		os.WriteFile(filepath.Join(out, "bundle.json"), bundle, 0o644)
		os.WriteFile(filepath.Join(out, "trust-root.json"), trust, 0o644)
	}

	// Bank2's replica is altered on disk: the JWS kept in the write set
	// of Bank1's default. Its log is rebuilt from the replica.
	bank2.stop()
	alterReplica(t, b2r, filed.ID)
	dropLog(t, b2d)
	bank2 = logStack(t, run, "bank2", "Bank2MSP", b2d, b2r, node.RoleReporter, node.RoleQuerier)
	bank2.synced(ctx, t, maxHeight(members[:2]))
	if s, r := bank2.node.TransparencyLog().Head(); s < size {
		t.Fatalf("rebuilt log of %d leaves", s)
	} else if r2, _ := bank2.node.TransparencyLog().Root(size); r2 == root {
		t.Fatalf("the altered replica gives the same root %x", r)
	}
	before := assoc.ledger.Height()
	if err := bank2.node.CosignCheckpoints(ctx); !errors.Is(err, node.ErrLogDiverged) {
		t.Fatalf("Bank2's node cosigned over an altered replica: %v", err)
	}
	if d := bank2.node.LogDivergence(); d == nil || d.Member != "Bank2MSP" {
		t.Fatalf("divergence %+v", d)
	}
	// The association's node raises the alert from the reported block.
	admin := &node.Client{Name: "admin", Member: "AssocMSP", Roles: []string{node.RoleAdmin}}
	for {
		alerts, _, err := assoc.node.Alerts(ctx, admin, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var got *alert.Alert
		for i := range alerts {
			if alerts[i].Kind == alert.KindLogDivergence && alerts[i].Height >= before && alerts[i].Divergence.Member == "Bank2MSP" {
				got = &alerts[i]
			}
		}
		if got != nil {
			t.Logf("association alerted: %+v", *got.Divergence)
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("no log-divergence alert for the association: %+v", alerts)
		}
		time.Sleep(100 * time.Millisecond)
	}
	// Bank2 cosigned nothing since: its last cosignature is the one from
	// before the alteration.
	res, err := bank1.ledger.Replica().Evaluate("Bank1MSP", "ListCosignatures", mustJSON(contract.ListCosignaturesRequest{MinSize: size + 1}))
	if err != nil {
		t.Fatal(err)
	}
	var later []contract.Cosignature
	json.Unmarshal(res.Payload, &later)
	for _, cs := range later {
		if cs.MSPID == "Bank2MSP" {
			t.Fatalf("Bank2 cosigned after its replica was altered: %+v", cs)
		}
	}
}

func maxHeight(ms []*logMember) uint64 {
	var h uint64
	for _, m := range ms {
		h = max(h, m.ledger.Height())
	}
	return h
}

// get reads a 200 answer verbatim.
func (m *logMember) get(t *testing.T, path string) []byte {
	t.Helper()
	var raw json.RawMessage
	if st := m.call("GET", path, nil, &raw); st != 200 {
		t.Fatalf("GET %s: %d %s", path, st, raw)
	}
	return raw
}

// alterReplica changes, in the replica's kept write sets, one character
// of the JWS that the write of attestation id holds.
func alterReplica(t *testing.T, dir, id string) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	key := "\x00att\x00" + id + "\x00"
	done := false
	err = db.Update(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte{'w'}})
		defer it.Close()
		for it.Rewind(); it.Valid() && !done; it.Next() {
			v, err := it.Item().ValueCopy(nil)
			if err != nil {
				return err
			}
			var tx struct {
				TxID   string          `json:"txId"`
				Time   json.RawMessage `json:"time"`
				Writes []struct {
					Key    string
					Value  []byte
					Delete bool
				} `json:"writes"`
			}
			if err := json.Unmarshal(v, &tx); err != nil {
				return err
			}
			for i, w := range tx.Writes {
				if w.Key != key {
					continue
				}
				var att map[string]string
				if err := json.Unmarshal(w.Value, &att); err != nil {
					return err
				}
				j := []byte(att["jws"])
				j[len(j)-2] ^= 1
				att["jws"] = string(j)
				tx.Writes[i].Value, _ = json.Marshal(att)
				nv, _ := json.Marshal(tx)
				done = true
				return txn.Set(it.Item().KeyCopy(nil), nv)
			}
		}
		return nil
	})
	if err != nil || !done {
		t.Fatalf("altering the replica: %v (found: %v)", err, done)
	}
}

// dropLog removes the node's transparency log from its store, so that it
// is rebuilt from the replica at the next start.
func dropLog(t *testing.T, data string) {
	t.Helper()
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(data, "node")).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, p := range []store.Prefix{store.TranslogHashes, store.TranslogLeaves, store.TranslogTags, store.TranslogCursor, store.TranslogHeads} {
		if err := db.DropPrefix(p.Bytes()); err != nil {
			t.Fatal(err)
		}
	}
}

// TestEvidenceVerifiesOffline checks the bundle kept by
// TestTransparencyLogAcrossOrganisations once the network is down (make
// fabric-test runs it after scripts/network.sh down): nothing answers on
// the peers' ports, and the bundle verifies with the trust root alone.
func TestEvidenceVerifiesOffline(t *testing.T) {
	dir := os.Getenv("BLACKLIST_EVIDENCE_OFFLINE")
	if dir == "" {
		t.Skip("set BLACKLIST_EVIDENCE_OFFLINE to the directory TestTransparencyLogAcrossOrganisations wrote (BLACKLIST_EVIDENCE_OUT)")
	}
	if run := os.Getenv("BLACKLIST_FABRIC_RUN"); run != "" {
		for _, org := range []string{"assoc", "bank1", "bank2"} {
			addr := peerAddr(t, run, org)
			if c, err := net.DialTimeout("tcp", addr, time.Second); err == nil {
				c.Close()
				t.Fatalf("%s's peer answers on %s: the network is not down", org, addr)
			}
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "bundle.json"))
	if err != nil {
		t.Fatal(err)
	}
	rawRoot, err := os.ReadFile(filepath.Join(dir, "trust-root.json"))
	if err != nil {
		t.Fatal(err)
	}
	b, err := evidence.DecodeBundle(raw)
	if err != nil {
		t.Fatal(err)
	}
	tr, err := evidence.DecodeTrustRoot(rawRoot)
	if err != nil {
		t.Fatal(err)
	}
	transcript, err := evidence.Verify(b, tr)
	if err != nil || b.Mode != "fabric" {
		t.Fatalf("offline: %v (mode %s)\n%s", err, b.Mode, transcript.Render(evidence.English))
	}
	t.Logf("verified offline:\n%s", transcript.Render(evidence.English))
}
