package gateway

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/gorillamux"
	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/docs"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// The tests in this file keep docs/openapi.yaml honest: it must be a valid
// OpenAPI document, describe exactly the routes the gin engine serves, and
// every answer the real gateway gives in a realistic session must validate
// against it.

// oaPublic are the routes served without credentials.
var oaPublic = []string{"GET /healthz", "HEAD /healthz", "GET /readyz", "HEAD /readyz", "GET /metrics", "GET /openapi.yaml"}

// oaLoad parses and validates docs/openapi.yaml.
func oaLoad(t testing.TB) *openapi3.T {
	t.Helper()
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(docs.OpenAPI)
	if err != nil {
		t.Fatalf("docs/openapi.yaml does not load: %v", err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatalf("docs/openapi.yaml is not a valid OpenAPI document: %v", err)
	}
	return doc
}

// oaOperations lists the document's operations as "METHOD /path".
func oaOperations(doc *openapi3.T) map[string]*openapi3.Operation {
	ops := map[string]*openapi3.Operation{}
	for path, item := range doc.Paths.Map() {
		for method, op := range item.Operations() {
			ops[method+" "+path] = op
		}
	}
	return ops
}

var oaGinParam = regexp.MustCompile(`[:*]([A-Za-z0-9_]+)`)

// oaEngineRoutes lists the routes registered on the engine, with gin's
// :param written as OpenAPI's {param}.
func oaEngineRoutes(t testing.TB, h http.Handler) map[string]bool {
	t.Helper()
	eng, ok := h.(*gin.Engine)
	if !ok {
		t.Fatalf("New returned a %T, not a *gin.Engine", h)
	}
	out := map[string]bool{}
	for _, r := range eng.Routes() {
		out[r.Method+" "+oaGinParam.ReplaceAllString(r.Path, "{$1}")] = true
	}
	return out
}

// oaNode opens a real node on an embedded ledger in a temp dir, with the
// demo consortium, and returns it with the demo clients' API keys.
func oaNode(t testing.TB) (*node.Node, *embedded.Ledger, map[string]string) {
	t.Helper()
	dir := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: dir + "/ledger"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.OpenWith(dir, l, node.Options{WebhookDestinations: webhooktest.Loopback(), LogCosignHeld: true, LogCheckpointInterval: -1})
	if err != nil {
		l.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() {
		n.Close()
		l.Close()
	})
	creds, err := n.SetupDemo(context.Background(), dir, "http://test")
	if err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{"forged": "bl_forged-key"}
	for _, c := range creds.Clients {
		keys[c.Name] = c.APIKey
	}
	return n, l, keys
}

func TestOpenAPIDocumentIsValid(t *testing.T) {
	doc := oaLoad(t)
	if doc.OpenAPI != "3.0.3" {
		t.Errorf("openapi: %q, want 3.0.3", doc.OpenAPI)
	}
	if _, ok := doc.Components.SecuritySchemes["bearerAuth"]; !ok {
		t.Fatal("no bearerAuth security scheme")
	}
	if len(doc.Security) != 1 || doc.Security[0]["bearerAuth"] == nil {
		t.Errorf("the document's default security is %v, want bearerAuth", doc.Security)
	}
	for key, op := range oaOperations(doc) {
		public := slices.Contains(oaPublic, key)
		switch {
		case public && (op.Security == nil || len(*op.Security) != 0):
			t.Errorf("%s: a public route must have `security: []`", key)
		case !public && op.Security != nil:
			t.Errorf("%s: must use the default bearerAuth security", key)
		}
		if op.OperationID == "" || op.Description == "" {
			t.Errorf("%s: needs an operationId and a description", key)
		}
		for code, ref := range op.Responses.Map() {
			if code[0] != '4' && code[0] != '5' {
				continue
			}
			if len(ref.Value.Content) != 1 || ref.Value.Content.Get("application/problem+json") == nil {
				t.Errorf("%s %s: an error must be application/problem+json only", key, code)
			}
		}
		if !public {
			for _, code := range []int{401, 429, 500} {
				if op.Responses.Status(code) == nil {
					t.Errorf("%s: %d is not documented", key, code)
				}
			}
		}
	}
	if ra := doc.Components.Responses["RateLimited"]; ra == nil || ra.Value.Headers["Retry-After"] == nil || !ra.Value.Headers["Retry-After"].Value.Required {
		t.Error("429 must document a required Retry-After header")
	}
}

// TestOpenAPIRoutes fails when the engine serves a route the document does
// not describe, or the document describes one the engine does not serve.
func TestOpenAPIRoutes(t *testing.T) {
	doc := oaLoad(t)
	n, _, _ := oaNode(t)
	served := oaEngineRoutes(t, New(n, DefaultOptions()))
	documented := oaOperations(doc)
	var missing, extra []string
	for r := range served {
		if documented[r] == nil {
			missing = append(missing, r)
		}
	}
	for r := range documented {
		if !served[r] {
			extra = append(extra, r)
		}
	}
	slices.Sort(missing)
	slices.Sort(extra)
	if len(missing) > 0 {
		t.Errorf("routes served but missing from docs/openapi.yaml:\n  %s", strings.Join(missing, "\n  "))
	}
	if len(extra) > 0 {
		t.Errorf("operations in docs/openapi.yaml that the engine does not serve:\n  %s", strings.Join(extra, "\n  "))
	}
	if len(served) < 25 {
		t.Errorf("only %d routes served; is the engine built?", len(served))
	}
}

// oaEnv is a real node behind the real gateway, twice: "main" with the
// default options and "tight" with a tiny body limit and rate, to provoke
// 413 and 429. Every answer is validated against the document.
type oaEnv struct {
	t      *testing.T
	doc    *openapi3.T
	router routers.Router
	urls   map[string]string
	keys   map[string]string
	ledger *embedded.Ledger
	n      *node.Node
	seen   map[string]map[int]bool // "METHOD /template" -> statuses answered
}

func oaServer(t *testing.T) *oaEnv {
	t.Helper()
	doc := oaLoad(t)
	n, l, keys := oaNode(t)
	tight := DefaultOptions()
	tight.MaxBodyBytes, tight.RatePerSecond, tight.Burst = 1024, 0.001, 1
	e := &oaEnv{t: t, doc: doc, urls: map[string]string{}, keys: keys, ledger: l, n: n, seen: map[string]map[int]bool{}}
	// The document names the default listen address; route the test
	// servers' URLs instead.
	doc.Servers = nil
	main := DefaultOptions()
	main.FailedAuthBurst = 1000 // every route is tried without credentials
	for name, opts := range map[string]Options{"main": main, "tight": tight} {
		srv := httptest.NewServer(New(n, opts))
		t.Cleanup(srv.Close)
		e.urls[name] = srv.URL
		doc.Servers = append(doc.Servers, &openapi3.Server{URL: srv.URL})
	}
	r, err := gorillamux.NewRouter(doc)
	if err != nil {
		t.Fatalf("router on docs/openapi.yaml: %v", err)
	}
	e.router = r
	return e
}

// oaBody renders a request body: nil is none, a string is sent as is.
func oaBody(body any) []byte {
	switch b := body.(type) {
	case nil:
		return nil
	case string:
		return []byte(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			panic(err)
		}
		return j
	}
}

func oaShort(b []byte) string {
	if len(b) > 600 {
		return string(b[:600]) + "..."
	}
	return string(b)
}

// oaCall sends a request to the main server and returns the raw answer.
func (e *oaEnv) oaCall(method, path, client string, body any, want int) []byte {
	e.t.Helper()
	return e.oaCallOn("main", method, path, client, body, want)
}

// oaCallOn sends a request as client ("" for none) and checks the status.
// The answer must validate against the document's operation for the
// request (status, headers, content type, body); a request expected to
// succeed must validate too.
func (e *oaEnv) oaCallOn(server, method, path, client string, body any, want int) []byte {
	e.t.Helper()
	return e.oaSend(server, method, path, client, "application/json", oaBody(body), want)
}

// oaSend is oaCallOn with a body of any content type.
func (e *oaEnv) oaSend(server, method, path, client, contentType string, reqBody []byte, want int) []byte {
	e.t.Helper()
	newReq := func() *http.Request {
		var r io.Reader
		if reqBody != nil {
			r = bytes.NewReader(reqBody)
		}
		req, err := http.NewRequest(method, e.urls[server]+path, r)
		if err != nil {
			e.t.Fatal(err)
		}
		if reqBody != nil {
			req.Header.Set("Content-Type", contentType)
		}
		if client != "" {
			req.Header.Set("Authorization", "Bearer "+e.keys[client])
		}
		return req
	}
	resp, err := http.DefaultClient.Do(newReq())
	if err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		e.t.Fatalf("%s %s: reading the answer: %v", method, path, err)
	}
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s as %q: status %d, want %d: %s", method, path, client, resp.StatusCode, want, oaShort(raw))
	}
	e.oaValidate(newReq(), reqBody, resp, raw)
	return raw
}

