package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/assoc-ledger/blacklist/gateway/problem"
	"io"
	"maps"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
)

// env is a real node (embedded ledger in a temp dir, demo consortium)
// behind the real gateway on a loopback HTTP server.
type env struct {
	t    testing.TB
	url  string
	h    http.Handler
	n    *node.Node
	keys map[string]string
}

func newEnv(t testing.TB, opts Options) *env { return newEnvWith(t, opts, node.Options{}) }

func newEnvWith(t testing.TB, opts Options, nopts node.Options) *env {
	dir := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: dir + "/ledger"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.OpenWith(dir, l, nopts)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := n.SetupDemo(context.Background(), dir, "http://test")
	if err != nil {
		t.Fatal(err)
	}
	h := New(n, opts)
	srv := httptest.NewServer(h)
	t.Cleanup(func() {
		srv.Close()
		n.Close()
		l.Close()
	})
	e := &env{t: t, url: srv.URL, h: h, n: n, keys: map[string]string{}}
	for _, c := range creds.Clients {
		e.keys[c.Name] = c.APIKey
	}
	return e
}

// call sends body (a string is sent as is) as client and decodes the answer.
func (e *env) call(method, path, client string, body any, out any) (int, http.Header) {
	e.t.Helper()
	var r io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		r = strings.NewReader(b)
	default:
		j, _ := json.Marshal(b)
		r = bytes.NewReader(j)
	}
	req, _ := http.NewRequest(method, e.url+path, r)
	if client != "" {
		req.Header.Set("Authorization", "Bearer "+e.keys[client])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode >= 400 && resp.Header.Get("Content-Type") != "application/problem+json" {
		e.t.Fatalf("%s %s: %d with content type %q", method, path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %d %s", method, path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode, resp.Header
}

// expect requires status, and for errors the problem type code.
func (e *env) expect(method, path, client string, body any, status int, code string) problem.Problem {
	e.t.Helper()
	var p problem.Problem
	var out any = &p
	got, _ := e.call(method, path, client, body, out)
	if got != status || (code != "" && p.Type != problem.TypePrefix+code) {
		e.t.Fatalf("%s %s as %q: got %d %s (%s), want %d %s", method, path, client, got, p.Type, p.Detail, status, code)
	}
	return p
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (e *env) subjectKey(id string) string {
	var out struct{ SubjectKey string }
	if st, _ := e.call("POST", "/v1/subject-keys", "bank1-app", map[string]string{"idType": "cn-ric", "idNumber": id}, &out); st != 200 {
		e.t.Fatalf("subject key: %d", st)
	}
	return out.SubjectKey
}

func defaultPayload(subject, loan string) map[string]any {
	now := time.Now().UTC()
	return map[string]any{"type": "default", "subject": subject, "loanRef": sha(loan), "product": "consumer",
		"amount": 1250000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -130).Format("2006-01-02"),
		"daysPastDue": 120, "noticeDate": now.AddDate(0, 0, -100).Format("2006-01-02")}
}

type statusOut struct {
	Listed         bool  `json:"listed"`
	ActiveDefaults int   `json:"activeDefaults"`
	SettledRecords int   `json:"settledRecords"`
	Disputed       bool  `json:"disputed"`
	AsOf           int64 `json:"asOf"`
}

// TestWalkthrough is the README's walkthrough through real HTTP: report a
// default, look it up from the other bank, settle it, look again, open and
// resolve a dispute, read the audit log.
func TestWalkthrough(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	subj := e.subjectKey("11010519491231002X")

	var sub submitResponse
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(subj, "L-1")}, &sub); st != 201 || sub.Status != "accepted" || sub.Height == 0 {
		t.Fatalf("report: %d %+v", st, sub)
	}
	var s statusOut
	if st, _ := e.call("GET", "/v1/subjects/"+subj+"?purpose=loan-approval", "bank2-app", nil, &s); st != 200 || !s.Listed || s.ActiveDefaults != 1 || s.AsOf < int64(sub.Height) {
		t.Fatalf("lookup by Bank2: %d %+v", st, s)
	}

	settle := map[string]any{"attestation": map[string]any{"type": "settlement", "subject": subj, "refersTo": sub.ID,
		"settledOn": time.Now().UTC().Format("2006-01-02"), "kind": "full", "amount": 1250000}}
	// Bank2 cannot settle Bank1's default: the ledger refuses it.
	p := e.expect("POST", "/v1/attestations", "bank2-app", settle, 403, "forbidden")
	if len(p.Items) != 1 || p.Items[0].Code != "forbidden" {
		t.Fatalf("items: %+v", p.Items)
	}
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", settle, &sub); st != 201 {
		t.Fatalf("settle: %d", st)
	}
	if st, _ := e.call("GET", "/v1/subjects/"+subj+"?purpose=post-loan", "bank2-app", nil, &s); st != 200 || s.Listed || s.SettledRecords != 1 {
		t.Fatalf("after settlement: %+v", s)
	}

	// A second default, disputed and resolved.
	var def submitResponse
	e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(subj, "L-2")}, &def)
	var d struct {
		ID, State string
	}
	if st, _ := e.call("POST", "/v1/disputes", "bank2-app", map[string]string{"attestationId": def.ID, "reasonCode": "not-mine", "statementDigest": sha("statement")}, &d); st != 201 || d.State != "open" {
		t.Fatalf("open dispute: %d %+v", st, d)
	}
	e.call("GET", "/v1/subjects/"+subj+"?purpose=dispute-handling", "bank1-app", nil, &s)
	if !s.Disputed || !s.Listed {
		t.Fatalf("disputed status: %+v", s)
	}
	e.expect("POST", "/v1/disputes/"+d.ID+"/resolve", "bank2-app", map[string]string{"outcome": "upheld", "note": "x"}, 403, "forbidden")
	if st, _ := e.call("POST", "/v1/disputes/"+d.ID+"/resolve", "bank1-app", map[string]string{"outcome": "upheld", "note": "our error"}, &d); st != 200 || d.State != "upheld" {
		t.Fatalf("resolve: %d %+v", st, d)
	}
	e.call("GET", "/v1/subjects/"+subj+"?purpose=loan-approval", "bank2-app", nil, &s)
	if s.Listed {
		t.Fatal("still listed after an upheld dispute")
	}
	var hist struct {
		Entries []struct{ State string }
	}
	if st, _ := e.call("GET", "/v1/subjects/"+subj+"/history?purpose=dispute-handling", "bank2-app", nil, &hist); st != 200 || len(hist.Entries) != 2 {
		t.Fatalf("history: %d %+v", st, hist)
	}

	// The audit log has one entry per lookup, with purpose and result.
	var audit struct{ Entries []node.AuditEntry }
	if st, _ := e.call("GET", "/v1/audit/queries?subject="+subj, "auditor", nil, &audit); st != 200 {
		t.Fatalf("audit: %d", st)
	}
	// The derivation of the subject key from the identity number first.
	if len(audit.Entries) == 0 || audit.Entries[0].Kind != "derive" || audit.Entries[0].Subject != subj {
		t.Fatalf("the derivation is not audited: %+v", audit.Entries)
	}
	audit.Entries = audit.Entries[1:]
	want := []string{"loan-approval", "post-loan", "dispute-handling", "loan-approval", "dispute-handling"}
	if len(audit.Entries) != len(want) {
		t.Fatalf("audit has %d lookup entries, want %d", len(audit.Entries), len(want))
	}
	for i, en := range audit.Entries {
		if en.Purpose != want[i] || en.Subject != subj {
			t.Errorf("audit %d = %+v, want purpose %s", i, en, want[i])
		}
	}
	if audit.Entries[4].Kind != "history" || audit.Entries[0].Kind != "status" {
		t.Errorf("audit kinds %s, %s", audit.Entries[0].Kind, audit.Entries[4].Kind)
	}
	if !audit.Entries[0].Listed || audit.Entries[0].Member != "Bank2MSP" || audit.Entries[0].Client != "bank2-app" {
		t.Errorf("first audit entry %+v", audit.Entries[0])
	}
	// A bank's querier is not an auditor.
	e.expect("GET", "/v1/audit/queries", "bank1-app", nil, 403, "forbidden")
	if n, err := e.n.VerifyAudit(); err != nil || n != 6 {
		t.Fatalf("audit chain: %d %v", n, err)
	}
}

