package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"github.com/assoc-ledger/blacklist/gateway/problem"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

// fakeAPI is a small in-memory stand-in for the node's HTTP API: enough
// behaviour to drive every command, plus knobs to make it fail. The real
// end-to-end test through the gateway lives elsewhere.
const (
	testKey    = "test-api-key"
	testMember = "Bank1MSP"
)

type request struct {
	Method string
	Path   string
	Query  string
	Body   []byte
}

// batchMode says how the fake answers one batch call.
type batchMode int

const (
	batchOK          batchMode = iota
	batch503                   // refuse with a 503 problem, nothing committed
	batchDropBefore            // close the connection, nothing committed
	batchDropAfter             // commit, then close the connection: the answer is lost
	batchHalfCommits           // commit only the first half, then 503
)

type fakeAPI struct {
	t   *testing.T
	srv *httptest.Server

	mu       sync.Mutex
	requests []request
	// status, when set, is answered to every /v1 request as a problem.
	status int
	// batchModes maps a batch call number (1-based) to its failure.
	batchModes map[int]batchMode
	batchCalls int
	// batchLoans records, per batch call, the loanRef of every item sent.
	batchLoans [][]string
	// accepted counts acceptances per attestation id; above 1 is a bug.
	accepted map[string]int
	// rejectSubject makes the ledger refuse payloads about that subject.
	rejectSubject string
	nodeKey       *ecdsa.PrivateKey
	fills         int // node-side issuedAt fills, to make each one differ
	listed        map[string]bool
	deriver       *subjectkey.Deriver
	audit         []map[string]any
	auditPage     int
	delay         bool // hang until the client gives up
	moreDisputes  []contract.Dispute
}

var testSecret = bytes.Repeat([]byte{0x42}, 32)

func newFake(t *testing.T) *fakeAPI {
	t.Helper()
	k, err := attestation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	d, err := subjectkey.NewDeriver(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	f := &fakeAPI{t: t, nodeKey: k, deriver: d, accepted: map[string]int{}, listed: map[string]bool{},
		batchModes: map[int]batchMode{}, auditPage: 2}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/attestations/batch", f.batch)
	mux.HandleFunc("POST /v1/subject-keys", f.subjectKey)
	mux.HandleFunc("GET /v1/subjects/{key}", f.subject)
	mux.HandleFunc("POST /v1/lookups", f.lookups)
	mux.HandleFunc("GET /v1/members", f.members)
	mux.HandleFunc("GET /v1/members/{msp}", f.member)
	mux.HandleFunc("POST /v1/members", f.member)
	mux.HandleFunc("POST /v1/members/{msp}/{action}", f.member)
	mux.HandleFunc("DELETE /v1/members/{msp}/keys/{kid}", f.member)
	mux.HandleFunc("GET /v1/policy", f.policy)
	mux.HandleFunc("PUT /v1/policy", f.policy)
	mux.HandleFunc("POST /v1/disputes", f.dispute)
	mux.HandleFunc("GET /v1/disputes", f.disputes)
	mux.HandleFunc("POST /v1/disputes/{id}/resolve", f.dispute)
	mux.HandleFunc("GET /v1/audit/queries", f.auditQueries)
	mux.HandleFunc("GET /v1/attestations/{id}", f.attestation)
	mux.HandleFunc("/proxy/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<html>no such site</html>")
	})
	f.srv = httptest.NewServer(f.front(mux))
	t.Cleanup(f.srv.Close)
	return f
}

// front records the request and applies authentication and the global
// failure knobs before the route handlers run.
func (f *fakeAPI) front(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		r.Body = io.NopCloser(bytes.NewReader(body))
		f.mu.Lock()
		f.requests = append(f.requests, request{r.Method, r.URL.Path, r.URL.RawQuery, body})
		status, delay := f.status, f.delay
		f.mu.Unlock()
		if delay {
			<-r.Context().Done()
			return
		}
		if r.Header.Get("Authorization") != "Bearer "+testKey {
			writeProblem(w, 401, "unauthenticated", "Missing or unknown API key", "no valid bearer token")
			return
		}
		if status != 0 {
			writeProblem(w, status, "internal", "Internal error", "the fake was told to fail")
			return
		}
		next.ServeHTTP(w, r)
	})
}

func writeProblem(w http.ResponseWriter, status int, code, title, detail string, items ...problem.Item) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(Problem{Type: problemPrefix + code, Title: title, Status: status, Detail: detail, Items: items})
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

// decode reads the body strictly, as the gateway does.
func decode(w http.ResponseWriter, r *http.Request, v any) bool {
	d := json.NewDecoder(r.Body)
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		writeProblem(w, 400, "malformed-request", "Malformed request", err.Error())
		return false
	}
	return true
}

