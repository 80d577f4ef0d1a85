package console

import (
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

func refOf(loan string) string {
	sum := sha256.Sum256([]byte(loan))
	return hex.EncodeToString(sum[:])
}

// exportCSV posts form to the export and reads the CSV.
func exportCSV(t *testing.T, e *env, b *browser, form url.Values) [][]string {
	t.Helper()
	resp, err := b.c.PostForm(e.url+"/console/filings/export", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("export: %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

// My filings lists the member's own defaults on every subject, a page at
// a time, narrowed by state, and never another member's.
func TestMyFilingsListTheMembersOwnBook(t *testing.T) {
	e := newEnv(t)
	var ids []string
	for i := range 25 {
		number := applicant
		if i%2 == 1 {
			number = other
		}
		ids = append(ids, e.fileDefault("bank1-app", number, fmt.Sprintf("LN-%d", i)))
	}
	foreign := e.fileDefault("bank2-app", applicant, "B2-1")
	ctx := context.Background()
	revoke := &attestation.Payload{Type: attestation.TypeRevocation, Subject: e.subject(applicant), RefersTo: ids[0], Reason: "filed in error"}
	paid := int64(1250000)
	settle := &attestation.Payload{Type: attestation.TypeSettlement, Subject: e.subject(other), RefersTo: ids[1], SettledOn: time.Now().Format("2006-01-02"), Kind: "full", Amount: &paid}
	if res, err := e.n.Submit(ctx, e.clientOf("bank1-app"), []node.AttestationInput{{Payload: revoke}, {Payload: settle}}); err != nil || res.Results[1].Status != contract.ItemAccepted {
		t.Fatalf("revoke and settle: %v %+v", err, res)
	}

	b := e.browser()
	tok := b.signIn("bank1-app")
	code, page := b.get("/console/filings")
	if code != http.StatusOK || strings.Count(page, `class="filing-row"`) != 20 || !strings.Contains(page, `id="next-page"`) {
		t.Fatalf("first page: %d, %d rows", code, strings.Count(page, `class="filing-row"`))
	}
	if !strings.Contains(page, "12,500.00 CNY") {
		t.Fatal("amount without its currency")
	}
	next := between(page, `rel="next" href="`, `"`)
	_, page2 := b.get(strings.ReplaceAll(next, "&amp;", "&"))
	// a revoked default leaves the member's loan index (its loan is free
	// for a corrected filing): 24 listed
	if n := strings.Count(page2, `class="filing-row"`); n != 4 || strings.Contains(page2, `id="next-page"`) {
		t.Fatalf("second page: %d rows (%s)", n, next)
	}
	all := page + page2
	if strings.Contains(all, ids[0]) {
		t.Error("the revoked default is listed")
	}
	for i, id := range ids[1:] {
		if !strings.Contains(all, id) {
			t.Errorf("filing %d (%s) is not listed", i, id)
		}
	}
	if strings.Contains(all, foreign) || strings.Contains(all, refOf("B2-1")[:12]) {
		t.Fatal("another member's filing is listed")
	}
	// recorded times are shown in Asia/Shanghai
	d, _, err := e.n.OwnDefaults(ctx, e.clientOf("bank1-app"), contract.OwnDefaultsRequest{LoanRefs: []string{refOf("LN-3")}})
	if err != nil || len(d.Defaults) != 1 {
		t.Fatalf("own default: %v %+v", err, d)
	}
	rec, _ := time.Parse(time.RFC3339Nano, d.Defaults[0].RecordedAt)
	if !strings.Contains(all, rec.In(shanghai).Format("2006-01-02 15:04")) {
		t.Fatal("recorded time not in Asia/Shanghai")
	}

	for state, want := range map[string]int{"settled": 1, "active": 20, "revoked": 20} {
		_, p := b.get("/console/filings?state=" + state)
		if n := strings.Count(p, `class="filing-row"`); n != want {
			t.Errorf("state %s: %d rows, want %d", state, n, want)
		}
	}
	// ... and is found by a search on its subject, shown revoked
	_, p, _ := b.post("/console/filings", url.Values{"csrf": {tok}, "idType": {"cn-ric"}, "idNumber": {applicant}, "purpose": {"post-loan"}})
	if !strings.Contains(p, ids[0]) || !strings.Contains(p, "已撤销") || strings.Contains(p, foreign) {
		t.Error("the revoked default is not found on its subject")
	}
	if _, p := b.get("/console/filings?state=overturned"); !strings.Contains(p, `id="empty"`) {
		t.Error("no overturned filing, but no empty state")
	}

	// the list's CSV: the 24 listed of Bank1's (and a header), none of Bank2's;
	// in a state, only those
	rows := exportCSV(t, e, b, url.Values{"csrf": {tok}})
	if len(rows) != 25 {
		t.Fatalf("list export: %d rows", len(rows))
	}
	for _, r := range rows[1:] {
		if r[0] == foreign || r[4] != "CNY" || r[3] != "12500.00" || !strings.HasSuffix(r[8], "+08:00") {
			t.Fatalf("export row %v", r)
		}
	}
	if rows := exportCSV(t, e, b, url.Values{"csrf": {tok}, "state": {"settled"}}); len(rows) != 2 || rows[1][0] != ids[1] {
		t.Fatalf("settled export: %v", rows)
	}

	// a search by loan number finds Bank1's loan, and not Bank2's
	_, p, _ = b.post("/console/filings", url.Values{"csrf": {tok}, "loanNumber": {"LN-7"}})
	if strings.Count(p, `class="filing-row"`) != 1 || !strings.Contains(p, ids[7]) {
		t.Fatal("search by loan number")
	}
	_, p, _ = b.post("/console/filings", url.Values{"csrf": {tok}, "loanNumber": {refOf("LN-8")}})
	if strings.Count(p, `class="filing-row"`) != 1 || !strings.Contains(p, ids[8]) {
		t.Fatal("search by loan reference")
	}
	_, p, _ = b.post("/console/filings", url.Values{"csrf": {tok}, "loanNumber": {"B2-1"}})
	if !strings.Contains(p, `id="empty"`) || strings.Contains(p, foreign) {
		t.Fatal("search for another member's loan")
	}
}

// A crafted cursor neither reaches another member's book nor passes
// unchecked, and the export is a form post like any other (CSRF).
func TestMyFilingsRefusals(t *testing.T) {
	e := newEnv(t)
	e.fileDefault("bank2-app", applicant, "B2-1")
	b := e.browser()
	b.signIn("bank1-app")
	if code, p := b.get("/console/filings?after=" + strings.Repeat("0", 64)); code != http.StatusOK || !strings.Contains(p, `id="empty"`) {
		t.Fatalf("a cursor before Bank2's loan: %d", code)
	}
	if code, p := b.get("/console/filings?after=not-hex"); code != http.StatusUnprocessableEntity || !strings.Contains(p, `id="problem"`) {
		t.Fatalf("a bad cursor: %d", code)
	}
	if code, _, _ := b.post("/console/filings/export", url.Values{"state": {"active"}}); code != http.StatusForbidden {
		t.Fatalf("export without the CSRF token: %d", code)
	}
}

// between is the text of s after start up to end.
func between(s, start, end string) string {
	_, after, ok := strings.Cut(s, start)
	if !ok {
		return ""
	}
	v, _, _ := strings.Cut(after, end)
	return v
}