// TestSignedAttestationsAndBatches covers bank-signed JWS: idempotent
// repeats, bad signatures, and per-item batch results.
func TestSignedAttestationsAndBatches(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	k, _ := attestation.GenerateKey()
	pub, _ := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	e.expect("POST", "/v1/members/Bank2MSP/keys", "bank1-app", map[string]string{"kid": "b1-hsm-1", "publicKey": pub}, 403, "forbidden")
	if st, _ := e.call("POST", "/v1/members/Bank1MSP/keys", "bank1-app", map[string]string{"kid": "b1-hsm-1", "publicKey": pub}, nil); st != 201 {
		t.Fatalf("register key: %d", st)
	}
	sign := func(loan string, key any) string {
		b, _ := json.Marshal(defaultPayload(sha("subject "+loan), loan))
		var p attestation.Payload
		json.Unmarshal(b, &p)
		p.V, p.Reporter, p.IssuedAt = 1, "Bank1MSP", time.Now().UTC().Add(-time.Minute).Format(time.RFC3339)
		jws, _, err := attestation.Sign(&p, k, "b1-hsm-1")
		if err != nil {
			t.Fatal(err)
		}
		return jws
	}
	jws := sign("A", k)
	var r submitResponse
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]string{"jws": jws}, &r); st != 201 {
		t.Fatalf("first: %d", st)
	}
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]string{"jws": jws}, &r); st != 200 || r.Status != "duplicate" {
		t.Fatalf("repeat: %d %+v", st, r)
	}
	var view struct {
		JWS   string `json:"jws"`
		State string `json:"state"`
	}
	if st, _ := e.call("GET", "/v1/attestations/"+r.ID+"?purpose=dispute-handling", "bank2-app", nil, &view); st != 200 || view.JWS != jws || view.State != "active" {
		t.Fatalf("get attestation: %d %+v", st, view)
	}
	e.expect("GET", "/v1/attestations/"+sha("nothing")+"?purpose=dispute-handling", "bank2-app", nil, 404, "not-found")
	e.expect("GET", "/v1/attestations/"+r.ID, "bank2-app", nil, 422, "bad-purpose")
	p := e.expect("POST", "/v1/attestations", "bank1-app", map[string]string{"jws": jws[:len(jws)-4] + "AAAA"}, 422, "rejected")
	if p.Items[0].Code != attestation.CodeBadSignature && p.Items[0].Code != attestation.CodeMalformed {
		t.Fatalf("bad signature item: %+v", p.Items)
	}
	e.expect("POST", "/v1/attestations", "bank1-app", map[string]string{"jws": "not-a-jws"}, 422, "rejected")
	e.expect("POST", "/v1/attestations", "bank2-app", map[string]string{"jws": sign("B", k)}, 422, "rejected")
	e.expect("POST", "/v1/attestations", "bank1-app", map[string]any{"jws": jws, "attestation": map[string]any{}}, 400, "malformed-request")

	var batch batchResponse
	items := []map[string]any{{"jws": sign("C", k)}, {"jws": "garbage"}, {"jws": jws}, {"attestation": defaultPayload(sha("s"), "D")}}
	if st, _ := e.call("POST", "/v1/attestations/batch", "bank1-app", map[string]any{"items": items}, &batch); st != 200 {
		t.Fatalf("batch: %d", st)
	}
	got := []string{}
	for _, it := range batch.Results {
		got = append(got, it.Status)
	}
	if strings.Join(got, ",") != "accepted,rejected,duplicate,accepted" || batch.Accepted != 2 || batch.Rejected != 1 || batch.Duplicates != 1 {
		t.Fatalf("batch results %v %+v", got, batch)
	}
	e.expect("POST", "/v1/attestations/batch", "bank1-app", map[string]any{"items": make([]map[string]string, MaxBatch+1)}, 422, "too-many-items")
	e.expect("POST", "/v1/attestations/batch", "bank1-app", map[string]any{"items": []any{}}, 422, "invalid-argument")
}

