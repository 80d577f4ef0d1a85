package console

import (
	"context"
	"encoding/csv"
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

var assocPages = []string{"/console/overview", "/console/members", "/console/policy", "/console/queue", "/console/audit", "/console/health"}
var bankPages = []string{"/console/check", "/console/filings", "/console/filings/new", "/console/disputes", "/console/watchlist", "/console/alerts", "/console/webhook"}

func TestABankGetsA403PageOnAssociationPages(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.signIn("bank1-app")
	for _, p := range assocPages {
		code, body := b.get(p)
		if code != http.StatusForbidden || !strings.Contains(body, `id="problem"`) || !strings.Contains(body, "无权执行此操作") {
			t.Errorf("%s as a bank: %d", p, code)
		}
	}
	// and cannot post to them either
	_, page := b.get("/console/check")
	tok := csrf(t, page)
	code, _, _ := b.post("/console/policy", url.Values{"csrf": {tok}, "minDaysPastDue": {"1"}})
	if code != http.StatusForbidden {
		t.Fatalf("bank posting a policy: %d", code)
	}
	code, _, _ = b.post("/console/members/status", url.Values{"csrf": {tok}, "mspId": {"Bank2MSP"}, "action": {"suspend"}, "reason": {"x"}, "confirm": {"yes"}})
	if code != http.StatusForbidden {
		t.Fatalf("bank suspending a member: %d", code)
	}
}

func TestEveryPageRendersForItsRoleInBothLanguages(t *testing.T) {
	e := newEnv(t)
	for client, pages := range map[string][]string{"assoc-admin": assocPages, "bank1-app": bankPages} {
		b := e.browser()
		b.signIn(client)
		for _, lang := range []string{"zh", "en"} {
			for _, p := range pages {
				code, body := b.get(p + "?lang=" + lang)
				if code != http.StatusOK {
					t.Errorf("%s %s as %s: %d %s", p, lang, client, code, body)
				}
				if lang == "en" && strings.Contains(body, "征信黑名单控制台") || lang == "zh" && !strings.Contains(body, "征信黑名单控制台") {
					t.Errorf("%s in %s: wrong language", p, lang)
				}
			}
		}
	}
}

func TestAdmitRefusesAMistypedCreditCodeBeforeTheLedger(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("assoc-admin")
	code, body, _ := b.post("/console/members", url.Values{"csrf": {tok}, "mspId": {"Bank3MSP"}, "legalName": {"Bank Three"},
		"creditCode": {"91350100M000100Y44"}, "roles": {"querier"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "校验码为 4，应为 3") {
		t.Fatalf("mistyped code: %d %s", code, body)
	}
	if _, page := b.get("/console/members"); strings.Contains(page, "Bank3MSP") {
		t.Fatal("admitted with a mistyped code")
	}
	code, _, _ = b.post("/console/members", url.Values{"csrf": {tok}, "mspId": {"Bank3MSP"}, "legalName": {"Bank Three"},
		"creditCode": {"91440300708461136T"}, "roles": {"querier"}})
	if code != http.StatusSeeOther {
		t.Fatalf("valid admission: %d", code)
	}
	if _, page := b.get("/console/members"); !strings.Contains(page, `id="member-Bank3MSP"`) {
		t.Fatal("not admitted")
	}
}

func TestDisputeRowsSortByDeadlineAndCountDays(t *testing.T) {
	now := time.Now()
	at := func(d time.Duration) string { return now.Add(d).UTC().Format(time.RFC3339) }
	rows := disputeRows([]contract.Dispute{
		{ID: "later", Reporter: "B", DueBy: at(5*24*time.Hour - time.Hour)},
		{ID: "late", Reporter: "B", DueBy: at(-2*24*time.Hour + time.Hour)},
		{ID: "other", Reporter: "X", DueBy: at(time.Hour)},
		{ID: "soon", Reporter: "B", DueBy: at(time.Hour)},
	}, func(d contract.Dispute) bool { return d.Reporter == "B" })
	var got []string
	for _, r := range rows {
		got = append(got, fmt.Sprintf("%s:%d:%v", r.ID, r.DaysLeft, r.Late))
	}
	if want := "late:2:true soon:1:false later:5:false"; strings.Join(got, " ") != want {
		t.Fatalf("rows %v, want %s", got, want)
	}
}

func TestKeysAreRegisteredAndRevokedAfterConfirmation(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("assoc-admin")
	k, _ := attestation.GenerateKey()
	pub, _ := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	code, body, _ := b.post("/console/members/keys", url.Values{"csrf": {tok}, "mspId": {"Bank2MSP"}, "kid": {"bank2-2027"}, "publicKey": {pub}})
	if code != http.StatusSeeOther {
		t.Fatalf("register: %d %s", code, body)
	}
	keyStatus := func() string {
		m, _, _ := e.n.Member(context.Background(), e.clientOf("assoc-admin"), "Bank2MSP")
		for _, k := range m.Keys {
			if k.KID == "bank2-2027" {
				return k.Status
			}
		}
		return "absent"
	}
	if st := keyStatus(); st != "active" {
		t.Fatalf("registered key is %s", st)
	}
	form := url.Values{"csrf": {tok}, "mspId": {"Bank2MSP"}, "kid": {"bank2-2027"}, "reason": {"rotated"}}
	code, body, _ = b.post("/console/members/keys/revoke", form)
	if code != http.StatusOK || !strings.Contains(body, `id="confirm-form"`) || keyStatus() != "active" {
		t.Fatalf("revoke without confirmation: %d, key %s", code, keyStatus())
	}
	form.Set("confirm", "yes")
	if code, _, _ = b.post("/console/members/keys/revoke", form); code != http.StatusSeeOther || keyStatus() != "revoked" {
		t.Fatalf("confirmed revoke: %d, key %s", code, keyStatus())
	}
}

func TestSuspensionNeedsConfirmationAndShutsTheBanksConsole(t *testing.T) {
	e := newEnv(t)
	bank := e.browser()
	bank.signIn("bank2-app")
	b := e.browser()
	tok := b.signIn("assoc-admin")
	form := url.Values{"csrf": {tok}, "mspId": {"Bank2MSP"}, "action": {"suspend"}, "reason": {"unpaid fees"}}
	code, body, _ := b.post("/console/members/status", form)
	if code != http.StatusOK || !strings.Contains(body, "确定暂停 Bank2MSP（理由：unpaid fees）") {
		t.Fatalf("suspend without confirmation: %d", code)
	}
	if code, _ := bank.get("/console/check"); code != http.StatusOK {
		t.Fatalf("bank before the confirmation: %d", code)
	}
	form.Set("confirm", "yes")
	if code, _, _ := b.post("/console/members/status", form); code != http.StatusSeeOther {
		t.Fatalf("confirmed suspension: %d", code)
	}
	// the suspended bank's open session now gets the 403 page, as its API clients do
	if code, body := bank.get("/console/check"); code != http.StatusForbidden || !strings.Contains(body, "无权执行此操作") {
		t.Fatalf("suspended bank: %d", code)
	}
}

func TestFilingsArePagedWithoutRepeatingTheNumber(t *testing.T) {
	e := newEnv(t)
	for i := range 25 {
		e.fileDefault("bank1-app", applicant, fmt.Sprintf("LN-%d", i))
	}
	e.fileDefault("bank2-app", applicant, "B2-1") // not Bank1's
	b := e.browser()
	tok := b.signIn("bank1-app")
	code, page, _ := b.post("/console/filings", url.Values{"csrf": {tok}, "idType": {"cn-ric"}, "idNumber": {applicant}, "purpose": {"post-loan"}})
	if code != http.StatusOK || strings.Count(page, `class="filing-row"`) != 20 || !strings.Contains(page, `name="page" value="2"`) {
		t.Fatalf("first page: %d, %d rows", code, strings.Count(page, `class="filing-row"`))
	}
	if strings.Contains(page, applicant) {
		t.Fatal("the identity number is in the results page")
	}
	_, page, _ = b.post("/console/filings", url.Values{"csrf": {tok}, "subject": {e.subject(applicant)}, "purpose": {"post-loan"}, "page": {"2"}})
	if n := strings.Count(page, `class="filing-row"`); n != 5 || !strings.Contains(page, `name="page" value="1"`) {
		t.Fatalf("second page: %d rows", n)
	}
	// the CSV export has all 25 of Bank1's and none of Bank2's
	resp, err := b.c.PostForm(e.url+"/console/filings/export", url.Values{"csrf": {tok}, "idType": {"cn-ric"}, "idNumber": {applicant}, "purpose": {"post-loan"}})
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	rows, err := csv.NewReader(resp.Body).ReadAll()
	if err != nil || len(rows) != 26 || resp.Header.Get("Content-Type") != "text/csv; charset=utf-8" {
		t.Fatalf("export: %d rows, %v, %s", len(rows), err, resp.Header.Get("Content-Type"))
	}
}

func TestPolicyFormSetsEveryValue(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("assoc-admin")
	form := url.Values{"csrf": {tok}, "minDaysPastDue": {"60"}, "retentionYears": {"5"}, "disputeAnswerDays": {"15"},
		"dailyDerivations": {"500"}, "dailyLookups": {"9000"}, "newCurrency": {"cny"}, "newMinAmount": {"1,000.50"}}
	if code, body, _ := b.post("/console/policy", form); code != http.StatusSeeOther {
		t.Fatalf("policy: %d %s", code, body)
	}
	p, _, _ := e.n.Policy(context.Background(), e.clientOf("assoc-admin"))
	if p.MinDaysPastDue != 60 || p.DisputeAnswerDays != 15 || p.DailyDerivations != 500 || p.DailyLookups != 9000 || p.MinAmount["CNY"] != 100050 {
		t.Fatalf("policy after the form: %+v", p)
	}
	// the page shows the new minimum with its currency's decimals; a bad number changes nothing
	if _, page := b.get("/console/policy"); !strings.Contains(page, `name="minAmount.CNY" inputmode="decimal" value="1000.50"`) {
		t.Fatal("minimum not shown")
	}
	form = url.Values{"csrf": {tok}, "minDaysPastDue": {"ninety"}, "retentionYears": {"5"}, "disputeAnswerDays": {"15"},
		"dailyDerivations": {"500"}, "dailyLookups": {"9000"}, "minAmount.CNY": {"1000.50"}}
	if code, body, _ := b.post("/console/policy", form); code != http.StatusUnprocessableEntity || !strings.Contains(body, "minDaysPastDue") {
		t.Fatalf("bad number: %d", code)
	}
	if p2, _, _ := e.n.Policy(context.Background(), e.clientOf("assoc-admin")); p2.MinDaysPastDue != 60 {
		t.Fatalf("policy changed by a refused form: %+v", p2)
	}
}

// A refusal shows the API's problem title and detail in the page's
// language, and the number typed is not echoed back.
func TestRefusalsShowTheProblemInThePagesLanguage(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("bank1-app")
	bad := "110105194912310021" // wrong check digit
	for lang, want := range map[string][]string{"zh": {"参数无效", "校验"}, "en": {"Invalid argument", "check character"}} {
		b.get("/console/check?lang=" + lang)
		code, body, _ := b.post("/console/check", url.Values{"csrf": {tok}, "idType": {"cn-ric"}, "idNumber": {bad}, "purpose": {"loan-approval"}})
		if code != http.StatusUnprocessableEntity {
			t.Fatalf("%s: %d", lang, code)
		}
		for _, w := range want {
			if !strings.Contains(body, w) {
				t.Errorf("%s: the page lacks %q", lang, w)
			}
		}
		if strings.Contains(body, bad) {
			t.Errorf("%s: the identity number is echoed", lang)
		}
	}
}

func TestRevokeAndRemoveAskFirst(t *testing.T) {
	e := newEnv(t)
	id := e.fileDefault("bank1-app", applicant, "LN-1")
	b := e.browser()
	tok := b.signIn("bank1-app")
	listed := func() bool {
		st, _, _ := e.n.Lookup(context.Background(), e.clientOf("bank2-app"), "loan-approval", []string{e.subject(applicant)}, false)
		return st[0].Listed
	}
	form := url.Values{"csrf": {tok}, "subject": {e.subject(applicant)}, "refersTo": {id}, "reason": {"filed in error"}}
	code, body, _ := b.post("/console/filings/revoke", form)
	if code != http.StatusOK || !strings.Contains(body, `id="confirm-form"`) || !listed() {
		t.Fatalf("revoke without confirmation: %d, listed %v", code, listed())
	}
	form.Set("confirm", "yes")
	if code, _, h := b.post("/console/filings/revoke", form); code != http.StatusSeeOther || !strings.HasPrefix(h.Get("Location"), "/console/filings?revoked=") || listed() {
		t.Fatalf("confirmed revoke: %d, listed %v", code, listed())
	}
	// another bank cannot revoke it: the ledger's refusal, shown as the problem
	other := e.browser()
	otok := other.signIn("bank2-app")
	id2 := e.fileDefault("bank1-app", applicant, "LN-2")
	code, body, _ = other.post("/console/filings/revoke", url.Values{"csrf": {otok}, "subject": {e.subject(applicant)}, "refersTo": {id2}, "reason": {"x"}, "confirm": {"yes"}})
	if code < 400 || !strings.Contains(body, `id="problem"`) || !listed() {
		t.Fatalf("Bank2 revoking Bank1's default: %d, listed %v", code, listed())
	}

	if _, _, err := e.n.Watch(context.Background(), e.clientOf("bank1-app"), e.subject(applicant), "c1"); err != nil {
		t.Fatal(err)
	}
	rm := url.Values{"csrf": {tok}, "key": {e.subject(applicant)}}
	if code, body, _ := b.post("/console/watchlist/remove", rm); code != http.StatusOK || !strings.Contains(body, `id="confirm-form"`) {
		t.Fatalf("remove without confirmation: %d", code)
	}
	rm.Set("confirm", "yes")
	if code, _, _ := b.post("/console/watchlist/remove", rm); code != http.StatusSeeOther {
		t.Fatalf("confirmed remove: %d", code)
	}
	if _, page := b.get("/console/watchlist"); !strings.Contains(page, `id="empty"`) {
		t.Fatal("still watched")
	}
}

func TestAnUnknownPurposeSpendsNoDerivation(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("bank1-app")
	code, body, _ := b.post("/console/check", url.Values{"csrf": {tok}, "idType": {"cn-ric"}, "idNumber": {applicant}, "purpose": {"curiosity"}})
	if code != http.StatusUnprocessableEntity || !strings.Contains(body, "缺少查询用途或用途未知") {
		t.Fatalf("unknown purpose: %d", code)
	}
	entries, err := e.n.AuditQueries(context.Background(), e.clientOf("assoc-admin"), node.AuditFilter{Member: "Bank1MSP", Limit: 10})
	if err != nil || len(entries) != 0 {
		t.Fatalf("audit after a refused purpose: %+v %v", entries, err)
	}
}

func TestFlashMessagesNameOnlyIdentifiers(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	b.signIn("assoc-admin")
	_, page := b.get("/console/members?admitted=" + url.QueryEscape("Call 400-123 to claim your refund"))
	if strings.Contains(page, "refund") || !strings.Contains(page, "已接纳 ?") {
		t.Fatal("a crafted link's text is shown")
	}
	if _, page := b.get("/console/members?admitted=Bank9MSP"); !strings.Contains(page, "已接纳 Bank9MSP") {
		t.Fatal("an MSP ID is not shown")
	}
}
