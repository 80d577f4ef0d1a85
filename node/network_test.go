package node

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestParseOpsEndpointsRefusals(t *testing.T) {
	got, err := ParseOpsEndpoints([]string{"peer=http://127.0.0.3:7152/", " orderer0=https://127.0.0.2:7052"})
	if err != nil || len(got) != 2 || got[0] != (OpsEndpoint{"peer", "http://127.0.0.3:7152"}) || got[1].Name != "orderer0" {
		t.Fatalf("%+v %v", got, err)
	}
	for _, bad := range []string{"", "peer", "=http://h:1", "peer=h:1", "peer=file:///etc", "peer=http://h:1/healthz",
		"peer=http://h:1?x=1", "peer=http://u@h:1", "pe er=http://h:1", strings.Repeat("p", 65) + "=http://h:1"} {
		if _, err := ParseOpsEndpoints([]string{bad}); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if _, err := ParseOpsEndpoints([]string{"a=http://h:1", "a=http://h:2"}); err == nil {
		t.Error("a name twice accepted")
	}
}

// fakeOps is an operations service answering /healthz as Fabric does.
func fakeOps(t *testing.T, status int, body string) string {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/healthz" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_, _ = w.Write([]byte(body))
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestNetworkHealth: the association's administrator sees each
// configured process's /healthz (healthy, failing with its components,
// unreachable, not a health answer) and every organisation's latest
// cosignature; a bank's client is refused; an embedded node without
// endpoints has no network.
func TestNetworkHealth(t *testing.T) {
	ctx := context.Background()
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	bank := &Client{Name: "bank1-app", Member: DemoBank1, Roles: []string{RoleReporter, RoleQuerier}}

	plain, _, _ := logNode(t, Options{})
	if h, err := plain.NetworkHealth(ctx, admin); err != nil || h.Network || len(h.Processes) != 0 {
		t.Fatalf("embedded without endpoints: %+v %v", h, err)
	}

	gone := httptest.NewServer(http.NotFoundHandler())
	gone.Close()
	ops, err := ParseOpsEndpoints([]string{
		"peer=" + fakeOps(t, 200, `{"status":"OK","time":"2026-11-30T10:00:00Z"}`),
		"orderer0=" + fakeOps(t, 503, `{"status":"Service Unavailable","failed_checks":[{"component":"consensus","reason":"no leader"}]}`),
		"orderer1=" + gone.URL,
		"orderer2=" + fakeOps(t, 200, `<html>`),
	})
	if err != nil {
		t.Fatal(err)
	}
	n, _, _ := logNode(t, Options{LogCosignHeld: true, OpsEndpoints: ops})
	if _, err := n.NetworkHealth(ctx, bank); !isForbidden(err) {
		t.Fatalf("a bank's client: %v", err)
	}
	fileDefaults(t, n, 0, 2)
	size := caughtUp(t, n)
	if err := n.CosignCheckpoints(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := n.NetworkHealth(ctx, admin)
	if err != nil || !h.Network || len(h.Processes) != 4 {
		t.Fatalf("%+v %v", h, err)
	}
	p := map[string]ProcessHealth{}
	for _, x := range h.Processes {
		p[x.Name] = x
	}
	if !p["peer"].OK || p["peer"].Error != "" {
		t.Errorf("healthy peer: %+v", p["peer"])
	}
	if o := p["orderer0"]; o.OK || len(o.Failed) != 1 || o.Failed[0] != "consensus: no leader" {
		t.Errorf("failing orderer: %+v", o)
	}
	if o := p["orderer1"]; o.OK || o.Error == "" {
		t.Errorf("unreachable orderer: %+v", o)
	}
	if o := p["orderer2"]; o.OK || !strings.Contains(o.Error, "not a health answer") {
		t.Errorf("not a health answer: %+v", o)
	}
	// the embedded node cosigned for all three organisations at size
	if h.LogSize < size || len(h.Organisations) != 3 {
		t.Fatalf("organisations: %+v (log %d)", h.Organisations, h.LogSize)
	}
	for _, o := range h.Organisations {
		if o.Size != size || o.SignedAt == "" || o.Behind != h.LogSize-size {
			t.Errorf("%+v, want size %d", o, size)
		}
	}
}