func hangUp(w http.ResponseWriter) {
	conn, _, err := w.(http.Hijacker).Hijack()
	if err == nil {
		conn.Close()
	}
}

type batchItem struct {
	JWS         string               `json:"jws,omitempty"`
	Attestation *attestation.Payload `json:"attestation,omitempty"`
}

func (f *fakeAPI) batch(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Items []batchItem `json:"items"`
	}
	if !decode(w, r, &req) {
		return
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.batchCalls++
	mode := f.batchModes[f.batchCalls]
	loans := make([]string, len(req.Items))
	parsed := make([]*attestation.Parsed, len(req.Items))
	for i, it := range req.Items {
		p, err := f.parseItem(it)
		if err != nil {
			f.t.Errorf("batch %d item %d: %v", f.batchCalls, i, err)
			writeProblem(w, 422, "invalid-argument", "Invalid argument", err.Error())
			return
		}
		parsed[i], loans[i] = p, p.Payload.LoanRef
	}
	f.batchLoans = append(f.batchLoans, loans)
	switch mode {
	case batch503:
		writeProblem(w, 503, "unavailable", "Ledger unavailable", "the ledger could not process the request")
		return
	case batchDropBefore:
		hangUp(w)
		return
	case batchHalfCommits:
		f.commit(parsed[:len(parsed)/2])
		writeProblem(w, 503, "unavailable", "Ledger unavailable", "timed out; the transaction may still commit")
		return
	}
	results := f.commit(parsed)
	if mode == batchDropAfter {
		hangUp(w)
		return
	}
	res := contract.SubmitResult{Results: results}
	for _, it := range results {
		switch it.Status {
		case contract.ItemAccepted:
			res.Accepted++
		case contract.ItemDuplicate:
			res.Duplicates++
		default:
			res.Rejected++
		}
	}
	reply(w, 200, struct {
		contract.SubmitResult
		Height uint64 `json:"height"`
		TxID   string `json:"txId"`
	}{res, uint64(f.batchCalls), "tx" + strconv.Itoa(f.batchCalls)})
}

// parseItem signs node-side payloads as the gateway does: v, reporter and
// issuedAt are filled when missing, each fill with a different issuedAt.
func (f *fakeAPI) parseItem(it batchItem) (*attestation.Parsed, error) {
	jws := it.JWS
	if it.Attestation != nil {
		p := *it.Attestation
		if p.V == 0 {
			p.V = 1
		}
		if p.Reporter == "" {
			p.Reporter = testMember
		}
		if p.IssuedAt == "" {
			f.fills++
			p.IssuedAt = time.Date(2026, 1, 1, 0, 0, f.fills, 0, time.UTC).Format(time.RFC3339)
		}
		var err error
		if jws, _, err = attestation.Sign(&p, f.nodeKey, "node-key"); err != nil {
			return nil, err
		}
	}
	return attestation.Parse(jws)
}

func (f *fakeAPI) commit(items []*attestation.Parsed) []contract.ItemResult {
	out := make([]contract.ItemResult, len(items))
	for i, p := range items {
		r := contract.ItemResult{Index: i, ID: p.ID, Type: p.Payload.Type}
		switch {
		case p.Payload.Subject == f.rejectSubject:
			r.Status, r.Code, r.Message = contract.ItemRejected, "invalid-payload", "subject is not welcome here"
		case f.accepted[p.ID] > 0:
			r.Status = contract.ItemDuplicate
		default:
			f.accepted[p.ID]++
			r.Status = contract.ItemAccepted
		}
		out[i] = r
	}
	return out
}

func (f *fakeAPI) subjectKey(w http.ResponseWriter, r *http.Request) {
	var req idNumber
	if !decode(w, r, &req) {
		return
	}
	k, err := f.deriver.Derive(req.IDType, req.IDNumber)
	if err != nil {
		writeProblem(w, 422, "invalid-argument", "Invalid argument", err.Error())
		return
	}
	reply(w, 200, map[string]string{"subjectKey": k})
}

func (f *fakeAPI) statusOf(key string) contract.Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	s := contract.Status{SubjectKey: key, Reporters: []string{}, Outstanding: map[string]int64{}}
	if f.listed[key] {
		s.Listed, s.ActiveDefaults, s.Reporters, s.Outstanding = true, 1, []string{testMember}, map[string]int64{"CNY": 150000}
	}
	return s
}

func (f *fakeAPI) subject(w http.ResponseWriter, r *http.Request) {
	if r.URL.Query().Get("purpose") == "" {
		writeProblem(w, 422, "bad-purpose", "Missing or unknown purpose", "purpose is required")
		return
	}
	reply(w, 200, struct {
		contract.Status
		AsOf uint64 `json:"asOf"`
	}{f.statusOf(r.PathValue("key")), 7})
}

