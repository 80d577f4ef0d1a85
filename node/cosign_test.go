package node

import (
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/embedded"
)

// logNode is an embedded node with the demo consortium, cosigning only
// when asked.
func logNode(t *testing.T, opts Options) (*Node, *embedded.Ledger, string) {
	t.Helper()
	dir := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	opts.LogCheckpointInterval = -1
	opts.AuditAnchorInterval = -1
	n, err := OpenWith(dir, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { n.Close() })
	if _, err := n.SetupDemo(context.Background(), dir, "http://test"); err != nil {
		t.Fatal(err)
	}
	return n, l, dir
}

func demoDefault(i int) *attestation.Payload {
	dpd, amount := 120, int64(100000+i)
	loan := sha256.Sum256(fmt.Append(nil, "loan", i))
	subj := sha256.Sum256(fmt.Append(nil, "subject", i))
	return &attestation.Payload{V: 1, Type: "default", Reporter: DemoBank1, Subject: hex.EncodeToString(subj[:]), IssuedAt: issuedNow(),
		LoanRef: hex.EncodeToString(loan[:]), Product: "consumer", Amount: &amount, Currency: "CNY", OverdueSince: "2025-09-01", DaysPastDue: &dpd, NoticeDate: "2025-10-01"}
}

// issuedNow is an issuedAt after the demo keys' registration: the next
// whole second (the ledger allows a few minutes of clock skew).
func issuedNow() string {
	return time.Now().UTC().Truncate(time.Second).Add(time.Second).Format(time.RFC3339)
}

func fileDefaults(t *testing.T, n *Node, from, count int) []string {
	t.Helper()
	c := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter, RoleQuerier}}
	var in []AttestationInput
	for i := from; i < from+count; i++ {
		in = append(in, AttestationInput{Payload: demoDefault(i)})
	}
	res, err := n.Submit(context.Background(), c, in)
	if err != nil || res.Accepted != count {
		t.Fatalf("filing: %+v %v", res, err)
	}
	var ids []string
	for _, it := range res.Results {
		ids = append(ids, it.ID)
	}
	return ids
}

// caughtUp brings the node's log to the ledger's height.
func caughtUp(t *testing.T, n *Node) int64 {
	t.Helper()
	if _, err := n.TransparencyLog().CatchUp(); err != nil {
		t.Fatal(err)
	}
	size, _ := n.TransparencyLog().Head()
	return size
}

