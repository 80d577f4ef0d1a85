package gateway

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/node/pool"
)

// postPool sends an NDJSON pool as client and decodes the answer.
func (e *env) postPool(client, query, contentType string, body io.Reader, out any) int {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+"/v1/pool-statistics"+query, body)
	req.Header.Set("Content-Type", contentType)
	if client != "" {
		req.Header.Set("Authorization", "Bearer "+e.keys[client])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("pool statistics: %d %s", resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

func poolOf(keys []string) string {
	var b strings.Builder
	for _, k := range keys {
		fmt.Fprintf(&b, "{\"subjectKey\":%q}\n", k)
	}
	return b.String()
}

func TestPoolStatisticsRefusals(t *testing.T) {
	opts := DefaultOptions()
	opts.FailedAuthBurst = 1000
	e := newEnv(t, opts)
	body := poolOf([]string{sha("a"), sha("b")})
	const q = "?purpose=abs-due-diligence"
	want := func(client, query, ct string, status int, code string) {
		t.Helper()
		var p problem.Problem
		if got := e.postPool(client, query, ct, strings.NewReader(body), &p); got != status || p.Type != problem.TypePrefix+code {
			t.Fatalf("as %q: %d %s (%s), want %d %s", client, got, p.Type, p.Detail, status, code)
		}
	}
	want("", q, "application/x-ndjson", 401, "unauthenticated")
	for _, c := range []string{"bank1-app", "auditor"} {
		want(c, q, "application/x-ndjson", 403, "forbidden")
	}
	want("analyst", "", "application/x-ndjson", 422, "bad-purpose")
	want("analyst", "?purpose=loan-approval", "application/x-ndjson", 422, "bad-purpose")
	want("analyst", q, "application/json", 415, "unsupported-media-type")
	var p problem.Problem
	if got := e.postPool("analyst", q, "application/x-ndjson", strings.NewReader("{\"subjectKey\":\"abc\"}\n"), &p); got != 422 || !strings.Contains(p.Detail, "line 1") {
		t.Fatalf("a bad line: %d %+v", got, p)
	}
}

// From what a person types: a pool of raw identity numbers and keys,
// streamed; aggregates back; a pool one subject off refused.
func TestPoolStatisticsOverHTTP(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	var keys []string
	for i := 0; i < 30; i++ {
		k := sha(fmt.Sprint("pool ", i))
		keys = append(keys, k)
		if i < 12 {
			if st, _ := e.call("POST", "/v1/attestations", "bank2-app", map[string]any{"attestation": defaultPayload(k, fmt.Sprint("L", i))}, nil); st != 201 {
				t.Fatalf("file: %d", st)
			}
		}
	}
	body := poolOf(keys) + "{\"idType\":\"cn-ric\",\"idNumber\":\"11010519491231002X\"}\n"
	var rep pool.Report
	if st := e.postPool("analyst", "?purpose=abs-due-diligence", "application/x-ndjson", strings.NewReader(body), &rep); st != 200 {
		t.Fatalf("pool: %d %+v", st, rep)
	}
	if rep.PoolSize != 31 || rep.Listed.Count == nil || *rep.Listed.Count != 12 || rep.NotListed.Count == nil || *rep.NotListed.Count != 19 {
		t.Fatalf("report: %+v", rep)
	}
	raw, _ := json.Marshal(rep)
	for _, k := range keys {
		if bytes.Contains(raw, []byte(k)) {
			t.Fatal("the report names a subject")
		}
	}
	var p problem.Problem
	if st := e.postPool("analyst", "?purpose=abs-due-diligence", "application/x-ndjson", strings.NewReader(poolOf(keys)), &p); st != 409 || p.Type != problem.TypePrefix+"conflict" {
		t.Fatalf("one subject off: %d %+v", st, p)
	}
}
