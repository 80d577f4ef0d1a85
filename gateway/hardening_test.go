package gateway

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// A suspended member's clients get 403 on every /v1 route but reading
// their own member record; reinstated, they are served again.
func TestSuspendedMemberIsRefusedEverywhere(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	if st, _ := e.call("PUT", "/v1/watchlist/"+sha("w"), "bank2-app", nil, nil); st != 201 {
		t.Fatalf("watch before suspension: %d", st)
	}
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "audit"}, nil); st != 200 {
		t.Fatalf("suspend: %d", st)
	}
	fill := strings.NewReplacer(":msp", "Bank2MSP", ":kid", "k", ":key", sha("w"), ":id", sha("x"))
	routes := e.h.(*gin.Engine).Routes()
	tried := 0
	for _, r := range routes {
		if !strings.HasPrefix(r.Path, "/v1/") {
			continue
		}
		path := fill.Replace(r.Path)
		if r.Method == "GET" && r.Path == "/v1/members/:msp" {
			var m struct{ Status string }
			if st, _ := e.call("GET", path, "bank2-app", nil, &m); st != 200 || m.Status != "suspended" {
				t.Fatalf("a suspended member cannot read its own record: %d %+v", st, m)
			}
			continue
		}
		if strings.Contains(path, "?") {
			path += "&purpose=loan-approval"
		} else {
			path += "?purpose=loan-approval"
		}
		e.expect(r.Method, path, "bank2-app", "{}", 403, "forbidden")
		tried++
	}
	if tried < 25 {
		t.Fatalf("only %d routes tried", tried)
	}
	// The refused reads of subjects are on record.
	var audit struct{ Entries []node.AuditEntry }
	e.call("GET", "/v1/audit/queries?member=Bank2MSP", "assoc-admin", nil, &audit)
	denied := 0
	for _, en := range audit.Entries {
		if en.Outcome == node.OutcomeDenied {
			denied++
		}
	}
	if denied < 4 { // status, history, watch, attestation at least
		t.Fatalf("%d denied reads audited: %+v", denied, audit.Entries)
	}
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/reinstate", "assoc-admin", map[string]string{"reason": "done"}, nil); st != 200 {
		t.Fatalf("reinstate: %d", st)
	}
	for _, path := range []string{"/v1/alerts", "/v1/subjects/" + sha("w") + "?purpose=post-loan"} {
		if st, _ := e.call("GET", path, "bank2-app", nil, nil); st != 200 {
			t.Fatalf("GET %s after reinstatement: %d", path, st)
		}
	}
}

// No alert is raised for a suspended member: a default filed on its
// watched subject while it is out never reaches it, and alerts resume
// once it is reinstated.
func TestNoAlertsWhileSuspended(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	during, after := sha("filed-during"), sha("filed-after")
	for _, k := range []string{during, after} {
		for _, c := range []string{"bank1-app", "bank2-app"} {
			if st, _ := e.call("PUT", "/v1/watchlist/"+k, c, nil, nil); st != 201 {
				t.Fatalf("watch: %d", st)
			}
		}
	}
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "audit"}, nil); st != 200 {
		t.Fatalf("suspend: %d", st)
	}
	e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(during, "L1")}, nil)
	// Bank1 (active) is alerted by the same pass of the monitor that
	// skipped Bank2.
	waitAlerts(t, e, "bank1-app", 1)
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/reinstate", "assoc-admin", map[string]string{"reason": "ok"}, nil); st != 200 {
		t.Fatalf("reinstate: %d", st)
	}
	e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(after, "L2")}, nil)
	got := waitAlerts(t, e, "bank2-app", 1)
	if got[0].SubjectKey != after {
		t.Fatalf("Bank2's alerts: %+v", got)
	}
	waitAlerts(t, e, "bank1-app", 2)
	if again := waitAlerts(t, e, "bank2-app", 1); len(again) != 1 {
		t.Fatalf("Bank2 was alerted of the default filed while it was suspended: %+v", again)
	}
}

type alertOut struct {
	ID, Kind, SubjectKey string
}

