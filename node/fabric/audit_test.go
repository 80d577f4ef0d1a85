package fabric

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/audit/chain"
)

// exportAudit reads the member's chain from its own node, as blctl audit
// export does (GET /v1/audit/log, NDJSON).
func (m *member) exportAudit() []chain.Entry {
	m.t.Helper()
	req, _ := http.NewRequest("GET", m.url+"/v1/audit/log", nil)
	req.Header.Set("Authorization", "Bearer "+m.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		m.t.Fatalf("export: %v %v", resp, err)
	}
	defer resp.Body.Close()
	var out []chain.Entry
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		var e chain.Entry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			m.t.Fatal(err)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		m.t.Fatal(err)
	}
	return out
}

// verifyLog is blctl audit verify's check (package chain) on a log.
func verifyLog(member string, log []chain.Entry, anchors []chain.Anchor) error {
	v := chain.NewVerifier(member, anchors)
	for i := range log {
		if err := v.Add(&log[i]); err != nil {
			return err
		}
	}
	_, _, err := v.Finish()
	return err
}

func expectFailure(t *testing.T, name string, err error, kind string, pos uint64) {
	t.Helper()
	var f *chain.Failure
	if !errors.As(err, &f) || f.Kind != kind || f.Pos != pos {
		t.Fatalf("%s: got %v, want %s at position %d", name, err, kind, pos)
	}
}

// TestAuditAnchoredAcrossOrganisations: Bank1's node anchors its audit
// heads on the channel; the association's node, on another peer, reads
// the anchors from its own replica and verifies Bank1's exported chain
// against them; a truncated log, a rewritten entry and a re-hashed log
// that no longer extends its last anchor each fail at the first bad
// position. Then Bank1 goes over a (lowered) derivation budget: 429, and
// the association's node raises a budget-exceeded alert from the block.
func TestAuditAnchoredAcrossOrganisations(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	assoc := stack(t, run, "assoc", "AssocMSP", node.RoleAdmin, node.RoleAuditor)
	bank1 := stack(t, run, "bank1", "Bank1MSP", node.RoleQuerier, node.RoleReporter, node.RoleAuditor)

	stamp := fmt.Sprint(time.Now().UnixNano())
	lookup := func(i int) {
		t.Helper()
		if st := bank1.call("GET", "/v1/subjects/"+hexOf(fmt.Sprint("audit ", stamp, i))+"?purpose=loan-approval", nil, nil); st != 200 {
			t.Fatalf("lookup: %d", st)
		}
	}
	for i := 0; i < 3; i++ {
		lookup(i)
	}
	if err := bank1.node.AnchorAudit(ctx); err != nil {
		t.Fatal(err)
	}
	for i := 3; i < 6; i++ {
		lookup(i)
	}
	if err := bank1.node.AnchorAudit(ctx); err != nil {
		t.Fatal(err)
	}
	lookup(6)
	log := bank1.exportAudit()
	if len(log) != 7 || log[0].Member != "Bank1MSP" {
		t.Fatalf("export: %d entries", len(log))
	}

	// The association reads Bank1's anchors through its own node.
	if err := assoc.ledger.Replica().WaitForHeight(ctx, bank1.ledger.Height()); err != nil {
		t.Fatal(err)
	}
	var list struct {
		Anchors []chain.Anchor
	}
	if st := assoc.call("GET", "/v1/audit/anchors?member=Bank1MSP", nil, &list); st != 200 {
		t.Fatalf("anchors: %d", st)
	}
	var mine []chain.Anchor
	for _, a := range list.Anchors {
		if a.Log == log[0].Hash {
			mine = append(mine, a)
		}
	}
	if len(mine) != 2 || mine[0].Size != 3 || mine[1].Size != 6 || mine[1].Head != log[5].Hash {
		t.Fatalf("anchors of this log: %+v", mine)
	}
	if err := verifyLog("Bank1MSP", log, list.Anchors); err != nil {
		t.Fatalf("the exported log does not verify: %v", err)
	}
	expectFailure(t, "truncated", verifyLog("Bank1MSP", log[:4], list.Anchors), chain.Truncated, 5)
	edited := append([]chain.Entry(nil), log...)
	edited[1].Purpose = "post-loan"
	expectFailure(t, "rewritten", verifyLog("Bank1MSP", edited, list.Anchors), chain.BrokenLink, 2)
	rebuilt := append([]chain.Entry(nil), log...)
	rebuilt[4].Listed = true
	for i := 4; i < len(rebuilt); i++ {
		rebuilt[i].PrevHash = rebuilt[i-1].Hash
		rebuilt[i].Hash = rebuilt[i].Link()
	}
	expectFailure(t, "no longer extends its anchor", verifyLog("Bank1MSP", rebuilt, list.Anchors), chain.Diverged, 6)

	// Budgets: the association lowers the derivation budget for the test.
	var policy contract.Policy
	if st := assoc.call("GET", "/v1/policy", nil, &policy); st != 200 {
		t.Fatalf("policy: %d", st)
	}
	restore := policy
	restore.UpdatedAt = ""
	t.Cleanup(func() {
		if st := assoc.call("PUT", "/v1/policy", restore, nil); st != 200 {
			t.Errorf("restoring the policy: %d", st)
		}
	})
	lowered := restore
	lowered.DailyDerivations = 2
	if st := assoc.call("PUT", "/v1/policy", lowered, nil); st != 200 {
		t.Fatalf("lower the budget: %d", st)
	}
	if err := bank1.ledger.Replica().WaitForHeight(ctx, assoc.ledger.Height()); err != nil {
		t.Fatal(err)
	}
	derive := func(n int) int {
		ric := []string{"11010519491231002X", "110105194912310038", "110105194912310046"}[n]
		return bank1.call("POST", "/v1/subject-keys", map[string]string{"idType": "cn-ric", "idNumber": ric}, nil)
	}
	for i := 0; i < 2; i++ {
		if st := derive(i); st != 200 {
			t.Fatalf("derivation %d: %d", i, st)
		}
	}
	if st := derive(2); st != 429 {
		t.Fatalf("the derivation over budget: %d, want 429", st)
	}
	// The association's node alerts from the committed report. A report of
	// the same day by an earlier run is on the ledger too; either is the
	// association being told, from the ledger, by its own node.
	day := time.Now().In(time.FixedZone("CST", 8*3600)).Format(time.DateOnly)
	for after := uint64(0); ; {
		var page struct {
			Alerts []alert.Alert
			Next   *string
		}
		if st := assoc.call("GET", fmt.Sprintf("/v1/alerts?after=%d", after), nil, &page); st != 200 {
			t.Fatalf("alerts: %d", st)
		}
		for _, a := range page.Alerts {
			if a.Kind == alert.KindBudgetExceeded && a.Budget != nil && a.Budget.Member == "Bank1MSP" && a.Budget.Day == day &&
				a.Budget.Kind == contract.BudgetDerivations && a.Member == "AssocMSP" {
				return
			}
			after = a.Seq()
		}
		if page.Next != nil {
			continue
		}
		if err := assoc.node.WaitForAlerts(ctx, after); err != nil {
			t.Fatalf("no budget-exceeded alert for the association: %v", err)
		}
	}
}
