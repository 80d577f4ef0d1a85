package console

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/assoc-ledger/blacklist/node"
)

// opsServer answers /healthz as a Fabric process's operations service.
func opsServer(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// networkEnv is a node with a healthy peer and a failing orderer
// configured, that cosigned the log for every organisation.
func networkEnv(t *testing.T) *env {
	ops, err := node.ParseOpsEndpoints([]string{"peer=" + opsServer(t, 200, `{"status":"OK"}`),
		"orderer0=" + opsServer(t, 503, `{"status":"Service Unavailable","failed_checks":[{"component":"consensus","reason":"no leader"}]}`)})
	if err != nil {
		t.Fatal(err)
	}
	e := newEnvWith(t, node.Options{OpsEndpoints: ops, LogCosignHeld: true, LogCheckpointInterval: -1})
	e.fileDefault("bank1-app", applicant, "LN-1")
	if _, err := e.n.TransparencyLog().CatchUp(); err != nil {
		t.Fatal(err)
	}
	if err := e.n.CosignCheckpoints(context.Background()); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestHealthPageShowsTheNetwork(t *testing.T) {
	// embedded, no endpoints: no network
	b := newEnv(t).browser()
	b.signIn("assoc-admin")
	if code, page := b.get("/console/health?lang=en"); code != http.StatusOK || !strings.Contains(page, `id="no-network"`) || strings.Contains(page, `id="processes"`) {
		t.Fatalf("embedded: %d", code)
	}

	e := networkEnv(t)
	b = e.browser()
	b.signIn("assoc-admin")
	code, page := b.get("/console/health?lang=en")
	if code != http.StatusOK || strings.Contains(page, `id="no-network"`) {
		t.Fatalf("with endpoints: %d", code)
	}
	peer := between(page, `id="process-peer"`, `</tr>`)
	orderer := between(page, `id="process-orderer0"`, `</tr>`)
	if !strings.Contains(peer, "Healthy") || !strings.Contains(orderer, "Unhealthy") || !strings.Contains(orderer, "consensus: no leader") {
		t.Fatalf("processes: %q %q", peer, orderer)
	}
	for _, m := range []string{node.DemoAssociation, node.DemoBank1, node.DemoBank2} {
		if row := between(page, `id="org-`+m+`"`, `</tr>`); !strings.Contains(row, `class="num size">`) || strings.Contains(row, "none since") {
			t.Errorf("%s: %q", m, row)
		}
	}
	// a bank has no health page
	bank := e.browser()
	bank.signIn("bank1-app")
	if code, _ := bank.get("/console/health"); code != http.StatusForbidden {
		t.Fatalf("a bank: %d", code)
	}
}

func TestBrowserHealthPageShowsTheNetwork(t *testing.T) {
	ctx := needBrowser(t)
	e := networkEnv(t)
	base := e.served()
	signInAs(t, ctx, base, e.keys["assoc-admin"])
	do(t, ctx, chromedp.Navigate(base+"/console/health"), chromedp.WaitVisible(chromedp.CSS("#processes")))
	if got := text(t, ctx, "#process-peer .health"); got != "正常" {
		t.Fatalf("peer %q", got)
	}
	if got := text(t, ctx, "#process-orderer0"); !strings.Contains(got, "异常") || !strings.Contains(got, "no leader") {
		t.Fatalf("orderer %q", got)
	}
	if got := text(t, ctx, "#organisations"); !strings.Contains(got, node.DemoBank2) {
		t.Fatalf("organisations %q", got)
	}
}
