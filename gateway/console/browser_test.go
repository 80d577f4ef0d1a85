package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

// The browser tests drive a real headless Chromium (Debian's chromium
// package; scripts/install-chromium.sh installs it, .ci/run calls that) over
// the DevTools protocol: one browser for the package, a fresh browser
// context (its own cookies) per signed-in person. Chromium is found by
// $CHROMIUM or on PATH. Without it the tests fail under CI (CI=true) and
// skip elsewhere, saying how to install it.

var browserCtx context.Context

func TestMain(m *testing.M) {
	code := func() int {
		bin := chromiumPath()
		if bin == "" {
			return m.Run()
		}
		opts := append(chromedp.DefaultExecAllocatorOptions[:], chromedp.ExecPath(bin), chromedp.NoSandbox,
			chromedp.WindowSize(1280, 800), chromedp.Flag("lang", "zh-CN"))
		alloc, cancel := chromedp.NewExecAllocator(context.Background(), opts...)
		defer cancel()
		ctx, cancelBrowser := chromedp.NewContext(alloc)
		defer cancelBrowser()
		if err := chromedp.Do(ctx); err != nil {
			fmt.Fprintf(os.Stderr, "starting %s: %v\n", bin, err)
			return 1
		}
		browserCtx = ctx
		return m.Run()
	}()
	os.Exit(code)
}

// chromiumPath is $CHROMIUM, or the first Chromium on PATH.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "headless-shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	return ""
}

// needBrowser gives the test a tab of its own browser context.
func needBrowser(t *testing.T) context.Context {
	t.Helper()
	if browserCtx == nil {
		if os.Getenv("CI") != "" {
			t.Fatal("Chromium is missing: .ci/run installs it with scripts/install-chromium.sh")
		}
		t.Skip("no Chromium: run scripts/install-chromium.sh (as root) or set CHROMIUM=/path/to/chromium")
	}
	ctx, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	ctx, cancelT := context.WithTimeout(ctx, 90*time.Second)
	t.Cleanup(cancelT)
	return ctx
}

// served starts the console on a loopback server for the browser.
func (e *env) served() string {
	srv := httptest.NewServer(handler(e.n))
	// The browser may still hold an alert stream open: cut it, or Close
	// waits for it.
	e.t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	return srv.URL
}

func do(t *testing.T, ctx context.Context, steps ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, steps...); err != nil {
		// say where the browser was, and what it showed
		loc, _ := chromedp.Run(ctx, chromedp.Location())
		page, _ := chromedp.Run(ctx, chromedp.Evaluate[string](`document.body ? document.body.innerText : ""`))
		t.Fatalf("%v\nat %s:\n%s", err, loc, page)
	}
}

func text(t *testing.T, ctx context.Context, sel string) string {
	t.Helper()
	s, err := chromedp.Run(ctx, chromedp.Text(chromedp.CSS(sel)))
	if err != nil {
		t.Fatalf("%s: %v", sel, err)
	}
	return s
}

// signInAs signs in through the sign-in form, as a person would.
func signInAs(t *testing.T, ctx context.Context, base, key string) {
	t.Helper()
	do(t, ctx, chromedp.Navigate(base+"/console/"), chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.SendKeys(chromedp.CSS("#key"), key), chromedp.Click(chromedp.CSS("#signin")),
		chromedp.WaitVisible(chromedp.CSS("#signout")))
}

// clientOf is a demo client as the node knows it.
func (e *env) clientOf(name string) *node.Client {
	c, ok := e.n.Authenticate(e.keys[name])
	if !ok {
		e.t.Fatalf("no client %s", name)
	}
	return c
}

const (
	applicant = "11010519491231002X"
	other     = "110105198001010016"
)

func (e *env) subject(number string) string {
	k, err := e.n.SubjectKey("cn-ric", number)
	if err != nil {
		e.t.Fatal(err)
	}
	return k
}