// oaValidate checks a request expected to succeed, and its answer (with
// the body read, raw), against the document.
func (e *oaEnv) oaValidate(req *http.Request, reqBody []byte, resp *http.Response, raw []byte) {
	e.t.Helper()
	method, path, want := req.Method, req.URL.Path, resp.StatusCode
	route, params, err := e.router.FindRoute(req)
	if err != nil {
		e.t.Errorf("%s %s: no operation in docs/openapi.yaml: %v", method, path, err)
		return
	}
	op := route.Method + " " + route.Path
	if e.seen[op] == nil {
		e.seen[op] = map[int]bool{}
	}
	e.seen[op][resp.StatusCode] = true
	in := &openapi3filter.RequestValidationInput{Request: req, PathParams: params, Route: route,
		Options: &openapi3filter.Options{AuthenticationFunc: openapi3filter.NoopAuthenticationFunc, MultiError: true}}
	if want < 400 {
		if err := openapi3filter.ValidateRequest(context.Background(), in); err != nil {
			e.t.Errorf("%s %s (%s): the request does not match docs/openapi.yaml: %v\nrequest: %s", method, path, op, err, oaShort(reqBody))
		}
	}
	out := &openapi3filter.ResponseValidationInput{RequestValidationInput: in, Status: resp.StatusCode, Header: resp.Header,
		Body: io.NopCloser(bytes.NewReader(raw)), Options: &openapi3filter.Options{IncludeResponseStatus: true, MultiError: true}}
	if err := openapi3filter.ValidateResponse(context.Background(), out); err != nil {
		e.t.Errorf("%s %s (%s) answered %d %s that does not match docs/openapi.yaml: %v\nanswer: %s",
			method, path, op, resp.StatusCode, resp.Header.Get("Content-Type"), err, oaShort(raw))
	}
}

