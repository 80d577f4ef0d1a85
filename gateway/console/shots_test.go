package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

// TestConsoleScreenshots writes a PNG of every page, in Chinese and in
// English, at 1280x800, into $CONSOLE_SHOTS (make console-shots: docs/console).
// It runs only when asked.
func TestConsoleScreenshots(t *testing.T) {
	dir := os.Getenv("CONSOLE_SHOTS")
	if dir == "" {
		t.Skip("set CONSOLE_SHOTS=dir (make console-shots) to write the screenshots")
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// the health page's network: a healthy peer and orderer, one orderer
	// reporting a failing component (stand-ins of their operations
	// services), the log cosigned for every organisation
	ops, err := node.ParseOpsEndpoints([]string{"peer=" + opsServer(t, 200, `{"status":"OK"}`), "orderer0=" + opsServer(t, 200, `{"status":"OK"}`),
		"orderer1=" + opsServer(t, 503, `{"status":"Service Unavailable","failed_checks":[{"component":"consensus","reason":"no leader"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, node.Options{OpsEndpoints: ops, LogCosignHeld: true, LogCheckpointInterval: -1})
	base := e.served()
	// something to show: defaults of both banks, a settlement, a dispute,
	// a watched borrower with an alert, and a burst of lookups
	d1 := e.fileDefault("bank1-app", applicant, "LN-2026-000123")
	e.fileDefault("bank2-app", other, "B2-2026-77")
	e.fileDefault("bank1-app", other, "LN-2026-000200")
	sum := sha256.Sum256([]byte("statement"))
	if _, _, err := e.n.OpenDispute(context.Background(), e.clientOf("bank2-app"), contract.OpenDisputeRequest{AttestationID: d1, ReasonCode: "already-paid", StatementDigest: hex.EncodeToString(sum[:])}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := e.n.Watch(context.Background(), e.clientOf("bank1-app"), e.subject(other), "cust-000042"); err != nil {
		t.Fatal(err)
	}
	keys := make([]string, 40)
	for i := range keys {
		keys[i] = e.subject(other)
	}
	if _, _, err := e.n.Lookup(context.Background(), e.clientOf("bank2-app"), "post-loan", keys, false); err != nil {
		t.Fatal(err)
	}
	if err := e.n.CountStatistics(); err != nil {
		t.Fatal(err)
	}
	if _, err := e.n.TransparencyLog().CatchUp(); err != nil {
		t.Fatal(err)
	}
	if err := e.n.CosignCheckpoints(context.Background()); err != nil {
		t.Fatal(err)
	}

	shot := func(ctx context.Context, name string) {
		t.Helper()
		png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, lang := range []string{"zh", "en"} {
		ctx := needBrowser(t)
		do(t, ctx, chromedp.Navigate(base+"/console/signin?lang="+lang), chromedp.WaitVisible(chromedp.CSS("#signin-form")))
		shot(ctx, "signin-"+lang)
		signInAs(t, ctx, base, e.keys["assoc-admin"])
		for _, p := range []string{"overview", "members", "policy", "queue", "audit", "health"} {
			do(t, ctx, chromedp.Navigate(base+"/console/"+p), chromedp.WaitVisible(chromedp.CSS("main h1")))
			shot(ctx, p+"-"+lang)
		}
		ctx = needBrowser(t)
		do(t, ctx, chromedp.Navigate(base+"/console/signin?lang="+lang))
		signInAs(t, ctx, base, e.keys["bank1-app"])
		do(t, ctx, chromedp.Navigate(base+"/console/check"), chromedp.SendKeys(chromedp.CSS("#idNumber"), applicant),
			chromedp.Click(chromedp.CSS("#check")), chromedp.WaitVisible(chromedp.CSS("#status-card")))
		shot(ctx, "check-"+lang)
		do(t, ctx, chromedp.Navigate(base+"/console/filings"), chromedp.WaitVisible(chromedp.CSS(".filing-row")))
		shot(ctx, "filings-"+lang)
		for _, p := range []string{"filings/new", "disputes", "watchlist", "alerts", "webhook"} {
			do(t, ctx, chromedp.Navigate(base+"/console/"+p), chromedp.WaitVisible(chromedp.CSS("main h1")))
			shot(ctx, filepath.Base(p)+"-"+lang)
		}
		do(t, ctx, chromedp.Navigate(base+"/console/members"), chromedp.WaitVisible(chromedp.CSS("#problem")))
		shot(ctx, "forbidden-"+lang)
	}
}