func (f *fakeAPI) lookups(w http.ResponseWriter, r *http.Request) {
	var req lookupRequest
	if !decode(w, r, &req) {
		return
	}
	keys := req.Subjects
	var bad []problem.Item
	for i, id := range req.IDs {
		k, err := f.deriver.Derive(id.IDType, id.IDNumber)
		if err != nil {
			bad = append(bad, problem.Item{Index: i, Code: "invalid-argument", Message: err.Error()})
		}
		keys = append(keys, k)
	}
	if len(bad) > 0 {
		writeProblem(w, 422, "invalid-argument", "Invalid argument", fmt.Sprintf("%d identity numbers are not valid; nothing was looked up", len(bad)), bad...)
		return
	}
	out := make([]contract.Status, len(keys))
	for i, k := range keys {
		out[i] = f.statusOf(k)
	}
	reply(w, 200, map[string]any{"asOf": 9, "results": out})
}

func testMemberRecord(msp string) contract.Member {
	return contract.Member{MSPID: msp, LegalName: "Bank One", Roles: []string{"reporter", "querier"}, Status: "active",
		Keys: []contract.Key{{KID: "k1", Status: "active"}}}
}

func (f *fakeAPI) members(w http.ResponseWriter, r *http.Request) {
	reply(w, 200, map[string]any{"members": []contract.Member{testMemberRecord(testMember), testMemberRecord("Bank2MSP")}})
}

func (f *fakeAPI) member(w http.ResponseWriter, r *http.Request) {
	msp := r.PathValue("msp")
	if msp == "" {
		msp = "NewMSP"
	}
	if msp == "NoSuchMSP" {
		writeProblem(w, 404, "not-found", "Not found", "no member NoSuchMSP")
		return
	}
	reply(w, 200, testMemberRecord(msp))
}

func (f *fakeAPI) policy(w http.ResponseWriter, r *http.Request) {
	p := contract.DefaultPolicy()
	if r.Method == "PUT" && !decode(w, r, &p) {
		return
	}
	reply(w, 200, p)
}

func (f *fakeAPI) dispute(w http.ResponseWriter, r *http.Request) {
	reply(w, 200, contract.Dispute{ID: "d1", AttestationID: "a1", State: "open"})
}

func (f *fakeAPI) disputes(w http.ResponseWriter, r *http.Request) {
	list := []contract.Dispute{{ID: "d1", State: r.URL.Query().Get("state")}}
	f.mu.Lock()
	list = append(list, f.moreDisputes...)
	f.mu.Unlock()
	reply(w, 200, map[string]any{"disputes": list})
}

// auditQueries pages like the gateway: a full page carries "next".
func (f *fakeAPI) auditQueries(w http.ResponseWriter, r *http.Request) {
	after, _ := strconv.Atoi(r.URL.Query().Get("after"))
	var page []map[string]any
	for _, e := range f.audit {
		if e["seq"].(int) > after && len(page) < f.auditPage {
			page = append(page, e)
		}
	}
	resp := map[string]any{"entries": page}
	if len(page) == f.auditPage {
		resp["next"] = page[len(page)-1]["seq"]
	}
	reply(w, 200, resp)
}

func (f *fakeAPI) attestation(w http.ResponseWriter, r *http.Request) {
	amount := int64(120000)
	reply(w, 200, map[string]any{"id": r.PathValue("id"), "jws": "x.y.z", "kid": "k1", "state": "active", "asOf": 3,
		"payload": attestation.Payload{V: 1, Type: "default", Reporter: testMember, Amount: &amount, Currency: "CNY"}})
}

// sent returns the recorded requests to a path.
func (f *fakeAPI) sent(method, path string) []request {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []request
	for _, r := range f.requests {
		if r.Method == method && r.Path == path {
			out = append(out, r)
		}
	}
	return out
}

// cli runs blctl against the fake and returns the exit code and output.
func (f *fakeAPI) cli(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	return runCLI(t, stdin, append([]string{"--server", f.srv.URL, "--api-key", testKey}, args...)...)
}

func runCLI(t *testing.T, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return code, out.String(), errOut.String()
}

func hex64(parts ...any) string {
	sum := sha256.Sum256([]byte(fmt.Sprint(parts...)))
	return hex.EncodeToString(sum[:])
}

// derive is the key the fake's node derives for an identity number.
func (f *fakeAPI) derive(t *testing.T, idType, number string) string {
	t.Helper()
	k, err := f.deriver.Derive(idType, number)
	if err != nil {
		t.Fatal(err)
	}
	return k
}