// waitAlerts polls until client has n alerts and returns them.
func waitAlerts(t *testing.T, e *env, client string, n int) []alertOut {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		var page struct{ Alerts []alertOut }
		e.call("GET", "/v1/alerts", client, nil, &page)
		if len(page.Alerts) >= n {
			return page.Alerts
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s has %d alerts, want %d", client, len(page.Alerts), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Failed authentications from one address are budgeted: past the burst,
// the address gets 429 before any key is checked, until the budget
// refills.
func TestFailedAuthenticationIsLimitedPerAddress(t *testing.T) {
	var mu sync.Mutex
	now := time.Unix(1_800_000_000, 0)
	opts := DefaultOptions()
	opts.FailedAuthPerMinute, opts.FailedAuthBurst = 6, 3
	opts.now = func() time.Time { mu.Lock(); defer mu.Unlock(); return now }
	e := newEnv(t, opts)
	e.keys["guess"] = "bl_guess"
	for i := 0; i < 3; i++ {
		e.expect("GET", "/v1/members", "guess", nil, 401, "unauthenticated")
	}
	e.expect("GET", "/v1/members", "guess", nil, 429, "rate-limited")
	// The right key from that address waits too: nothing is checked.
	e.expect("GET", "/v1/members", "bank1-app", nil, 429, "rate-limited")
	_, h := e.call("GET", "/v1/members", "guess", nil, nil)
	if h.Get("Retry-After") == "" {
		t.Fatal("no Retry-After")
	}
	mu.Lock()
	now = now.Add(10 * time.Second) // one failure's worth at 6 a minute
	mu.Unlock()
	// Successes cost nothing.
	for i := 0; i < 5; i++ {
		if st, _ := e.call("GET", "/v1/members", "bank1-app", nil, nil); st != 200 {
			t.Fatalf("after the budget refilled: %d", st)
		}
	}
}

// One client holds at most MaxStreamsPerClient alert streams.
func TestAlertStreamsPerClientAreCapped(t *testing.T) {
	opts := DefaultOptions()
	opts.MaxStreamsPerClient = 2
	e := newEnv(t, opts)
	a, b := e.stream("bank1-app", ""), e.stream("bank1-app", "")
	defer b.resp.Body.Close()
	e.expect("GET", "/v1/alerts/stream", "bank1-app", nil, 429, "rate-limited")
	// Another client is not affected.
	c := e.stream("bank2-app", "")
	c.resp.Body.Close()
	// Closing one frees its place (once the server sees it gone).
	a.resp.Body.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		req, _ := http.NewRequest("GET", e.url+"/v1/alerts/stream", nil)
		req.Header.Set("Authorization", "Bearer "+e.keys["bank1-app"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("a closed stream's place was never freed: %d", resp.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Alerts raised before a suspension and not yet delivered are held while
// the member is out, and delivered once it is reinstated: nothing is lost.
func TestWebhookHeldWhileSuspended(t *testing.T) {
	e := newEnvWith(t, DefaultOptions(), node.Options{WebhookMinBackoff: 10 * time.Millisecond,
		WebhookMaxBackoff: 50 * time.Millisecond, WebhookDestinations: webhooktest.Loopback()})
	rcv := webhooktest.New("a-webhook-secret-of-bank-two")
	defer rcv.Close()
	if st, _ := e.call("PUT", "/v1/webhook", "bank2-app", map[string]string{"url": rcv.URL, "secret": rcv.Secret}, nil); st != 200 {
		t.Fatalf("webhook: %d", st)
	}
	s := sha("held")
	e.call("PUT", "/v1/watchlist/"+s, "bank2-app", nil, nil)
	rcv.SetDown(true)
	e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(s, "L")}, nil)
	waitAlerts(t, e, "bank2-app", 1)
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "audit"}, nil); st != 200 {
		t.Fatalf("suspend: %d", st)
	}
	rcv.SetDown(false)
	deadline := time.Now().Add(20 * time.Second)
	for {
		hooks, _ := e.n.WebhookStatuses()
		if len(hooks) == 1 && hooks[0].Held {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("delivery never held: %+v", hooks)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if got, _ := rcv.Alerts(); len(got) != 0 {
		t.Fatalf("delivered to a suspended member: %+v", got)
	}
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/reinstate", "assoc-admin", map[string]string{"reason": "ok"}, nil); st != 200 {
		t.Fatalf("reinstate: %d", st)
	}
	got, err := rcv.WaitFor(1, 20*time.Second)
	if err != nil || got[0].SubjectKey != s {
		t.Fatalf("held alert after reinstatement: %+v %v", got, err)
	}
}

// A node-signed attestation that names another member as reporter is
// forbidden (403), not a conflict: a member files only its own.
func TestReporterOfAnotherMemberIsForbidden(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	p := defaultPayload(sha("s"), "L")
	p["reporter"] = "Bank2MSP"
	pr := e.expect("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": p}, 403, "forbidden")
	if len(pr.Items) != 1 || pr.Items[0].Code != "forbidden" {
		t.Fatalf("problem items: %+v", pr.Items)
	}
	var batch batchResponse
	e.call("POST", "/v1/attestations/batch", "bank1-app", map[string]any{"items": []any{map[string]any{"attestation": p}}}, &batch)
	if batch.Rejected != 1 || batch.Results[0].Code != "forbidden" || batch.TxID != "" || batch.Height == 0 {
		t.Fatalf("batch: %+v", batch)
	}
}

// The audit routes: without credentials 401; a bank's querier 403; a
// bank's own auditor reads and exports only its own member's log (403 for
// another's), and may read any member's anchors (they hold no personal
// data); the association's auditor reads any member's.
func TestAuditRoutesRefusals(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	key, err := e.n.CreateClient("bank1-auditor", "Bank1MSP", []string{node.RoleAuditor})
	if err != nil {
		t.Fatal(err)
	}
	e.keys["bank1-auditor"] = key
	for _, path := range []string{"/v1/audit/queries", "/v1/audit/log", "/v1/audit/anchors"} {
		e.expect("GET", path, "", nil, 401, "unauthenticated")
		e.expect("GET", path, "bank1-app", nil, 403, "forbidden")
	}
	e.expect("GET", "/v1/audit/log?member=Bank2MSP", "bank1-auditor", nil, 403, "forbidden")
	e.expect("GET", "/v1/audit/queries?member=Bank2MSP", "bank1-auditor", nil, 403, "forbidden")
	for _, ok := range []struct{ path, client string }{
		{"/v1/audit/log", "bank1-auditor"},
		{"/v1/audit/anchors?member=Bank2MSP", "bank1-auditor"},
		{"/v1/audit/log?member=Bank2MSP", "auditor"},
	} {
		resp, err := http.DefaultClient.Do(func() *http.Request {
			r, _ := http.NewRequest("GET", e.url+ok.path, nil)
			r.Header.Set("Authorization", "Bearer "+e.keys[ok.client])
			return r
		}())
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("GET %s as %s: %d", ok.path, ok.client, resp.StatusCode)
		}
	}
}
