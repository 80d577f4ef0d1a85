package node

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
)

// client creates an API client of member with roles on d's node.
func (d *demoNode) client(name, member string, roles ...string) *Client {
	d.t.Helper()
	key, err := d.n.CreateClient(name, member, roles)
	if err != nil {
		d.t.Fatal(err)
	}
	c, ok := d.n.Authenticate(key)
	if !ok {
		d.t.Fatal("the new client's key does not authenticate")
	}
	return c
}

func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	var ce *contract.Error
	if !errors.As(err, &ce) || ce.Code != code {
		t.Fatalf("%s: %v, want %s", what, err, code)
	}
}

func TestProtectionRefusals(t *testing.T) {
	d := openDemo(t, t.TempDir())
	defer d.close()
	ctx := context.Background()
	victim := subject("victim")
	reg := contract.RegisterProtectionRequest{Subject: victim, ReasonCode: contract.ProtectionDocumentsStolen, CaseRef: hexOf("case")}

	querier := d.client("bank1-querier", DemoBank1, RoleQuerier)
	auditor := d.client("bank1-auditor", DemoBank1, RoleAuditor)
	analyst := d.client("bank1-analyst", DemoBank1, RoleAnalyst)
	for name, c := range map[string]*Client{"querier": querier, "auditor": auditor, "analyst": analyst} {
		_, _, err := d.n.RegisterProtection(ctx, c, reg)
		wantCode(t, name+" registers", err, contract.CodeForbidden)
	}
	_, _, err := d.n.Protections(ctx, d.client("bank1-reporter", DemoBank1, RoleReporter), "loan-approval", victim)
	wantCode(t, "a reporter-only client reads", err, contract.CodeForbidden)

	// A suspended member's reporter registers nothing.
	d.submit(DemoAssociation, "SuspendMember", contract.MemberStatusRequest{MSPID: DemoBank2, Reason: "audit"})
	_, _, err = d.n.RegisterProtection(ctx, d.bank2, reg)
	wantCode(t, "a suspended member registers", err, contract.CodeForbidden)
	d.submit(DemoAssociation, "ReinstateMember", contract.MemberStatusRequest{MSPID: DemoBank2, Reason: "done"})

	// Bad input: the contract's precise refusals, nothing written.
	h := d.l.Height()
	_, _, err = d.n.RegisterProtection(ctx, d.bank1, contract.RegisterProtectionRequest{Subject: victim, ReasonCode: "wallet", CaseRef: reg.CaseRef})
	wantCode(t, "a bad reason code", err, contract.CodeInvalidArgument)
	_, _, err = d.n.RegisterProtection(ctx, d.bank1, contract.RegisterProtectionRequest{Subject: victim, ReasonCode: reg.ReasonCode, CaseRef: "11010519491231002X"})
	wantCode(t, "a raw ID in caseRef", err, contract.CodeInvalidArgument)
	if d.l.Height() != h {
		t.Fatal("a refused registration reached the ledger")
	}

	// Another member removes nothing of Bank1's.
	if _, _, err := d.n.RegisterProtection(ctx, d.bank1, reg); err != nil {
		t.Fatal(err)
	}
	_, _, err = d.n.RemoveProtection(ctx, d.bank2, victim)
	wantCode(t, "a foreign member removes", err, contract.CodeForbidden)
	_, _, err = d.n.RenewProtection(ctx, d.bank2, victim)
	wantCode(t, "a foreign member renews", err, contract.CodeForbidden)

	// A read without a purpose is refused and on record, without what
	// the client typed when it is not a key.
	_, _, err = d.n.Protections(ctx, d.bank2, "", victim)
	if !errors.Is(err, ErrBadPurpose) {
		t.Fatalf("no purpose: %v", err)
	}
	_, _, err = d.n.Protections(ctx, d.bank2, "loan-approval", "11010519491231002X")
	wantCode(t, "a raw ID as subject", err, contract.CodeInvalidArgument)
	entries, _ := d.n.QueryAudit(AuditFilter{Member: DemoBank2, Limit: 100})
	var kinds []string
	for _, e := range entries {
		if e.Kind == AuditProtection {
			kinds = append(kinds, e.Outcome+":"+e.Subject)
		}
	}
	// Bank2's refused removal and renewal tell it the subject is
	// protected: on record too, like the refused reads.
	want := []string{OutcomeDenied + ":" + victim, OutcomeDenied + ":" + victim, OutcomeDenied + ":" + victim, OutcomeDenied + ":"}
	if !slices.Equal(kinds, want) {
		t.Fatalf("refused changes and reads on record: %v, want %v", kinds, want)
	}
}