func TestLookups(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	listed := e.subjectKey("11010519491231002X")
	e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(listed, "L")}, nil)
	var out lookupResponse
	req := map[string]any{"purpose": "loan-approval", "subjects": []string{sha("a"), listed, sha("b")}}
	if st, _ := e.call("POST", "/v1/lookups", "bank2-app", req, &out); st != 200 || len(out.Results) != 3 || !out.Results[1].Listed || out.Results[0].Listed || out.Results[2].SubjectKey != sha("b") {
		t.Fatalf("lookup by keys: %d %+v", st, out)
	}
	ids := map[string]any{"purpose": "guarantor-check", "ids": []map[string]string{{"idType": "passport", "idNumber": "CHN E12345678"}, {"idType": "cn-ric", "idNumber": "11010519491231002x"}}}
	if st, _ := e.call("POST", "/v1/lookups", "bank2-app", ids, &out); st != 200 || out.Results[0].Listed || !out.Results[1].Listed {
		t.Fatalf("lookup by ids: %d %+v", st, out)
	}
	p := e.expect("POST", "/v1/lookups", "bank2-app", map[string]any{"purpose": "loan-approval", "ids": []map[string]string{{"idType": "cn-ric", "idNumber": "110105194912310021"}}}, 422, "invalid-argument")
	if len(p.Items) != 1 || strings.Contains(p.Detail+p.Items[0].Message, "110105194912310021") {
		t.Fatalf("bad id problem: %+v", p)
	}
	e.expect("POST", "/v1/lookups", "bank2-app", map[string]any{"purpose": "curiosity", "subjects": []string{listed}}, 422, "bad-purpose")
	e.expect("POST", "/v1/lookups", "bank2-app", map[string]any{"purpose": "loan-approval"}, 422, "invalid-argument")
	e.expect("POST", "/v1/lookups", "bank2-app", map[string]any{"purpose": "loan-approval", "subjects": make([]string, MaxLookup+1)}, 422, "too-many-items")
	e.expect("POST", "/v1/lookups", "bank2-app", map[string]any{"purpose": "loan-approval", "subjects": []string{"NOT-HEX"}}, 422, "invalid-argument")
	e.expect("GET", "/v1/subjects/"+listed, "bank2-app", nil, 422, "bad-purpose")
	// The embedded ledger has no peer to ask.
	e.expect("GET", "/v1/subjects/"+listed+"?purpose=post-loan&consistency=peer", "bank2-app", nil, 422, "invalid-argument")
	e.expect("GET", "/v1/subjects/"+listed+"?purpose=post-loan&consistency=eventual", "bank2-app", nil, 422, "invalid-argument")
	if st, _ := e.call("GET", "/v1/subjects/"+listed+"?purpose=post-loan&consistency=replica", "bank2-app", nil, nil); st != 200 {
		t.Fatalf("consistency=replica: %d", st)
	}

	// Every subject read is on record, the refused reads too: 6 subjects
	// answered, 2 derivations (and the refused one), and the refusals.
	var audit struct {
		Entries []node.AuditEntry
		Next    uint64
	}
	count := map[string]int{}
	for after := uint64(0); ; after = audit.Next {
		audit.Next = 0
		e.call("GET", fmt.Sprintf("/v1/audit/queries?member=Bank2MSP&after=%d", after), "assoc-admin", nil, &audit)
		for _, en := range audit.Entries {
			count[en.Kind+"/"+en.Outcome]++
		}
		if audit.Next == 0 {
			break
		}
	}
	want := map[string]int{"status/ok": 6, "derive/ok": 2, "derive/denied": 1,
		// curiosity, too many, not hex, no purpose; consistency=peer fails
		"status/denied": 1 + MaxLookup + 1 + 1 + 1, "status/error": 1}
	if !maps.Equal(count, want) {
		t.Fatalf("audit of Bank2's lookups: %v, want %v", count, want)
	}
}

