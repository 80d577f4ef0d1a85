package node

import (
	"bytes"
	"context"
	"errors"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

func isForbidden(err error) bool {
	var ce *contract.Error
	return errors.As(err, &ce) && ce.Code == contract.CodeForbidden
}

func streamed(t *testing.T, n *Node, c *Client, num uint64, view string) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := n.StreamPublication(context.Background(), c, num, view, func(l []byte) error { b.Write(l); return nil }); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// TestPublicationRefusals: who may publish and read publications.
func TestPublicationRefusals(t *testing.T) {
	n, _, _ := logNode(t, Options{LogCosignHeld: true})
	ctx := context.Background()
	agency := &Client{Name: "agency", Member: DemoAssociation, Roles: []string{RoleAgency}}
	bank := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter, RoleQuerier}}
	bankAdmin := &Client{Name: "bank1-admin", Member: DemoBank1, Roles: []string{RoleAdmin}}
	auditor := &Client{Name: "auditor", Member: DemoAssociation, Roles: []string{RoleAuditor}}
	for name, err := range map[string]error{
		"agency publishes":           func() error { _, err := n.Publish(ctx, agency); return err }(),
		"bank publishes":             func() error { _, err := n.Publish(ctx, bank); return err }(),
		"a bank's admin publishes":   func() error { _, err := n.Publish(ctx, bankAdmin); return err }(),
		"bank lists publications":    func() error { _, err := n.Publications(ctx, bank, 10); return err }(),
		"auditor lists publications": func() error { _, err := n.Publications(ctx, auditor, 10); return err }(),
		"agency looks up": func() error {
			_, _, err := n.Lookup(ctx, agency, "loan-approval", []string{demoDefault(0).Subject}, false)
			return err
		}(),
		"agency reads a member":       func() error { _, _, err := n.Member(ctx, agency, DemoBank1); return err }(),
		"agency reads a leaf's proof": func() error { _, err := n.LogInclusionProof(ctx, agency, 0, 0); return err }(),
		"agency reads evidence":       func() error { _, err := n.Evidence(ctx, agency, "litigation", demoDefault(0).Subject); return err }(),
		"agency reads the trust":      func() error { _, _, err := n.TrustRoot(ctx, agency); return err }(),
	} {
		if !isForbidden(err) {
			t.Errorf("%s: %v, want forbidden", name, err)
		}
	}
	// Bad numbers and views.
	var ce *contract.Error
	if err := n.StreamPublication(ctx, agency, 1, publication.ViewFull, func([]byte) error { return nil }); !errors.As(err, &ce) || ce.Code != contract.CodeNotFound {
		t.Fatalf("no publication yet: %v", err)
	}
	if err := n.StreamPublication(ctx, agency, 1, "everything", func([]byte) error { return nil }); !errors.As(err, &ce) || ce.Code != contract.CodeInvalidArgument {
		t.Fatalf("bad view: %v", err)
	}
	// An agency client of a suspended member is refused.
	if _, _, err := submit(ctx, n, DemoAssociation, contract.TxSuspendMember, contract.MemberStatusRequest{MSPID: DemoBank2, Reason: "audit"}); err != nil {
		t.Fatal(err)
	}
	suspended := &Client{Name: "agency2", Member: DemoBank2, Roles: []string{RoleAgency}}
	if _, err := n.Publications(ctx, suspended, 10); !isForbidden(err) {
		t.Fatalf("suspended: %v", err)
	}
}