// oaProblem checks an answer outside any documented operation (an unknown
// path or method) against the Problem schema.
func (e *oaEnv) oaProblem(method, path, client string, want int, code string) {
	e.t.Helper()
	req, _ := http.NewRequest(method, e.urls["main"]+path, nil)
	req.Header.Set("Authorization", "Bearer "+e.keys[client])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	raw, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != want || resp.Header.Get("Content-Type") != "application/problem+json" {
		e.t.Fatalf("%s %s: %d %s, want %d application/problem+json", method, path, resp.StatusCode, resp.Header.Get("Content-Type"), want)
	}
	var v any
	if err := json.Unmarshal(raw, &v); err != nil {
		e.t.Fatalf("%s %s: %v", method, path, err)
	}
	if err := e.doc.Components.Schemas["Problem"].Value.VisitJSON(v, openapi3.VisitAsResponse()); err != nil {
		e.t.Errorf("%s %s: the problem does not match the Problem schema: %v\n%s", method, path, err, raw)
	}
	if got := v.(map[string]any)["type"]; got != "urn:blacklist:problem:"+code {
		e.t.Errorf("%s %s: type %v, want %s", method, path, got, code)
	}
}

func oaDecode(t testing.TB, raw []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("decoding %s: %v", oaShort(raw), err)
	}
}

func oaSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

const oaDate = "2006-01-02"

// oaDefault is a default payload for the node to sign: 120 days past due
// since 130 days ago, noticed 100 days ago.
func oaDefault(subject, loan string) map[string]any {
	now := time.Now().UTC()
	return map[string]any{"type": "default", "subject": subject, "loanRef": oaSHA(loan), "product": "consumer",
		"amount": 1250000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -130).Format(oaDate),
		"daysPastDue": 120, "noticeDate": now.AddDate(0, 0, -100).Format(oaDate)}
}

// oaPublicKey is a fresh ES256 public key, PEM.
func oaPublicKey(t testing.TB) string {
	t.Helper()
	k, err := attestation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return pub
}

// oaCreditCode completes 17 characters with the check character.
func oaCreditCode(t testing.TB, first17 string) string {
	t.Helper()
	for _, c := range "0123456789ABCDEFGHJKLMNPQRTUWXY" {
		if code := first17 + string(c); contract.CheckCreditCode(code) == nil {
			return code
		}
	}
	t.Fatalf("no check character completes %s", first17)
	return ""
}

// oaFill puts placeholder values in a path template.
func oaFill(template string) string {
	r := strings.NewReplacer("{msp}", "Bank1MSP", "{kid}", "k-1", "{id}", oaSHA("id"), "{key}", oaSHA("key"))
	return r.Replace(template)
}

type oaSubmit struct {
	ID     string `json:"id"`
	Status string `json:"status"`
}