// TestRefusals sends each route without a key and with a client lacking
// the role, and expects 401 and 403 problems.
func TestRefusals(t *testing.T) {
	// Every route is tried without credentials from one address: more
	// failures than the default budget allows.
	opts := DefaultOptions()
	opts.FailedAuthBurst = 1000
	e := newEnv(t, opts)
	routes := []struct {
		method, path string
		wrong        string // a client without the role
	}{
		{"POST", "/v1/members", "bank1-app"},
		{"POST", "/v1/members/Bank2MSP/suspend", "bank1-app"},
		{"POST", "/v1/members/Bank2MSP/reinstate", "bank2-app"},
		{"POST", "/v1/members/Bank2MSP/expel", "auditor"},
		{"POST", "/v1/members/Bank2MSP/keys", "bank1-app"},
		{"DELETE", "/v1/members/Bank2MSP/keys/k", "bank1-app"},
		{"PUT", "/v1/policy", "bank1-app"},
		{"POST", "/v1/subject-keys", "auditor"},
		{"POST", "/v1/attestations", "auditor"},
		{"POST", "/v1/attestations/batch", "auditor"},
		{"GET", "/v1/subjects/" + sha("x") + "?purpose=loan-approval", "assoc-admin"},
		{"GET", "/v1/subjects/" + sha("x") + "/history?purpose=loan-approval", "auditor"},
		{"POST", "/v1/lookups", "auditor"},
		{"POST", "/v1/disputes", "auditor"},
		{"POST", "/v1/disputes/" + sha("d") + "/resolve", "auditor"},
		{"GET", "/v1/audit/queries", "bank2-app"},
	}
	for _, r := range routes {
		e.expect(r.method, r.path, "", "{}", 401, "unauthenticated")
		e.expect(r.method, r.path, r.wrong, "{}", 403, "forbidden")
	}
	for _, get := range []string{"/v1/members", "/v1/members/Bank1MSP", "/v1/policy", "/v1/disputes", "/v1/attestations/" + sha("a")} {
		e.expect("GET", get, "", nil, 401, "unauthenticated")
	}
	e.keys["forged"] = "bl_forged"
	e.expect("GET", "/v1/members", "forged", nil, 401, "unauthenticated")
	e.expect("GET", "/v1/nothing", "bank1-app", nil, 404, "not-found")

	// Admin routes work for the association, and the ledger refuses what
	// the gateway lets through: a suspended bank cannot report.
	e.expect("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{}, 422, "invalid-argument")
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "audit"}, nil); st != 200 {
		t.Fatalf("suspend: %d", st)
	}
	e.expect("POST", "/v1/attestations", "bank2-app", map[string]any{"attestation": defaultPayload(sha("s"), "L")}, 403, "forbidden")
	e.expect("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "again"}, 409, "failed-precondition")
	var pol map[string]any
	e.call("GET", "/v1/policy", "bank1-app", nil, &pol)
	pol["minDaysPastDue"] = 60
	delete(pol, "updatedAt")
	if st, _ := e.call("PUT", "/v1/policy", "assoc-admin", pol, &pol); st != 200 || pol["minDaysPastDue"].(float64) != 60 {
		t.Fatalf("set policy: %d %v", st, pol)
	}
}