// TestPublicationsOnTheNode: the association's node publishes, records
// each publication on the ledger (and so in the log), and agencies get
// files that verify offline against the trust root, diff on previous.
func TestPublicationsOnTheNode(t *testing.T) {
	n, _, _ := logNode(t, Options{LogCosignHeld: true})
	ctx := context.Background()
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	agency := &Client{Name: "agency", Member: DemoAssociation, Roles: []string{RoleAgency}}
	ids := fileDefaults(t, n, 0, 5)

	p1, err := n.Publish(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if p1.Header.Number != 1 || p1.Header.Count != 5 || !p1.Recorded || len(p1.Signers) != 3 {
		t.Fatalf("p1 = %+v", p1)
	}
	// Settle one default, add two.
	bank := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter, RoleQuerier}}
	settle := &attestation.Payload{V: 1, Type: attestation.TypeSettlement, Reporter: DemoBank1, Subject: demoDefault(2).Subject,
		IssuedAt: issuedNow(), RefersTo: ids[2], SettledOn: time.Now().UTC().Format("2006-01-02"), Kind: "full", Amount: ptrTo(int64(100))}
	if res, err := n.Submit(ctx, bank, []AttestationInput{{Payload: settle}}); err != nil || res.Accepted != 1 {
		t.Fatalf("settling: %+v %v", res, err)
	}
	fileDefaults(t, n, 5, 2)
	p2, err := n.Publish(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Header.Number != 2 || p2.Header.Count != 6 || p2.Header.Added != 2 || p2.Header.Removed != 1 || p2.Header.Previous != p1.Header.DigestString() {
		t.Fatalf("p2 = %+v", p2.Header)
	}
	list, err := n.Publications(ctx, agency, 10)
	if err != nil || len(list) != 2 || list[0].Header.Number != 2 {
		t.Fatalf("list = %+v %v", list, err)
	}

	// The records are leaves of the log; the trust root has every key.
	if _, _, err := evaluate(n, DemoBank1, contract.TxGetPublication, contract.PublicationRequest{Number: 2}); err != nil {
		t.Fatal(err)
	}
	caughtUp(t, n)
	tr, _, err := n.TrustRoot(ctx, admin)
	if err != nil {
		t.Fatal(err)
	}
	full1 := streamed(t, n, agency, 1, publication.ViewFull)
	full2 := streamed(t, n, agency, 2, publication.ViewFull)
	diff2 := streamed(t, n, agency, 2, publication.ViewDiff)
	for name, f := range map[string][2][]byte{"full 1": {full1, nil}, "full 2": {full2, full1}, "diff 2": {diff2, full1}} {
		var prev *bytes.Reader
		var rep *publication.Report
		if f[1] != nil {
			prev = bytes.NewReader(f[1])
			rep, err = publication.Verify(bytes.NewReader(f[0]), prev, tr)
		} else {
			rep, err = publication.Verify(bytes.NewReader(f[0]), nil, tr)
		}
		if err != nil || !rep.OK() {
			t.Fatalf("%s: %v %+v", name, err, rep)
		}
	}
	if got := bytes.Count(diff2, []byte("\n")); got != 4 {
		t.Fatalf("diff 2 has %d lines, want the preamble and 3 changes:\n%s", got, diff2)
	}
	if !bytes.Contains(diff2, []byte(`"reason":"settled"`)) {
		t.Fatalf("diff 2:\n%s", diff2)
	}
	// Once a checkpoint cosigned by the quorum covers the records, the
	// files carry the proof that publication 2 is in the log; altered, it
	// fails at its own step.
	if bytes.Contains(full2, []byte(`"log":`)) {
		t.Fatal("a log proof before any checkpoint was cosigned")
	}
	if err := n.CosignCheckpoints(ctx); err != nil {
		t.Fatal(err)
	}
	withLog := streamed(t, n, agency, 2, publication.ViewDiff)
	rep, err := publication.Verify(bytes.NewReader(withLog), bytes.NewReader(full1), tr)
	if err != nil || !rep.OK() || rep.Checks[3].Step != publication.StepLog {
		t.Fatalf("with the log proof: %v %+v", err, rep)
	}
	rd, _ := publication.NewReader(bytes.NewReader(withLog))
	lp := rd.Preamble.Log
	if lp == nil {
		t.Fatal("no log proof")
	}
	for name, alter := range map[string]func(p *publication.Preamble){
		"another index": func(p *publication.Preamble) { p.Log.Index++ },
		"another leaf":  func(p *publication.Preamble) { p.Log.Leaf = p.Log.Leaf[:len(p.Log.Leaf)-4] + "AAA=" },
		"publication 1's record": func(p *publication.Preamble) {
			p.Header = rd.Preamble.Header
			p.Header.Number = 1
		},
	} {
		pre := rd.Preamble
		cp := *lp
		pre.Log = &cp
		alter(&pre)
		var b bytes.Buffer
		publication.WritePreamble(&b, pre)
		b.Write(withLog[bytes.IndexByte(withLog, '\n')+1:])
		if _, err := publication.Verify(bytes.NewReader(b.Bytes()), bytes.NewReader(full1), tr); err == nil {
			t.Fatalf("%s: verified", name)
		}
	}
	_ = translog.KindPublication

	// The schedule: due once per slot.
	p := contract.DefaultPolicy()
	p.PublicationSchedule = "02:00 Asia/Shanghai"
	if _, _, err := submit(ctx, n, DemoAssociation, contract.TxSetPolicy, p); err != nil {
		t.Fatal(err)
	}
	later := time.Now().Add(48 * time.Hour)
	if err := n.PublishIfDue(ctx, later); err != nil {
		t.Fatal(err)
	}
	if err := n.PublishIfDue(ctx, later); err != nil {
		t.Fatal(err)
	}
	if list, _ := n.Publications(ctx, agency, 10); len(list) != 3 || list[0].Slot == "" {
		t.Fatalf("after the schedule: %+v", list)
	}
}

func ptrTo[T any](v T) *T { return &v }