// TestOpenAPIResponses drives a realistic session through every route,
// with the successes and the refusals a bank integrator will meet, and
// validates every answer against docs/openapi.yaml.
func TestOpenAPIResponses(t *testing.T) {
	e := oaServer(t)
	const (
		b1, b2, admin, auditor = "bank1-app", "bank2-app", "assoc-admin", "auditor"
	)
	today := time.Now().UTC().Format(oaDate)

	// Probes and the document itself, without credentials.
	e.oaCall("GET", "/healthz", "", nil, 200)
	e.oaCall("HEAD", "/healthz", "", nil, 200)
	e.oaCall("GET", "/readyz", "", nil, 200)
	e.oaCall("HEAD", "/readyz", "", nil, 200)
	e.oaCall("GET", "/metrics", "", nil, 200)
	if got := e.oaCall("GET", "/openapi.yaml", "", nil, 200); !bytes.Equal(got, docs.OpenAPI) {
		t.Error("GET /openapi.yaml does not serve docs/openapi.yaml")
	}

	// Every authenticated operation refuses a missing or unknown key.
	ops := oaOperations(e.doc)
	var keys []string
	for k := range ops {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		if slices.Contains(oaPublic, k) {
			continue
		}
		method, template, _ := strings.Cut(k, " ")
		path := oaFill(template)
		if strings.HasPrefix(template, "/v1/subjects/") {
			path += "?purpose=loan-approval"
		}
		e.oaCall(method, path, "", "{}", 401)
		e.oaCall(method, path, "forged", "{}", 401)
	}

	// Members.
	var members struct{ Members []contract.Member }
	oaDecode(t, e.oaCall("GET", "/v1/members", b1, nil, 200), &members)
	if len(members.Members) != 3 {
		t.Errorf("%d members, want the association and two banks", len(members.Members))
	}
	e.oaCall("GET", "/v1/members/Bank2MSP", b1, nil, 200)
	e.oaCall("GET", "/v1/members/AssocMSP", auditor, nil, 200)
	e.oaCall("GET", "/v1/members/Bank9MSP", b1, nil, 404)

	admit := map[string]any{"mspId": "Bank3MSP", "legalName": "Demo Bank Three", "creditCode": oaCreditCode(t, "91310000MA1FL0000"),
		"roles": []string{"reporter", "querier"}, "keys": []map[string]string{{"kid": "Bank3MSP-1", "publicKey": oaPublicKey(t)}}}
	e.oaCall("POST", "/v1/members", admin, admit, 201)
	e.oaCall("POST", "/v1/members", admin, admit, 409)
	e.oaCall("POST", "/v1/members", b1, admit, 403)
	e.oaCall("POST", "/v1/members", admin, `{"mspId": "Bank4MSP",`, 400)
	e.oaCall("POST", "/v1/members", admin, map[string]any{"mspId": "Bank4MSP", "bank": true}, 400)
	e.oaCall("POST", "/v1/members", admin, map[string]any{"mspId": "Bank4MSP", "legalName": "Demo Bank Four",
		"creditCode": oaCreditCode(t, "91310000MA1FL0001"), "roles": []string{"admin"}}, 422)

	reason := map[string]string{"reason": "Membership fees unpaid"}
	e.oaCall("POST", "/v1/members/Bank3MSP/suspend", admin, reason, 200)
	e.oaCall("POST", "/v1/members/Bank3MSP/suspend", admin, reason, 409)
	e.oaCall("POST", "/v1/members/Bank3MSP/suspend", admin, map[string]string{}, 422)
	e.oaCall("POST", "/v1/members/Bank9MSP/suspend", admin, reason, 404)
	e.oaCall("POST", "/v1/members/AssocMSP/suspend", admin, reason, 403)
	e.oaCall("POST", "/v1/members/Bank2MSP/suspend", b1, reason, 403)
	e.oaCall("POST", "/v1/members/Bank3MSP/reinstate", admin, map[string]string{"reason": "Fees paid"}, 200)
	e.oaCall("POST", "/v1/members/Bank3MSP/reinstate", admin, map[string]string{"reason": "Fees paid"}, 409)
	e.oaCall("POST", "/v1/members/Bank3MSP/reinstate", auditor, map[string]string{"reason": "Fees paid"}, 403)

	// Keys: a bank rotates its own; never another's.
	hsm1 := map[string]string{"kid": "b1-hsm-1", "publicKey": oaPublicKey(t)}
	e.oaCall("POST", "/v1/members/Bank1MSP/keys", b1, hsm1, 201)
	e.oaCall("POST", "/v1/members/Bank1MSP/keys", b1, hsm1, 409)
	e.oaCall("POST", "/v1/members/Bank2MSP/keys", b1, map[string]string{"kid": "b1-hsm-9", "publicKey": oaPublicKey(t)}, 403)
	e.oaCall("POST", "/v1/members/Bank1MSP/keys", b1, map[string]string{"kid": "b1-hsm-2", "publicKey": "not a PEM key"}, 422)
	e.oaCall("POST", "/v1/members/Bank9MSP/keys", admin, map[string]string{"kid": "b9-1", "publicKey": oaPublicKey(t)}, 404)
	e.oaCall("POST", "/v1/members/Bank1MSP/keys", b1, `{"kid": "b1-hsm-2", "publicKey": 7}`, 400)
	e.oaCall("POST", "/v1/members/Bank1MSP/keys", b1, map[string]string{"kid": "b1-hsm-2", "publicKey": oaPublicKey(t)}, 201)
	e.oaCall("DELETE", "/v1/members/Bank1MSP/keys/b1-hsm-1", b1, nil, 200)
	e.oaCall("DELETE", "/v1/members/Bank1MSP/keys/b1-hsm-1", b1, nil, 409)
	e.oaCall("DELETE", "/v1/members/Bank1MSP/keys/b1-hsm-2", b1, map[string]string{"reason": " rotated "}, 422)
	e.oaCall("DELETE", "/v1/members/Bank1MSP/keys/b1-hsm-2", b1, map[string]string{"reason": "Rotated to b1-hsm-3"}, 200)
	e.oaCall("DELETE", "/v1/members/Bank1MSP/keys/no-such-key", b1, nil, 404)
	e.oaCall("DELETE", "/v1/members/Bank2MSP/keys/Bank2MSP-demo-1", b1, nil, 403)
	e.oaCall("DELETE", "/v1/members/Bank1MSP/keys/b1-hsm-1", b1, `{"reason":`, 400)

	e.oaCall("POST", "/v1/members/Bank3MSP/expel", admin, map[string]string{"reason": "Left the association"}, 200)
	e.oaCall("POST", "/v1/members/Bank3MSP/expel", admin, map[string]string{"reason": "Left the association"}, 409)
	e.oaCall("POST", "/v1/members/Bank3MSP/expel", b2, map[string]string{"reason": "Left the association"}, 403)
	e.oaCall("POST", "/v1/members/Bank3MSP/keys", admin, map[string]string{"kid": "Bank3MSP-2", "publicKey": oaPublicKey(t)}, 409)

	// Policy: read, change, write back.
	var pol map[string]any
	oaDecode(t, e.oaCall("GET", "/v1/policy", b1, nil, 200), &pol)
	delete(pol, "updatedAt")
	pol["minAmount"] = map[string]int64{"CNY": 100000}
	e.oaCall("PUT", "/v1/policy", admin, pol, 200)
	e.oaCall("PUT", "/v1/policy", b1, pol, 403)
	e.oaCall("PUT", "/v1/policy", admin, map[string]any{"minDaysPastDue": 0, "minAmount": map[string]int{}, "retentionYears": 5, "disputeAnswerDays": 20}, 422)
	e.oaCall("PUT", "/v1/policy", admin, map[string]any{"minDaysPastDue": 90, "maxDaysPastDue": 900}, 400)

	// Subject keys.
	var sk struct{ SubjectKey string }
	oaDecode(t, e.oaCall("POST", "/v1/subject-keys", b1, map[string]string{"idType": "cn-ric", "idNumber": "11010519491231002X"}, 200), &sk)
	subj := sk.SubjectKey
	oaDecode(t, e.oaCall("POST", "/v1/subject-keys", b2, map[string]string{"idType": "passport", "idNumber": "CHN E12345678"}, 200), &sk)
	subj2 := sk.SubjectKey
	e.oaCall("POST", "/v1/subject-keys", b1, map[string]string{"idType": "cn-ric", "idNumber": "110105194912310021"}, 422)
	e.oaCall("POST", "/v1/subject-keys", auditor, map[string]string{"idType": "cn-ric", "idNumber": "11010519491231002X"}, 403)
	e.oaCall("POST", "/v1/subject-keys", b1, `[1,2]`, 400)

	// Attestations, one at a time.
	var d1 oaSubmit
	oaDecode(t, e.oaCall("POST", "/v1/attestations", b1, map[string]any{"attestation": oaDefault(subj, "L-1")}, 201), &d1)
	var view struct{ JWS string }
	oaDecode(t, e.oaCall("GET", "/v1/attestations/"+d1.ID+"?purpose=dispute-handling", b2, nil, 200), &view)
	var dup oaSubmit
	oaDecode(t, e.oaCall("POST", "/v1/attestations", b1, map[string]string{"jws": view.JWS}, 200), &dup)
	if dup.Status != "duplicate" || dup.ID != d1.ID {
		t.Errorf("resubmitted JWS: %+v", dup)
	}
	again := oaDefault(subj, "L-1")
	again["amount"] = 990000
	e.oaCall("POST", "/v1/attestations", b1, map[string]any{"attestation": again}, 409)
	bad := oaDefault(subj, "L-X")
	delete(bad, "daysPastDue")
	e.oaCall("POST", "/v1/attestations", b1, map[string]any{"attestation": bad}, 422)
	e.oaCall("POST", "/v1/attestations", b1, map[string]string{"jws": "not-a-jws"}, 422)
	e.oaCall("POST", "/v1/attestations", b1, map[string]any{"jws": view.JWS, "attestation": oaDefault(subj, "L-Y")}, 400)
	e.oaCall("POST", "/v1/attestations", b1, map[string]any{"attestation": oaDefault(subj, "L-Y"), "signed": true}, 400)
	e.oaCall("POST", "/v1/attestations", auditor, map[string]any{"attestation": oaDefault(subj, "L-Y")}, 403)

	// A default below the policy's threshold is accepted but lists nobody,
	// and the answer says so, with the minimum it missed.
	low := oaDefault(subj2, "L-LOW")
	low["daysPastDue"] = 20
	low["issuedAt"] = time.Now().Add(-time.Minute).UTC().Format(time.RFC3339) // pinned: the batch below sends the same statement
	var lowOut struct {
		Status         string
		Listed         *bool
		BelowThreshold *contract.Threshold
	}
	oaDecode(t, e.oaCall("POST", "/v1/attestations", b1, map[string]any{"attestation": low}, 201), &lowOut)
	if lowOut.Status != "accepted" || lowOut.Listed == nil || *lowOut.Listed || lowOut.BelowThreshold == nil ||
		lowOut.BelowThreshold.MinDaysPastDue != 90 || !slices.Equal(lowOut.BelowThreshold.Missed, []string{"daysPastDue"}) {
		t.Errorf("below-threshold default: %+v", lowOut)
	}
	var lowBatch struct{ Results []contract.ItemResult }
	oaDecode(t, e.oaCall("POST", "/v1/attestations/batch", b1, map[string]any{"items": []any{map[string]any{"attestation": low}}}, 200), &lowBatch)
	if r := lowBatch.Results; len(r) != 1 || r[0].Status != "duplicate" || r[0].Listed == nil || *r[0].Listed || r[0].BelowThreshold == nil {
		t.Errorf("below-threshold default in a batch: %+v", r)
	}

	settle := func(refersTo, kind string) map[string]any {
		return map[string]any{"attestation": map[string]any{"type": "settlement", "subject": subj, "refersTo": refersTo,
			"settledOn": today, "kind": kind, "amount": 1250000}}
	}
	e.oaCall("POST", "/v1/attestations", b2, settle(d1.ID, "full"), 403)
	e.oaCall("POST", "/v1/attestations", b1, settle(oaSHA("no such default"), "full"), 404)
	var s1 oaSubmit
	oaDecode(t, e.oaCall("POST", "/v1/attestations", b1, settle(d1.ID, "full"), 201), &s1)
	e.oaCall("POST", "/v1/attestations", b1, settle(d1.ID, "negotiated"), 409)
	e.oaCall("GET", "/v1/attestations/"+s1.ID+"?purpose=dispute-handling", b1, nil, 200)
	e.oaCall("GET", "/v1/attestations/"+d1.ID+"?purpose=dispute-handling", auditor, nil, 200)
	e.oaCall("GET", "/v1/attestations/"+oaSHA("nothing")+"?purpose=dispute-handling", b2, nil, 404)
	e.oaCall("GET", "/v1/attestations/NOT-HEX"+"?purpose=dispute-handling", b2, nil, 422)
	e.oaCall("GET", "/v1/attestations/"+d1.ID, b2, nil, 422) // no purpose

	// A batch: each item on its own.
	var batch batchResponse
	oaDecode(t, e.oaCall("POST", "/v1/attestations/batch", b1, map[string]any{"items": []map[string]any{
		{"attestation": oaDefault(subj, "L-2")},
		{"jws": "garbage"},
		{"jws": view.JWS},
		{"attestation": map[string]any{"type": "default", "subject": subj}},
	}}, 200), &batch)
	var got []string
	for _, r := range batch.Results {
		got = append(got, r.Status)
	}
	if strings.Join(got, ",") != "accepted,rejected,duplicate,rejected" {
		t.Fatalf("batch results %v", got)
	}
	d2 := batch.Results[0].ID
	e.oaCall("POST", "/v1/attestations/batch", b1, map[string]any{"items": []map[string]any{
		{"attestation": map[string]any{"type": "default", "subject": subj}}}}, 200)
	e.oaCall("POST", "/v1/attestations/batch", b1, map[string]any{"items": []any{}}, 422)
	e.oaCall("POST", "/v1/attestations/batch", b1, map[string]any{"items": make([]map[string]string, MaxBatch+1)}, 422)
	e.oaCall("POST", "/v1/attestations/batch", auditor, map[string]any{"items": []map[string]string{{"jws": view.JWS}}}, 403)
	e.oaCall("POST", "/v1/attestations/batch", b1, `{"items": 5}`, 400)

	// Bank2 reports a default by mistake and revokes it.
	var d3, r3 oaSubmit
	oaDecode(t, e.oaCall("POST", "/v1/attestations", b2, map[string]any{"attestation": oaDefault(subj2, "B2-L-1")}, 201), &d3)
	oaDecode(t, e.oaCall("POST", "/v1/attestations", b2, map[string]any{"attestation": map[string]any{
		"type": "revocation", "subject": subj2, "refersTo": d3.ID, "reason": "Filed against the wrong customer"}}, 201), &r3)
	e.oaCall("GET", "/v1/attestations/"+r3.ID+"?purpose=dispute-handling", b1, nil, 200)

	// Lookups.
	var st struct{ Listed bool }
	oaDecode(t, e.oaCall("GET", "/v1/subjects/"+subj+"?purpose=loan-approval", b2, nil, 200), &st)
	if !st.Listed {
		t.Error("the subject with an active default is not listed")
	}
	e.oaCall("GET", "/v1/subjects/"+oaSHA("nobody")+"?purpose=guarantor-check", b1, nil, 200)
	e.oaCall("GET", "/v1/subjects/"+subj, b2, nil, 422)
	e.oaCall("GET", "/v1/subjects/"+subj+"?purpose=curiosity", b2, nil, 422)
	e.oaCall("GET", "/v1/subjects/NOT-HEX?purpose=loan-approval", b2, nil, 422)
	e.oaCall("GET", "/v1/subjects/"+subj+"?purpose=loan-approval", admin, nil, 403)
	e.oaCall("GET", "/v1/subjects/"+subj+"/history?purpose=dispute-handling", b2, nil, 200)
	e.oaCall("GET", "/v1/subjects/"+subj2+"/history?purpose=post-loan", b1, nil, 200)
	e.oaCall("GET", "/v1/subjects/"+subj+"/history", b2, nil, 422)
	e.oaCall("GET", "/v1/subjects/"+subj+"/history?purpose=loan-approval", auditor, nil, 403)

	e.oaCall("POST", "/v1/lookups", b2, map[string]any{"purpose": "post-loan", "subjects": []string{subj, subj2, oaSHA("nobody")}}, 200)
	e.oaCall("POST", "/v1/lookups", b2, map[string]any{"purpose": "guarantor-check", "ids": []map[string]string{
		{"idType": "cn-ric", "idNumber": "11010519491231002X"}, {"idType": "passport", "idNumber": "CHN E12345678"}}}, 200)
	e.oaCall("POST", "/v1/lookups", b2, map[string]any{"purpose": "loan-approval", "ids": []map[string]string{
		{"idType": "cn-ric", "idNumber": "11010519491231002X"}, {"idType": "cn-ric", "idNumber": "110105194912310021"}}}, 422)
	e.oaCall("POST", "/v1/lookups", b2, map[string]any{"purpose": "loan-approval"}, 422)
	e.oaCall("POST", "/v1/lookups", b2, map[string]any{"purpose": "curiosity", "subjects": []string{subj}}, 422)
	e.oaCall("POST", "/v1/lookups", b2, map[string]any{"purpose": "loan-approval", "subjects": []string{"NOT-HEX"}}, 422)
	e.oaCall("POST", "/v1/lookups", b2, map[string]any{"purpose": "loan-approval", "subjects": make([]string, MaxLookup+1)}, 422)
	e.oaCall("POST", "/v1/lookups", b2, `{"purpose": "loan-approval"} {}`, 400)
	e.oaCall("POST", "/v1/lookups", auditor, map[string]any{"purpose": "loan-approval", "subjects": []string{subj}}, 403)

	// The tight server: a body over its limit, then a client over its rate.
	e.oaCallOn("tight", "POST", "/v1/lookups", b1, map[string]any{"purpose": "loan-approval",
		"subjects": []string{subj, strings.Repeat("a", 2048)}}, 413)
	e.oaCallOn("tight", "GET", "/v1/policy", b2, nil, 200)
	e.oaCallOn("tight", "GET", "/v1/policy", b2, nil, 429)

	// Disputes: Bank2's customer objects to Bank1's default.
	var disp struct{ ID, State string }
	open := map[string]string{"attestationId": d2, "reasonCode": "already-paid", "statementDigest": oaSHA("statement")}
	oaDecode(t, e.oaCall("POST", "/v1/disputes", b2, open, 201), &disp)
	e.oaCall("POST", "/v1/disputes", b2, open, 409)
	e.oaCall("POST", "/v1/disputes", b2, map[string]string{"attestationId": oaSHA("none"), "reasonCode": "not-mine", "statementDigest": oaSHA("s")}, 404)
	e.oaCall("POST", "/v1/disputes", b2, map[string]string{"attestationId": d2, "reasonCode": "bored", "statementDigest": oaSHA("s")}, 422)
	e.oaCall("POST", "/v1/disputes", b2, map[string]string{"attestationId": s1.ID, "reasonCode": "not-mine", "statementDigest": oaSHA("s")}, 422)
	e.oaCall("POST", "/v1/disputes", auditor, open, 403)
	e.oaCall("POST", "/v1/disputes", b2, `{"attestationId": 1}`, 400)
	e.oaCall("GET", "/v1/disputes", auditor, nil, 200)
	e.oaCall("GET", "/v1/disputes?state=open", b1, nil, 200)
	e.oaCall("GET", "/v1/disputes?state=overdue", b2, nil, 200)
	e.oaCall("GET", "/v1/disputes?state=pending", b2, nil, 422)
	resolve := "/v1/disputes/" + disp.ID + "/resolve"
	e.oaCall("POST", resolve, b2, map[string]string{"outcome": "upheld", "note": "Not ours to decide"}, 403)
	e.oaCall("POST", resolve, auditor, map[string]string{"outcome": "upheld", "note": "x"}, 403)
	e.oaCall("POST", resolve, b1, map[string]string{"outcome": "maybe", "note": "x"}, 422)
	e.oaCall("POST", "/v1/disputes/"+oaSHA("no dispute")+"/resolve", b1, map[string]string{"outcome": "upheld", "note": "x"}, 404)
	e.oaCall("POST", resolve, b1, `{"outcome":`, 400)
	e.oaCall("POST", resolve, b1, map[string]string{"outcome": "upheld", "note": "Paid before the notice; our error"}, 200)
	e.oaCall("POST", resolve, b1, map[string]string{"outcome": "rejected", "note": "Changed our mind"}, 409)
	e.oaCall("POST", "/v1/disputes", b2, map[string]string{"attestationId": d2, "reasonCode": "other", "statementDigest": oaSHA("s2")}, 409)
	e.oaCall("POST", "/v1/disputes", b1, map[string]string{"attestationId": d3.ID, "reasonCode": "other", "statementDigest": oaSHA("s3")}, 409)
	e.oaCall("GET", "/v1/disputes?state=upheld", admin, nil, 200)
	e.oaCall("GET", "/v1/subjects/"+subj+"/history?purpose=dispute-handling", b1, nil, 200)

	// The audit log, paged.
	e.oaCall("GET", "/v1/audit/queries", auditor, nil, 200)
	q := url.Values{"member": {"Bank2MSP"}, "subject": {subj}, "limit": {"2"},
		"from": {time.Now().Add(-time.Hour).UTC().Format(time.RFC3339)}, "to": {time.Now().Add(time.Hour).UTC().Format(time.RFC3339)}}
	var page struct {
		Entries []node.AuditEntry
		Next    *uint64
	}
	oaDecode(t, e.oaCall("GET", "/v1/audit/queries?"+q.Encode(), admin, nil, 200), &page)
	if len(page.Entries) != 2 || page.Next == nil {
		t.Fatalf("audit page: %d entries, next %v", len(page.Entries), page.Next)
	}
	e.oaCall("GET", fmt.Sprintf("/v1/audit/queries?after=%d&limit=2", *page.Next), admin, nil, 200)
	e.oaCall("GET", "/v1/audit/queries?limit=0", auditor, nil, 422)
	e.oaCall("GET", "/v1/audit/queries?from=yesterday", auditor, nil, 422)
	e.oaCall("GET", "/v1/audit/queries", b1, nil, 403)
	// The chain export and the anchors on the ledger.
	e.oaCall("GET", "/v1/audit/log?member=Bank2MSP", auditor, nil, 200)
	e.oaCall("GET", "/v1/audit/log?after=x", auditor, nil, 422)
	e.oaCall("GET", "/v1/audit/log", b1, nil, 403)
	if err := e.n.AnchorAudit(context.Background()); err != nil {
		t.Fatal(err)
	}
	e.oaCall("GET", "/v1/audit/anchors?member=Bank2MSP", auditor, nil, 200)
	e.oaCall("GET", "/v1/audit/anchors?member=a%20b", auditor, nil, 422)

	// Alert rules (set before monitoring, so its alerts carry a plan).
	oaRules := map[string]any{"rules": []map[string]any{{"name": "any default", "when": `alert.kind == "default" && status.reporters >= 1`,
		"plan": map[string]string{"code": "call-within-24h", "priority": "high", "text": "Call the borrower"}}}}
	e.oaCall("PUT", "/v1/alert-rules", b1, oaRules, 200)
	e.oaCall("GET", "/v1/alert-rules", b1, nil, 200)
	e.oaCall("PUT", "/v1/alert-rules", b1, map[string]any{"rules": []map[string]any{{"name": "x", "when": "alert.kindd == 1",
		"plan": map[string]string{"code": "x", "priority": "high", "text": "t"}}}}, 422)
	e.oaCall("PUT", "/v1/alert-rules", b1, `{"rules": [}`, 400)
	e.oaCall("GET", "/v1/alert-rules", auditor, nil, 403)

	oaMonitoring(e, b1, b2, auditor, subj)
	oaEvidence(e, b1, b2, admin, auditor, d1.ID, s1.ID, d2)
	oaPublications(e, b1, admin, auditor)

	// The association's statistics.
	e.oaCall("GET", "/v1/statistics?from="+today+"&to="+today+"&by=week", auditor, nil, 200)
	e.oaCall("GET", "/v1/statistics?from="+today+"&to="+today, admin, nil, 200)
	e.oaCall("GET", "/v1/statistics?from="+today+"&to="+today, b1, nil, 403)
	e.oaCall("GET", "/v1/statistics?from=2026-02-30&to="+today, auditor, nil, 400)
	e.oaCall("GET", "/v1/statistics?from="+today+"&to="+today+"&by=day", auditor, nil, 400)
	oaProtections(e, b1, b2, admin, auditor)
	oaPoolStatistics(e, b1)

	// Paths and methods the engine does not serve still answer problems.
	e.oaProblem("GET", "/v1/nothing", b1, 404, "not-found")
	e.oaProblem("PATCH", "/v1/policy", b1, 405, "method-not-allowed")

	// A ledger that is gone: writes answer 503.
	e.ledger.Close()
	e.oaCall("POST", "/v1/members/Bank2MSP/suspend", admin, reason, 503)

	// Every operation answered at least once with success, and the error
	// statuses the document promises were all seen.
	statuses := map[int]bool{}
	for _, k := range keys {
		ok := false
		for s := range e.seen[k] {
			statuses[s] = true
			ok = ok || s < 300
		}
		if !ok {
			t.Errorf("%s was never answered with success", k)
		}
	}
	for _, s := range []int{400, 401, 403, 404, 409, 413, 422, 429, 503} {
		if !statuses[s] {
			t.Errorf("no answer with status %d was validated", s)
		}
	}
}