func TestMalformedAndLimits(t *testing.T) {
	opts := DefaultOptions()
	opts.MaxBodyBytes = 64 << 10
	e := newEnv(t, opts)
	e.expect("POST", "/v1/subject-keys", "bank1-app", `{"idType": "cn-ric", `, 400, "malformed-request")
	e.expect("POST", "/v1/subject-keys", "bank1-app", `{"idType":"cn-ric","idNumber":"11010519491231002X","name":"Zhang San"}`, 400, "malformed-request")
	e.expect("POST", "/v1/subject-keys", "bank1-app", `{"idType":"cn-ric","idNumber":"11010519491231002X"} {}`, 400, "malformed-request")
	e.expect("POST", "/v1/subject-keys", "bank1-app", `[1,2]`, 400, "malformed-request")
	p := e.expect("POST", "/v1/subject-keys", "bank1-app", `{"idType":"cn-ric","idNumber":"110105194912310021"}`, 422, "invalid-argument")
	if strings.Contains(p.Detail, "110105194912310021") {
		t.Fatal("the id number was echoed")
	}
	big := `{"purpose":"loan-approval","subjects":["` + strings.Repeat("a", 70<<10) + `"]}`
	e.expect("POST", "/v1/lookups", "bank2-app", big, 413, "payload-too-large")
	if _, h := e.call("DELETE", "/v1/policy", "bank1-app", nil, nil); h.Get("Allow") != "GET, PUT" {
		t.Fatalf("405 Allow header %q", h.Get("Allow"))
	}
	e.expect("DELETE", "/v1/policy", "bank1-app", nil, 405, "method-not-allowed")
	req, _ := http.NewRequest("GET", e.url+"/v1/policy", nil)
	req.Header.Set("Authorization", "bearer "+e.keys["bank1-app"])
	if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != 200 {
		t.Fatalf("lower-case bearer scheme: %v %v", resp.StatusCode, err)
	}
	if resp, err := http.Head(e.url + "/healthz"); err != nil || resp.StatusCode != 200 {
		t.Fatalf("HEAD /healthz: %v", err)
	}
}