// TestCosignedCheckpointVerifies: the embedded node cosigns for every
// member it holds a key of, and the checkpoint it assembles verifies
// offline against the registered log keys with the quorum; its log keys
// are files of mode 0600.
func TestCosignedCheckpointVerifies(t *testing.T) {
	n, _, dir := logNode(t, Options{LogCosignHeld: true})
	ctx := context.Background()
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	if _, err := n.LogCheckpoint(ctx, admin); !errors.Is(err, ErrNoCheckpoint) {
		t.Fatalf("checkpoint before any cosignature: %v", err)
	}
	fileDefaults(t, n, 0, 3)
	size := caughtUp(t, n)
	if size == 0 {
		t.Fatal("nothing logged")
	}
	if err := n.CosignCheckpoints(ctx); err != nil {
		t.Fatal(err)
	}
	// Cosigning registered keys: the log grew by their records.
	grown := caughtUp(t, n)
	if grown <= size {
		t.Fatalf("log keys were not logged: %d -> %d", size, grown)
	}
	qc, err := n.LogCheckpoint(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if qc.Checkpoint.Size != size || len(qc.Signers) != 3 || qc.Quorum != 2 {
		t.Fatalf("checkpoint %+v", qc)
	}
	keys, _, err := evaluate(n, DemoBank1, contract.TxListLogKeys, contract.ListLogKeysRequest{})
	if err != nil {
		t.Fatal(err)
	}
	var known []translog.OrgKey
	for _, k := range keys {
		known = append(known, translog.OrgKey{Org: k.MSPID, Verifier: k.Verifier})
	}
	opened, err := translog.OpenCheckpoint(qc.Note, known)
	if err != nil {
		t.Fatalf("%v\n%s", err, qc.Note)
	}
	if err := opened.Quorum(qc.Quorum); err != nil || len(opened.Unknown) != 0 {
		t.Fatalf("quorum: %v, unknown %v", err, opened.Unknown)
	}
	root, _ := n.TransparencyLog().Root(size)
	if opened.Checkpoint.Root != root || opened.Checkpoint.Origin != translog.Origin("embedded") {
		t.Fatalf("checkpoint %+v, root %x", opened.Checkpoint, root)
	}
	for _, m := range []string{DemoAssociation, DemoBank1, DemoBank2} {
		fi, err := os.Stat(filepath.Join(dir, LogKeyFile(m)))
		if err != nil || fi.Mode().Perm() != 0o600 {
			t.Fatalf("%s's log key: %v %v", m, fi, err)
		}
	}
	// The next round cosigns the grown size; the checkpoint follows.
	if err := n.CosignCheckpoints(ctx); err != nil {
		t.Fatal(err)
	}
	if qc, err := n.LogCheckpoint(ctx, admin); err != nil || qc.Checkpoint.Size != grown {
		t.Fatalf("after the second round: %+v %v", qc.Checkpoint, err)
	}
	// The keys read back from their files are the registered ones: no
	// second registration.
	if keys, _, _ := evaluate(n, DemoBank1, contract.TxListLogKeys, contract.ListLogKeysRequest{}); len(keys) != 3 {
		t.Fatalf("log keys after two rounds: %+v", keys)
	}
	// Proofs against it.
	p, err := n.LogInclusionProof(ctx, admin, 0, grown)
	if err != nil {
		t.Fatal(err)
	}
	if err := translog.VerifyInclusion(p.Proof, 0, grown, p.LeafHash, p.RootHash); err != nil {
		t.Fatal(err)
	}
	cp, err := n.LogConsistencyProof(ctx, admin, size, grown)
	if err != nil {
		t.Fatal(err)
	}
	if err := translog.VerifyConsistency(cp.Proof, size, root, grown, cp.ToRoot); err != nil {
		t.Fatal(err)
	}
	var bad *BadRangeError
	if _, err := n.LogInclusionProof(ctx, admin, grown, grown); !errors.As(err, &bad) {
		t.Fatalf("index = size: %v", err)
	}
	var ce *contract.Error
	if _, err := n.LogInclusionProof(ctx, admin, 0, grown+1); !errors.As(err, &ce) || ce.Code != contract.CodeNotFound {
		t.Fatalf("size beyond the log: %v", err)
	}
	if _, err := n.LogConsistencyProof(ctx, admin, 0, grown); !errors.As(err, &bad) {
		t.Fatalf("from 0: %v", err)
	}
}

// TestDivergenceRefusesAndAlerts: another organisation cosigned a root
// this node did not compute; the node refuses to cosign, reports it, and
// the association is alerted.
func TestDivergenceRefusesAndAlerts(t *testing.T) {
	n, l, _ := logNode(t, Options{LogCosigners: []string{DemoBank1}})
	ctx := context.Background()
	fileDefaults(t, n, 0, 2)
	size := caughtUp(t, n)

	// Bank2's node (simulated with its own key) cosigns another root.
	k2, err := translog.GenerateLogKey(DemoBank2)
	if err != nil {
		t.Fatal(err)
	}
	submitJSON(t, l, DemoBank2, "RegisterLogKey", contract.RegisterLogKeyRequest{MSPID: DemoBank2, Verifier: k2.Verifier})
	cp, _, err := n.TransparencyLog().Checkpoint(n.LogOrigin(), size)
	if err != nil {
		t.Fatal(err)
	}
	cp.Root[0]++
	signed, _ := translog.SignCheckpoint(cp, k2.Signer)
	_, sigs, _ := translog.SplitNote(signed)
	submitJSON(t, l, DemoBank2, "CosignCheckpoint", contract.CosignCheckpointRequest{MSPID: DemoBank2, Origin: cp.Origin, Size: size,
		RootHash: base64.StdEncoding.EncodeToString(cp.Root[:]), HeadsSize: cp.Heads.Size, HeadsRoot: base64.StdEncoding.EncodeToString(cp.Heads.Root[:]),
		Signature: sigs[0].Base64})
	caughtUp(t, n)

	if err := n.CosignCheckpoints(ctx); !errors.Is(err, ErrLogDiverged) {
		t.Fatalf("cosigning against a different root: %v", err)
	}
	if err := n.CosignCheckpoints(ctx); !errors.Is(err, ErrLogDiverged) {
		t.Fatalf("the second round: %v", err)
	}
	all, _, _ := evaluate(n, DemoBank1, contract.TxListCosignatures, contract.ListCosignaturesRequest{})
	for _, cs := range all {
		if cs.MSPID == DemoBank1 {
			t.Fatalf("the diverged node cosigned: %+v", cs)
		}
	}
	if d := n.LogDivergence(); d == nil || d.Other != DemoBank2 || d.Size != size {
		t.Fatalf("divergence %+v", d)
	}
	// The association's alert, derived from the committed report.
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	deadline := time.Now().Add(10 * time.Second)
	for {
		alerts, _, err := n.Alerts(ctx, admin, 0, 100)
		if err != nil {
			t.Fatal(err)
		}
		var got *alert.Alert
		for i := range alerts {
			if alerts[i].Kind == alert.KindLogDivergence {
				got = &alerts[i]
			}
		}
		if got != nil {
			if got.Divergence == nil || got.Divergence.Member != DemoBank1 || got.Divergence.Other != DemoBank2 || got.Reporter != DemoBank1 {
				t.Fatalf("alert %+v", got)
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no log-divergence alert for the association: %+v", alerts)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func submitJSON(t *testing.T, l *embedded.Ledger, creator, fn string, req any) {
	t.Helper()
	b, _ := json.Marshal(req)
	if _, err := l.Submit(context.Background(), creator, fn, b); err != nil {
		t.Fatalf("%s: %v", fn, err)
	}
}

// TestEvidenceVerifies: a default and its settlement, cosigned; the
// reporter's bundle verifies offline against the node's trust root, a
// bundle for another member's default is refused, and every read is
// audited as evidence.
func TestEvidenceVerifies(t *testing.T) {
	n, _, _ := logNode(t, Options{LogCosignHeld: true})
	ctx := context.Background()
	bank1 := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter, RoleQuerier}}
	bank2 := &Client{Name: "bank2-app", Member: DemoBank2, Roles: []string{RoleReporter, RoleQuerier}}
	auditor := &Client{Name: "auditor", Member: DemoAssociation, Roles: []string{RoleAuditor}}
	ids := fileDefaults(t, n, 0, 2)
	paid := int64(100000)
	p := demoDefault(0)
	settle := &attestation.Payload{V: 1, Type: "settlement", Reporter: DemoBank1, Subject: p.Subject, IssuedAt: issuedNow(),
		RefersTo: ids[0], SettledOn: time.Now().UTC().Format(time.DateOnly), Kind: "full", Amount: &paid}
	if res, err := n.Submit(ctx, bank1, []AttestationInput{{Payload: settle}}); err != nil || res.Accepted != 1 {
		t.Fatalf("settling: %+v %v", res, err)
	}
	caughtUp(t, n)
	if _, err := n.Evidence(ctx, bank1, PurposeLitigation, ids[0]); !errors.Is(err, ErrNotCovered) {
		t.Fatalf("before any checkpoint: %v", err)
	}
	if err := n.CosignCheckpoints(ctx); err != nil {
		t.Fatal(err)
	}
	// Refusals first.
	var ce *contract.Error
	if _, err := n.Evidence(ctx, bank2, PurposeLitigation, ids[0]); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("another member's default: %v", err)
	}
	if _, err := n.Evidence(ctx, bank1, "loan-approval", ids[0]); !errors.Is(err, ErrBadPurpose) {
		t.Fatalf("purpose loan-approval: %v", err)
	}
	querier := &Client{Name: "q", Member: DemoBank1, Roles: []string{RoleQuerier}}
	if _, err := n.Evidence(ctx, querier, PurposeLitigation, ids[0]); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("a querier: %v", err)
	}

	tr, _, err := n.TrustRoot(ctx, bank2)
	if err != nil {
		t.Fatal(err)
	}
	// A client of no member, and a suspended member's: refused.
	stranger := &Client{Name: "x", Member: "GhostMSP", Roles: []string{RoleQuerier}}
	if _, _, err := n.TrustRoot(ctx, stranger); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("trust root for a non-member: %v", err)
	}
	for _, c := range []*Client{bank1, auditor} {
		b, err := n.Evidence(ctx, c, PurposeLitigation, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		if len(b.Records) != 2 || b.Reporter != DemoBank1 || !b.ReporterCosigned {
			t.Fatalf("bundle: %d records, reporter %s", len(b.Records), b.Reporter)
		}
		transcript, err := evidence.Verify(b, tr)
		if err != nil {
			t.Fatalf("%v\n%s", err, transcript.Render(evidence.English))
		}
	}
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	if _, _, err := n.ChangeMemberStatus(ctx, admin, Suspend, DemoBank1, "audit"); err != nil {
		t.Fatal(err)
	}
	if _, err := n.LogCheckpoint(ctx, bank1); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("checkpoint for a suspended member: %v", err)
	}
	if _, err := n.Evidence(ctx, bank1, PurposeLitigation, ids[0]); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("evidence for a suspended member: %v", err)
	}
	entries, err := n.QueryAudit(AuditFilter{Member: DemoBank1, Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	// bank1: not yet covered (error), the wrong purpose, the querier and
	// the suspended member (denied), its bundle (ok).
	outcomes := map[string]int{}
	for _, e := range entries {
		if e.Kind == AuditEvidence {
			outcomes[e.Outcome]++
		}
	}
	if outcomes[OutcomeOK] != 1 || outcomes[OutcomeDenied] != 3 || outcomes[OutcomeError] != 1 {
		t.Fatalf("bank1's evidence audit: %v", outcomes)
	}
}
