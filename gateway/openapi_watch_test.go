package gateway

import (
	"bufio"
	"context"
	"net/http"
	"strings"
	"time"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

func init() {
	// The document's NDJSON bodies and event streams are opaque text.
	openapi3filter.RegisterBodyDecoder("application/x-ndjson", openapi3filter.PlainBodyDecoder)
	openapi3filter.RegisterBodyDecoder("text/event-stream", openapi3filter.PlainBodyDecoder)
}

// oaStream opens the alert stream, reads up to the first event, and
// validates what it read.
func (e *oaEnv) oaStream(path, client string) string {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	newReq := func() *http.Request {
		req, _ := http.NewRequestWithContext(ctx, "GET", e.urls["main"]+path, nil)
		req.Header.Set("Authorization", "Bearer "+e.keys[client])
		return req
	}
	resp, err := http.DefaultClient.Do(newReq())
	if err != nil || resp.StatusCode != 200 {
		e.t.Fatalf("GET %s: %v %v", path, resp, err)
	}
	defer resp.Body.Close()
	var got strings.Builder
	r := bufio.NewReader(resp.Body)
	for !strings.Contains(got.String(), "\ndata: ") || !strings.HasSuffix(got.String(), "\n\n") {
		line, err := r.ReadString('\n')
		if err != nil {
			e.t.Fatalf("GET %s: the stream ended before an event: %v (%q)", path, err, got.String())
		}
		got.WriteString(line)
	}
	e.oaValidate(newReq(), nil, resp, []byte(got.String()))
	return got.String()
}

// oaMonitoring exercises the watchlist, alert and webhook operations.
func oaMonitoring(e *oaEnv, b1, b2, auditor, subj string) {
	t := e.t
	watched := oaSHA("oa-watched")
	e.oaCall("PUT", "/v1/watchlist/"+watched, b1, map[string]string{"label": "cust-1"}, 201)
	e.oaCall("PUT", "/v1/watchlist/"+watched, b1, nil, 200)
	e.oaCall("PUT", "/v1/watchlist/"+subj, b1, nil, 201)
	e.oaCall("PUT", "/v1/watchlist/"+watched, b1, map[string]string{"label": "two\nlines"}, 422)
	e.oaCall("PUT", "/v1/watchlist/"+watched, b1, `{"label": 1}`, 400)
	e.oaCall("PUT", "/v1/watchlist/"+watched, auditor, nil, 403)
	e.oaCall("GET", "/v1/watchlist?limit=1", b1, nil, 200)
	e.oaCall("GET", "/v1/watchlist?limit=0", b1, nil, 422)
	e.oaCall("GET", "/v1/watchlist", auditor, nil, 403)

	nd := `{"subjectKey":"` + oaSHA("oa-1") + `","label":"a"}` + "\n" + `{"idType":"cn-ric","idNumber":"11010519491231002X"}` + "\nnot json\n"
	e.oaSend("main", "POST", "/v1/watchlist/import", b1, "application/x-ndjson", []byte(nd), 200)
	e.oaSend("main", "POST", "/v1/watchlist/import", b1, "text/csv", []byte("subjectKey,label\n"+oaSHA("oa-2")+",b\n"), 200)
	e.oaSend("main", "POST", "/v1/watchlist/import", b1, "application/xml", []byte("<book/>"), 415)
	e.oaSend("main", "POST", "/v1/watchlist/import", b1, "text/csv", []byte("ssn,name\n1,2\n"), 422)
	e.oaSend("main", "POST", "/v1/watchlist/import", auditor, "text/csv", []byte("subjectKey\n"), 403)

	rcv := webhooktest.New("oa-webhook-secret")
	defer rcv.Close()
	e.oaCall("PUT", "/v1/webhook", b1, map[string]string{"url": rcv.URL, "secret": rcv.Secret}, 200)
	e.oaCall("PUT", "/v1/webhook", b1, map[string]string{"url": "mailto:risk@bank1", "secret": rcv.Secret}, 422)
	e.oaCall("PUT", "/v1/webhook", b1, map[string]string{"url": "http://169.254.169.254/latest/meta-data/", "secret": rcv.Secret}, 422)
	e.oaCall("PUT", "/v1/webhook", b1, `{"url": "https://x"`, 400)
	e.oaCall("PUT", "/v1/webhook", auditor, map[string]string{"url": rcv.URL, "secret": rcv.Secret}, 403)

	e.oaCall("POST", "/v1/attestations", b2, map[string]any{"attestation": oaDefault(watched, "oa-loan")}, 201)
	if _, err := rcv.WaitFor(1, 10*time.Second); err != nil {
		t.Fatal(err)
	}
	e.oaCall("GET", "/v1/webhook", b1, nil, 200)
	e.oaCall("GET", "/v1/alerts", b1, nil, 200)
	e.oaCall("GET", "/v1/alerts?after=1&limit=10", b1, nil, 200)
	e.oaCall("GET", "/v1/alerts?after=-1", b1, nil, 422)
	e.oaCall("GET", "/v1/alerts", auditor, nil, 403)
	if ev := e.oaStream("/v1/alerts/stream?after=0", b1); !strings.Contains(ev, "event: alert") {
		t.Fatalf("stream: %q", ev)
	}
	e.oaCall("GET", "/v1/alerts/stream?after=x", b1, nil, 422)
	e.oaCall("GET", "/v1/alerts/stream", auditor, nil, 403)

	e.oaCall("DELETE", "/v1/webhook", b1, nil, 204)
	e.oaCall("DELETE", "/v1/webhook", b1, nil, 404)
	e.oaCall("GET", "/v1/webhook", b1, nil, 404)
	e.oaCall("DELETE", "/v1/watchlist/"+watched, b1, nil, 204)
	e.oaCall("DELETE", "/v1/watchlist/"+watched, b1, nil, 404)
	e.oaCall("DELETE", "/v1/watchlist/"+watched, auditor, nil, 403)
}