func TestRateLimit(t *testing.T) {
	opts := DefaultOptions()
	opts.RatePerSecond, opts.Burst = 0.5, 3
	e := newEnv(t, opts)
	for i := 0; i < 3; i++ {
		if st, _ := e.call("GET", "/v1/policy", "bank1-app", nil, nil); st != 200 {
			t.Fatalf("request %d within burst: %d", i, st)
		}
	}
	st, h := e.call("GET", "/v1/policy", "bank1-app", nil, nil)
	if st != 429 || h.Get("Retry-After") == "" {
		t.Fatalf("over the limit: %d, Retry-After %q", st, h.Get("Retry-After"))
	}
	// Limits are per client: another bank is not slowed down.
	if st, _ := e.call("GET", "/v1/policy", "bank2-app", nil, nil); st != 200 {
		t.Fatalf("other client: %d", st)
	}
}

func TestHealthAndMetrics(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	var ready struct{ Height uint64 }
	if st, _ := e.call("GET", "/readyz", "", nil, &ready); st != 200 || ready.Height == 0 {
		t.Fatalf("readyz: %d %+v", st, ready)
	}
	e.call("GET", "/v1/subjects/"+sha("m")+"?purpose=post-loan", "bank1-app", nil, nil)
	resp, err := http.Get(e.url + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`blacklist_http_requests_total{route="/v1/subjects/:key",status="200"} 1`, "blacklist_ledger_height", `blacklist_lookups_total{purpose="post-loan"} 1`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	if strings.Contains(string(b), sha("m")) {
		t.Error("a subject key leaked into metrics")
	}
	// The lookup's audit entry is indexed behind the log: the gauge reads
	// a count (0 or 1 here, by the indexer's timing), never NaN.
	if !regexp.MustCompile(`(?m)^blacklist_audit_unindexed_entries [01]$`).Match(b) {
		t.Errorf("metrics lack the audit index gauge:\n%s", b)
	}
}
