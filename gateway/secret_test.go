package gateway

import (
	"context"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers/gorillamux"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
)

// TestSecretUnavailable: a consortium member's node that has no secret yet
// answers every derivation from an identity number, and its readiness
// probe, with the secret-unavailable problem, as documented; requests by
// subject key are not refused for it.
func TestSecretUnavailable(t *testing.T) {
	dir := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		t.Fatal(err)
	}
	// The ledger was initialised without a key-check value: the node can
	// never tell the consortium's secret from another, so it has none.
	// Bank1 is an active member, so what refuses it is the secret alone.
	for _, tx := range []struct{ fn, arg string }{
		{"Init", `{"association":"AssocMSP","legalName":"Association"}`},
		{"AdmitMember", `{"mspId":"Bank1MSP","legalName":"Bank One","creditCode":"91350100M000100Y43","roles":["querier","reporter"],"keys":[]}`},
	} {
		if _, err := l.Submit(context.Background(), "AssocMSP", tx.fn, []byte(tx.arg)); err != nil {
			t.Fatalf("%s: %v", tx.fn, err)
		}
	}
	n, err := node.OpenWith(dir, l, node.Options{Secret: node.SecretOptions{Consortium: true, Member: "Bank1MSP", Poll: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Close()
		l.Close()
	})
	key, err := n.CreateClient("bank1-app", "Bank1MSP", []string{node.RoleQuerier, node.RoleReporter})
	if err != nil {
		t.Fatal(err)
	}
	// The node's first look at the ledger says why it has no secret.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(n.SecretState().Reason, "no subjectKeyCheck"); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("reason: %q", n.SecretState().Reason)
		}
	}
	doc := oaLoad(t)
	srv := httptest.NewServer(New(n, DefaultOptions()))
	t.Cleanup(srv.Close)
	doc.Servers = openapi3.Servers{{URL: srv.URL}}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatal(err)
	}
	e := &oaEnv{t: t, doc: doc, router: r, urls: map[string]string{"main": srv.URL}, keys: map[string]string{"b1": key},
		ledger: l, seen: map[string]map[int]bool{}}

	id := map[string]string{"idType": "cn-ric", "idNumber": "11010519491231002X"}
	problems := map[string][]byte{
		"subject-keys": e.oaCall("POST", "/v1/subject-keys", "b1", id, 503),
		"lookups":      e.oaCall("POST", "/v1/lookups", "b1", map[string]any{"purpose": "loan-approval", "ids": []any{id}}, 503),
		"import":       e.oaSend("main", "POST", "/v1/watchlist/import", "b1", "application/x-ndjson", []byte(`{"idType":"cn-ric","idNumber":"11010519491231002X"}`+"\n"), 503),
		"readyz":       e.oaCall("GET", "/readyz", "", nil, 503),
	}
	for name, body := range problems {
		if !strings.Contains(string(body), `"urn:blacklist:problem:secret-unavailable"`) || !strings.Contains(string(body), "no subjectKeyCheck") {
			t.Errorf("%s: %s", name, body)
		}
	}
	// A lookup by subject key needs no secret: it is answered.
	body := e.oaCall("POST", "/v1/lookups", "b1", map[string]any{"purpose": "loan-approval", "subjects": []string{oaSHA("s")}}, 200)
	if strings.Contains(string(body), "secret-unavailable") {
		t.Fatalf("a lookup by key refused for the secret: %s", body)
	}
}