// fileDefault files a default through the node as client.
func (e *env) fileDefault(client, number, loan string) string {
	e.t.Helper()
	sum := sha256.Sum256([]byte(loan))
	amount, days := int64(1250000), 120
	p := &attestation.Payload{Type: attestation.TypeDefault, Subject: e.subject(number), LoanRef: hex.EncodeToString(sum[:]),
		Product: "consumer", Amount: &amount, Currency: "CNY", OverdueSince: time.Now().AddDate(0, 0, -130).Format("2006-01-02"),
		DaysPastDue: &days, NoticeDate: time.Now().AddDate(0, 0, -100).Format("2006-01-02")}
	res, err := e.n.Submit(context.Background(), e.clientOf(client), []node.AttestationInput{{Payload: p}})
	if err != nil || res.Results[0].Status != contract.ItemAccepted {
		e.t.Fatalf("default: %v %+v", err, res)
	}
	return res.Results[0].ID
}

func TestBrowserAssociationAdmitsChangesPolicyAndResolves(t *testing.T) {
	ctx := needBrowser(t)
	e := newEnv(t)
	base := e.served()
	d := e.fileDefault("bank1-app", applicant, "LN-1")
	sum := sha256.Sum256([]byte("statement"))
	disp, _, err := e.n.OpenDispute(context.Background(), e.clientOf("bank2-app"), contract.OpenDisputeRequest{AttestationID: d, ReasonCode: "not-mine", StatementDigest: hex.EncodeToString(sum[:])})
	if err != nil {
		t.Fatal(err)
	}
	signInAs(t, ctx, base, e.keys["assoc-admin"])

	// admit a member: a mistyped credit code is refused in Chinese, the right one admitted
	do(t, ctx, chromedp.Navigate(base+"/console/members"),
		chromedp.SendKeys(chromedp.CSS("#mspId"), "Bank3MSP"), chromedp.SendKeys(chromedp.CSS("#legalName"), "第三银行"),
		chromedp.SendKeys(chromedp.CSS("#creditCode"), "91440300708461136A"), chromedp.Click(chromedp.CSS("#admit")),
		chromedp.WaitVisible(chromedp.CSS("#problem")))
	if got := text(t, ctx, "#problem"); !strings.Contains(got, "校验码为 A，应为 T") {
		t.Fatalf("mistyped code: %q", got)
	}
	do(t, ctx, chromedp.SetValue(chromedp.CSS("#creditCode"), "91440300708461136T"), chromedp.Click(chromedp.CSS("#admit")),
		chromedp.WaitVisible(chromedp.CSS("#member-Bank3MSP")))
	if m, _, err := e.n.Member(context.Background(), e.clientOf("assoc-admin"), "Bank3MSP"); err != nil || m.Status != contract.StatusActive {
		t.Fatalf("Bank3MSP on the ledger: %+v %v", m, err)
	}

	// change the policy
	do(t, ctx, chromedp.Navigate(base+"/console/policy"), chromedp.SetValue(chromedp.CSS("#minDaysPastDue"), "60"),
		chromedp.Click(chromedp.CSS("#save-policy")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if p, _, _ := e.n.Policy(context.Background(), e.clientOf("assoc-admin")); p.MinDaysPastDue != 60 {
		t.Fatalf("policy after the form: %+v", p)
	}
	if got := text(t, ctx, "#policy-changed"); !strings.Contains(got, "协会最近修改于") {
		t.Fatalf("policy change not shown: %q", got)
	}

	// resolve the dispute from the queue
	do(t, ctx, chromedp.Navigate(base+"/console/queue"), chromedp.WaitVisible(chromedp.CSS(".dispute-row")),
		chromedp.SendKeys(chromedp.CSS(".resolve-form input[name=note]"), "冒名贷款"),
		chromedp.Click(chromedp.CSS(".resolve-form button")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	ds, _, _ := e.n.Disputes(context.Background(), e.clientOf("assoc-admin"), "")
	if len(ds) != 1 || ds[0].ID != disp.ID || ds[0].State != contract.DisputeUpheld {
		t.Fatalf("dispute after the form: %+v", ds)
	}

	// a form post without the CSRF token fails, and changes nothing
	do(t, ctx, chromedp.Navigate(base+"/console/policy"), chromedp.SetValue(chromedp.CSS("#minDaysPastDue"), "30"))
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[bool](`document.querySelector('#policy-form input[name=csrf]').remove(), true`)); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#save-policy")), chromedp.WaitVisible(chromedp.CSS("#problem")))
	if got := text(t, ctx, "#problem"); !strings.Contains(got, "表单令牌缺失或错误") {
		t.Fatalf("post without csrf: %q", got)
	}
	if p, _, _ := e.n.Policy(context.Background(), e.clientOf("assoc-admin")); p.MinDaysPastDue != 60 {
		t.Fatalf("policy changed without the token: %+v", p)
	}

	// sign-out ends the session: the pages ask for a key again
	do(t, ctx, chromedp.Navigate(base+"/console/policy"), chromedp.Click(chromedp.CSS("#signout")),
		chromedp.WaitVisible(chromedp.CSS("#signin-form")),
		chromedp.Navigate(base+"/console/policy"), chromedp.WaitVisible(chromedp.CSS("#signin-form")))
}

func TestBrowserBankChecksFilesAndSettles(t *testing.T) {
	ctx := needBrowser(t)
	e := newEnv(t)
	base := e.served()
	foreign := e.fileDefault("bank2-app", other, "B2-LN-9") // another member's filing
	signInAs(t, ctx, base, e.keys["bank1-app"])

	// check an applicant by identity number: not listed
	do(t, ctx, chromedp.Navigate(base+"/console/check"), chromedp.SendKeys(chromedp.CSS("#idNumber"), applicant),
		chromedp.Click(chromedp.CSS("#check")), chromedp.WaitVisible(chromedp.CSS("#status-card")))
	if got := text(t, ctx, "#verdict"); got != "不在黑名单中" {
		t.Fatalf("verdict %q", got)
	}
	if got := text(t, ctx, "#subject-key"); got != e.subject(applicant) {
		t.Fatalf("subject key %q", got)
	}

	// file a default through the form
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format("2006-01-02") }
	do(t, ctx, chromedp.Navigate(base+"/console/filings/new"),
		chromedp.SendKeys(chromedp.CSS("#idNumber"), applicant), chromedp.SendKeys(chromedp.CSS("#loanNumber"), "LN-2026-000123"),
		chromedp.SendKeys(chromedp.CSS("#amount"), "12,500.00"), chromedp.SetValue(chromedp.CSS("#overdueSince"), day(-130)),
		chromedp.SendKeys(chromedp.CSS("#daysPastDue"), "120"), chromedp.SetValue(chromedp.CSS("#noticeDate"), day(-100)),
		chromedp.Click(chromedp.CSS("#file")), chromedp.WaitVisible(chromedp.CSS("#filed-id")))
	id := text(t, ctx, "#filed-id")

	// the check now shows the default, its reporter and the amount with its currency
	do(t, ctx, chromedp.Navigate(base+"/console/check"), chromedp.SendKeys(chromedp.CSS("#idNumber"), applicant),
		chromedp.Click(chromedp.CSS("#check")), chromedp.WaitVisible(chromedp.CSS("#status-card")))
	if v, a, o := text(t, ctx, "#verdict"), text(t, ctx, "#active-defaults"), text(t, ctx, "#outstanding"); v != "在黑名单中" || a != "1" || !strings.Contains(o, "12,500.00 CNY") {
		t.Fatalf("after filing: %q %q %q", v, a, o)
	}

	// my filings lists it (and only it: Bank2's filing never shows), with
	// its amount and currency; settle it from the list, after confirming
	do(t, ctx, chromedp.Navigate(base+"/console/filings"), chromedp.WaitVisible(chromedp.CSS("#filings-table")))
	if rows := text(t, ctx, "#filings-table tbody"); !strings.Contains(rows, "12,500.00 CNY") || strings.Contains(rows, foreign[:12]) || strings.Count(rows, "有效") != 1 {
		t.Fatalf("my filings: %q", rows)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS(".filing-row details.settle summary")),
		chromedp.SendKeys(chromedp.CSS(".settle-form input[name=amount]"), "12500"),
		chromedp.Click(chromedp.CSS(".settle-form button")), chromedp.WaitVisible(chromedp.CSS("#confirm-form")))
	if q := text(t, ctx, "#question"); !strings.Contains(q, "12,500.00 CNY") {
		t.Fatalf("confirmation %q", q)
	}
	do(t, ctx, chromedp.Click(chromedp.CSS("#confirm")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if rows := text(t, ctx, "#filings-table tbody"); !strings.Contains(rows, "已结清") {
		t.Fatalf("after settling, the list shows %q", rows)
	}
	st, _, err := e.n.Lookup(context.Background(), e.clientOf("bank2-app"), "loan-approval", []string{e.subject(applicant)}, false)
	if err != nil || st[0].Listed || st[0].SettledRecords != 1 {
		t.Fatalf("after settling %s: %+v %v", id, st, err)
	}

	// another member's filing never shows among mine
	do(t, ctx, chromedp.Navigate(base+"/console/filings"), chromedp.SendKeys(chromedp.CSS("#idNumber"), other),
		chromedp.Click(chromedp.CSS("#search")), chromedp.WaitVisible(chromedp.CSS("#empty")))

	// a bank cannot reach the association's pages: the 403 page
	for _, p := range assocPages {
		do(t, ctx, chromedp.Navigate(base+p), chromedp.WaitVisible(chromedp.CSS("#problem")))
		if got := text(t, ctx, "#problem h2"); got != "无权执行此操作" {
			t.Fatalf("%s as a bank: %q", p, got)
		}
	}
}

func TestBrowserAlertArrivesLiveAndStaysWithItsMember(t *testing.T) {
	ctx := needBrowser(t)
	e := newEnv(t)
	base := e.served()
	signInAs(t, ctx, base, e.keys["bank2-app"])

	// Bank2 uploads its loan book (the page's script posts it with progress)
	book := filepath.Join(t.TempDir(), "book.csv")
	if err := os.WriteFile(book, []byte("idType,idNumber,label\ncn-ric,"+applicant+",cust-42\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	do(t, ctx, chromedp.Navigate(base+"/console/watchlist"), chromedp.SetUploadFiles(chromedp.CSS("#file"), []string{book}),
		chromedp.Click(chromedp.CSS("#upload")), chromedp.WaitVisible(chromedp.CSS("#flash")))
	if got := text(t, ctx, "#flash"); !strings.Contains(got, "导入 1 条") || !strings.Contains(text(t, ctx, "#watch-table"), "cust-42") {
		t.Fatalf("after the upload: %q", got)
	}

	do(t, ctx, chromedp.Navigate(base+"/console/alerts"), chromedp.WaitVisible(chromedp.CSS("#alerts-empty")))
	// the stream is open before anything is filed
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#live-status.on")))

	d := e.fileDefault("bank1-app", applicant, "LN-7")
	do(t, ctx, chromedp.WaitVisible(chromedp.CSS("#alert-rows .alert-row")))
	if got := text(t, ctx, "#alert-rows .alert-row"); !strings.Contains(got, "新增违约") || !strings.Contains(got, d[:12]) {
		t.Fatalf("live alert row %q", got)
	}

	// Bank1 sees none of Bank2's watchlist or alerts
	ctx1, cancel := chromedp.NewContext(browserCtx, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx1, cancelT := context.WithTimeout(ctx1, 90*time.Second)
	defer cancelT()
	signInAs(t, ctx1, base, e.keys["bank1-app"])
	do(t, ctx1, chromedp.Navigate(base+"/console/watchlist"), chromedp.WaitVisible(chromedp.CSS("#empty")),
		chromedp.Navigate(base+"/console/alerts"), chromedp.WaitVisible(chromedp.CSS("#alerts-empty")))
}