func TestProtectionThroughTheNode(t *testing.T) {
	d := openDemo(t, t.TempDir())
	defer d.close()
	ctx := context.Background()
	victim := subject("victim")
	if _, _, err := d.n.Watch(ctx, d.bank2, victim, "cust-9"); err != nil {
		t.Fatal(err)
	}
	p, _, err := d.n.RegisterProtection(ctx, d.bank1, contract.RegisterProtectionRequest{Subject: victim, ReasonCode: contract.ProtectionImpersonation, CaseRef: hexOf("case")})
	if err != nil {
		t.Fatal(err)
	}
	// The watcher gets a protection alert from the committed event.
	got := d.alertsAfter(d.bank2, 0, 1)
	a := got[len(got)-1]
	if a.Kind != alert.KindProtection || a.SubjectKey != victim || a.Reporter != DemoBank1 || a.Label != "cust-9" || a.Protection == nil ||
		a.Protection.Action != contract.ProtectionRegistered || a.Protection.Until != p.Until || a.Protection.ReasonCode != contract.ProtectionImpersonation {
		t.Fatalf("protection alert = %+v", a)
	}
	// Status and history through the node carry it.
	st, _, err := d.n.Lookup(ctx, d.bank2, "loan-approval", []string{victim}, false)
	if err != nil || st[0].Protected == nil || st[0].Protected.Since != p.Since || st[0].Listed {
		t.Fatalf("lookup = %+v, %v", st, err)
	}
	hist, _, err := d.n.History(ctx, d.bank2, "loan-approval", victim)
	if err != nil || hist.Protected == nil {
		t.Fatalf("history = %+v, %v", hist, err)
	}
	// A default filed by a bank on the protected subject: accepted, with
	// the warning.
	sub, err := d.n.Submit(ctx, d.bank2, []AttestationInput{{Payload: ledgertest.DefaultPayload(DemoBank2, victim, hexOf("fraud loan"), 120)}})
	if err != nil || sub.Accepted != 1 || len(sub.Results[0].Warnings) != 1 || sub.Results[0].Warnings[0] != contract.WarningSubjectProtected {
		t.Fatalf("default on a protected subject = %+v, %v", sub, err)
	}
	l, _, err := d.n.Protections(ctx, d.bank2, "dispute-handling", victim)
	if err != nil || l.Protected == nil || len(l.Protections) != 1 {
		t.Fatalf("protections = %+v, %v", l, err)
	}
	entries, _ := d.n.QueryAudit(AuditFilter{Subject: victim, Limit: 100})
	found := false
	for _, e := range entries {
		found = found || (e.Kind == AuditProtection && e.Outcome == OutcomeOK && e.Purpose == "dispute-handling" && e.Client == "bank2-app")
	}
	if !found {
		t.Fatalf("the read is not on record: %+v", entries)
	}
	// Renewed and removed by its registrant; the watcher hears both.
	if _, _, err := d.n.RenewProtection(ctx, d.bank1, victim); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.n.RemoveProtection(ctx, d.bank1, victim); err != nil {
		t.Fatal(err)
	}
	got = d.alertsAfter(d.bank2, a.Seq(), 3)
	got = got[1:] // the default's alert comes first
	if got[0].Protection == nil || got[1].Protection == nil || got[0].Protection.Action != contract.ProtectionRenewed || got[1].Protection.Action != contract.ProtectionRemoved {
		t.Fatalf("later alerts = %+v", got)
	}
}
