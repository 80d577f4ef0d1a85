package node

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
)

// demoNode is a node on an embedded ledger with the demo consortium, and
// the banks' clients.
type demoNode struct {
	t            *testing.T
	n            *Node
	l            *embedded.Ledger
	bank1, bank2 *Client
}

func openDemo(t *testing.T, dir string) *demoNode {
	t.Helper()
	n, l := openNode(t, dir)
	creds, err := n.SetupDemo(context.Background(), dir, "")
	if err != nil {
		t.Fatal(err)
	}
	d := &demoNode{t: t, n: n, l: l}
	for _, c := range creds.Clients {
		cl, _ := n.Authenticate(c.APIKey)
		switch c.Name {
		case "bank1-app":
			d.bank1 = cl
		case "bank2-app":
			d.bank2 = cl
		}
	}
	return d
}

func (d *demoNode) close() { d.n.Close(); d.l.Close() }

// file signs p with its reporter's demo key and submits it.
func (d *demoNode) file(p *attestation.Payload) string {
	d.t.Helper()
	jws, id, err := d.n.Sign(p.Reporter, p)
	if err != nil {
		d.t.Fatal(err)
	}
	var res contract.SubmitResult
	json.Unmarshal(d.submit(p.Reporter, "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}}), &res)
	if res.Accepted != 1 {
		d.t.Fatalf("%s not accepted: %+v", p.Type, res.Results)
	}
	return id
}

func (d *demoNode) submit(member, fn string, req any) json.RawMessage {
	d.t.Helper()
	arg, _ := json.Marshal(req)
	res, err := d.l.Submit(context.Background(), member, fn, arg)
	if err != nil {
		d.t.Fatalf("%s: %v", fn, err)
	}
	return res.Payload
}

// alertsAfter waits until member has want alerts after after, and
// returns them.
func (d *demoNode) alertsAfter(c *Client, after uint64, want int) []alert.Alert {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for {
		last := d.n.LastAlert()
		got, _, err := d.n.Alerts(context.Background(), c, after, 1000)
		if err != nil {
			d.t.Fatal(err)
		}
		if len(got) >= want {
			return got
		}
		if err := d.n.WaitForAlerts(ctx, last); err != nil {
			d.t.Fatalf("%d alerts after %d, want %d: %v", len(got), after, want, got)
		}
	}
}

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func subject(s string) string { return hexOf(s) }

func TestAlertsFromCommittedChanges(t *testing.T) {
	dir := t.TempDir()
	d := openDemo(t, dir)
	s1, s2, s3 := subject("listed-before"), subject("watched"), subject("unwatched")

	// Bank2 lists s1 before Bank1 watches it: an already-listed alert, once.
	d1 := d.file(ledgertest.DefaultPayload("Bank2MSP", s1, hexOf("loan-1"), 120))
	added, raised, err := d.n.Watch(context.Background(), d.bank1, s1, "cust-0001")
	if err != nil || !added || len(raised) != 1 || raised[0].Kind != alert.KindAlreadyListed || raised[0].AttestationID != d1 ||
		raised[0].Reporter != "Bank2MSP" || raised[0].Label != "cust-0001" || raised[0].Member != "Bank1MSP" {
		t.Fatalf("watch a listed subject: added %v, raised %+v, %v", added, raised, err)
	}
	if added, raised, err := d.n.Watch(context.Background(), d.bank1, s1, "cust-0001b"); err != nil || added || len(raised) != 0 {
		t.Fatalf("watching again: added %v, raised %+v, %v", added, raised, err)
	}
	if _, _, err := d.n.Watch(context.Background(), d.bank1, "not-a-key", ""); err == nil {
		t.Fatal("a malformed subject key was watched")
	}
	// Each check is a lookup on record (the second one too, though it
	// raised nothing), and so is the alert it raised.
	audit, _ := d.n.QueryAudit(AuditFilter{Limit: 100})
	kindCount := map[string]int{}
	for _, e := range audit {
		kindCount[e.Kind]++
		if e.Purpose != "post-loan" || e.Subject != s1 || e.Member != "Bank1MSP" || e.Outcome != OutcomeOK {
			t.Fatalf("the watchlist check is not audited as a lookup: %+v", e)
		}
	}
	if len(audit) != 3 || kindCount["watch"] != 2 || kindCount["alert"] != 1 || audit[0].Client != "bank1-app" || audit[1].Client != AlertClient {
		t.Fatalf("the watchlist checks and the alert are not audited: %+v", audit)
	}
	if _, _, err := d.n.Watch(context.Background(), d.bank1, s2, "cust-0002"); err != nil {
		t.Fatal(err)
	}
	first := raised[0].Seq()

	// Defaults on a watched and an unwatched subject: one alert.
	d2 := d.file(ledgertest.DefaultPayload("Bank2MSP", s2, hexOf("loan-2"), 120))
	d.file(ledgertest.DefaultPayload("Bank2MSP", s3, hexOf("loan-3"), 120))
	got := d.alertsAfter(d.bank1, first, 1)
	if len(got) != 1 || got[0].Kind != alert.KindDefault || got[0].SubjectKey != s2 || got[0].AttestationID != d2 ||
		got[0].Label != "cust-0002" || got[0].Height == 0 || got[0].TxID == "" || got[0].Time == "" {
		t.Fatalf("alerts after the defaults: %+v", got)
	}

	// A settlement, a dispute and its resolution, a revocation.
	d.file(ledgertest.ClosurePayload("Bank2MSP", "settlement", d2, s2))
	var disp contract.Dispute
	json.Unmarshal(d.submit("Bank1MSP", "OpenDispute", contract.OpenDisputeRequest{AttestationID: d1, ReasonCode: "not-mine", StatementDigest: hexOf("statement")}), &disp)
	d.submit("Bank2MSP", "ResolveDispute", contract.ResolveDisputeRequest{DisputeID: disp.ID, Outcome: "rejected", Note: "checked"})
	d.file(ledgertest.ClosurePayload("Bank2MSP", "revocation", d1, s1))
	got = d.alertsAfter(d.bank1, first, 5)
	kinds := []string{}
	for _, a := range got {
		kinds = append(kinds, a.Kind)
	}
	if strings.Join(kinds, ",") != "default,settlement,dispute-opened,dispute-resolved,revocation" {
		t.Fatalf("alert kinds %v", kinds)
	}
	if got[1].RefersTo != d2 || got[2].DisputeID != disp.ID || got[3].Outcome != "rejected" || got[4].SubjectKey != s1 {
		t.Fatalf("alert details %+v", got)
	}
	if other, _, _ := d.n.Alerts(context.Background(), d.bank2, 0, 100); len(other) != 0 {
		t.Fatalf("Bank2 watches nothing but has alerts %+v", other)
	}
	// Paging.
	page, next, _ := d.n.Alerts(context.Background(), d.bank1, 0, 2)
	if len(page) != 2 || next != page[1].ID {
		t.Fatalf("page %+v next %q", page, next)
	}
	last := got[4].Seq()

	// Changes committed while the node is down are alerted after it
	// restarts: derivation follows the ledger, not the requests.
	d.n.Close()
	p := ledgertest.DefaultPayload("Bank2MSP", s2, hexOf("loan-4"), 120)
	jws := signWithDemoKey(t, dir, p)
	arg, _ := json.Marshal(contract.SubmitRequest{Attestations: []string{jws}})
	if _, err := d.l.Submit(context.Background(), "Bank2MSP", "SubmitAttestations", arg); err != nil {
		t.Fatal(err)
	}
	d.n, err = Open(dir, d.l)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	d.bank1 = &Client{Name: "bank1-app", Member: "Bank1MSP", Roles: []string{RoleQuerier}}
	got = d.alertsAfter(d.bank1, last, 1)
	if len(got) != 1 || got[0].Kind != alert.KindDefault || got[0].SubjectKey != s2 {
		t.Fatalf("after restart: %+v", got)
	}
	if all, _, _ := d.n.Alerts(context.Background(), d.bank1, 0, 100); len(all) != 7 {
		t.Fatalf("%d alerts in all, want 7 (nothing twice)", len(all))
	}
}

// signWithDemoKey signs p with the demo key of its reporter kept in the
// node store at dir, without opening that node.
func signWithDemoKey(t *testing.T, dir string, p *attestation.Payload) string {
	t.Helper()
	n, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	jws, _, err := n.Sign(p.Reporter, p)
	if err != nil {
		t.Fatal(err)
	}
	return jws
}
