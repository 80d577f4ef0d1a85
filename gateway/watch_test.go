package gateway

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// upload sends body to path as client with a content type and decodes the
// answer into out.
func (e *env) upload(path, client, contentType string, body io.Reader, out any) int {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.url+path, body)
	req.Header.Set("Authorization", "Bearer "+e.keys[client])
	req.Header.Set("Content-Type", contentType)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("POST %s: %d %s", path, resp.StatusCode, raw)
		}
	}
	return resp.StatusCode
}

type importOut struct {
	Lines, Imported, Rejected, AlreadyListed int
	Errors                                   []struct {
		Line    int
		Message string
	}
}

// book is an NDJSON loan book of n subject keys labelled cust-<i>.
func book(n int) (io.Reader, func(i int) string) {
	key := func(i int) string { return sha(fmt.Sprint("book-", i)) }
	pr, pw := io.Pipe()
	go func() {
		w := bufio.NewWriter(pw)
		for i := range n {
			fmt.Fprintf(w, `{"subjectKey":"%s","label":"cust-%d"}`+"\n", key(i), i)
		}
		w.Flush()
		pw.Close()
	}()
	return pr, key
}

func (e *env) fileDefaults(client string, subjects ...string) []string {
	e.t.Helper()
	var items []map[string]any
	for i, s := range subjects {
		items = append(items, map[string]any{"attestation": defaultPayload(s, fmt.Sprint("loan-", s[:8], i))})
	}
	var out batchResponse
	if st, _ := e.call("POST", "/v1/attestations/batch", client, map[string]any{"items": items}, &out); st != 200 || out.Accepted != len(subjects) {
		e.t.Fatalf("batch: %d %+v", st, out)
	}
	var ids []string
	for _, r := range out.Results {
		ids = append(ids, r.ID)
	}
	return ids
}

// TestWatchlistAlertsEndToEnd: Bank1 imports a book of 100,000 keys and a
// webhook; Bank2 files defaults on 3 of them and on 3 strangers; Bank1's
// receiver gets exactly the 3 signed alerts, GET /v1/alerts the same;
// a settlement makes one more. Then the receiver is down for a while: the
// node marks it failing in /readyz and the metrics, and delivers
// everything once it is back.
func TestWatchlistAlertsEndToEnd(t *testing.T) {
	e := newEnvWith(t, DefaultOptions(), node.Options{WebhookMinBackoff: 10 * time.Millisecond,
		WebhookMaxBackoff: 100 * time.Millisecond, WebhookFailingAfter: 200 * time.Millisecond, WebhookDestinations: webhooktest.Loopback()})
	r, key := book(100000)
	var imp importOut
	if st := e.upload("/v1/watchlist/import", "bank1-app", "application/x-ndjson", r, &imp); st != 200 || imp.Imported != 100000 || imp.Rejected != 0 {
		t.Fatalf("import: %d %+v", st, imp)
	}
	rcv := webhooktest.New("bank1-webhook-secret")
	defer rcv.Close()
	if st, _ := e.call("PUT", "/v1/webhook", "bank1-app", map[string]string{"url": rcv.URL, "secret": rcv.Secret}, nil); st != 200 {
		t.Fatalf("webhook: %d", st)
	}

	watched := []string{key(7), key(50000), key(99999)}
	ids := e.fileDefaults("bank2-app", watched[0], sha("stranger-1"), watched[1], sha("stranger-2"), watched[2], sha("stranger-3"))
	got, err := rcv.WaitFor(3, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	labels := map[string]string{watched[0]: "cust-7", watched[1]: "cust-50000", watched[2]: "cust-99999"}
	wantIDs := []string{ids[0], ids[2], ids[4]}
	for i, a := range got {
		if a.Kind != alert.KindDefault || a.SubjectKey != watched[i] || a.AttestationID != wantIDs[i] || a.Reporter != "Bank2MSP" ||
			a.Label != labels[a.SubjectKey] || a.Member != "Bank1MSP" {
			t.Fatalf("alert %d: %+v", i, a)
		}
	}
	var page struct {
		Alerts []alert.Alert
		Next   *string
	}
	if st, _ := e.call("GET", "/v1/alerts", "bank1-app", nil, &page); st != 200 || len(page.Alerts) != 3 || page.Next != nil {
		t.Fatalf("GET /v1/alerts: %d %+v", st, page)
	}
	for i, a := range page.Alerts {
		if a.ID != got[i].ID || a.AttestationID != got[i].AttestationID {
			t.Fatalf("GET /v1/alerts[%d] = %+v, webhook had %+v", i, a, got[i])
		}
	}
	if st, _ := e.call("GET", "/v1/alerts", "bank2-app", nil, &page); st != 200 || len(page.Alerts) != 0 {
		t.Fatalf("Bank2 sees %d alerts of Bank1's", len(page.Alerts))
	}

	settle := func(id, subject string) {
		body := map[string]any{"attestation": map[string]any{"type": "settlement", "subject": subject, "refersTo": id,
			"settledOn": time.Now().UTC().Format("2006-01-02"), "kind": "full", "amount": 1250000}}
		if st, _ := e.call("POST", "/v1/attestations", "bank2-app", body, nil); st != 201 {
			t.Fatalf("settle: %d", st)
		}
	}
	settle(ids[2], watched[1])
	got, err = rcv.WaitFor(4, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got[3].Kind != alert.KindSettlement || got[3].RefersTo != ids[2] || got[3].SubjectKey != watched[1] {
		t.Fatalf("fourth alert %+v", got[3])
	}
	if all, _ := rcv.Alerts(); len(all) != 4 {
		t.Fatalf("%d deliveries for 4 alerts", len(all))
	}

	// The receiver goes down.
	rcv.SetDown(true)
	settle(ids[0], watched[0])
	// /readyz and /metrics need no credentials: they count, and name no
	// member; the member reads its own receiver's state.
	type ready struct {
		Webhooks, FailingWebhooks int
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		var rd ready
		var own struct {
			Failing bool
			Pending int
		}
		e.call("GET", "/readyz", "", nil, &rd)
		e.call("GET", "/v1/webhook", "bank1-app", nil, &own)
		if rd.FailingWebhooks == 1 && rd.Webhooks == 1 && own.Failing && own.Pending == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("/readyz and GET /v1/webhook never showed the failing receiver: %+v %+v", rd, own)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if resp, err := http.Get(e.url + "/readyz"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(b), "Bank1MSP") {
			t.Fatalf("/readyz names a member: %s", b)
		}
	}
	if m := e.metricsText(); !strings.Contains(m, `blacklist_webhooks{state="failing"} 1`) ||
		!strings.Contains(m, `blacklist_webhook_pending_alerts 1`) || strings.Contains(m, "Bank1MSP") {
		t.Fatal("the metrics do not count the failing receiver, or name its member")
	}
	rcv.SetDown(false)
	if got, err = rcv.WaitFor(5, 20*time.Second); err != nil {
		t.Fatal(err)
	}
	if got[4].Kind != alert.KindSettlement || got[4].RefersTo != ids[0] {
		t.Fatalf("fifth alert %+v", got[4])
	}
}

func (e *env) metricsText() string {
	resp, err := http.Get(e.url + "/metrics")
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// sse is a reader of an alert stream.
type sse struct {
	resp *http.Response
	r    *bufio.Reader
}

func (e *env) stream(client, lastEventID string) *sse {
	e.t.Helper()
	req, _ := http.NewRequest("GET", e.url+"/v1/alerts/stream", nil)
	req.Header.Set("Authorization", "Bearer "+e.keys[client])
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "text/event-stream" {
		e.t.Fatalf("stream: %v %v", resp, err)
	}
	return &sse{resp: resp, r: bufio.NewReader(resp.Body)}
}

// next reads the next event's id and data, skipping comments.
func (s *sse) next(t *testing.T) (id string, a alert.Alert) {
	t.Helper()
	var data string
	for {
		line, err := s.r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		line = strings.TrimRight(line, "\n")
		switch {
		case strings.HasPrefix(line, "id: "):
			id = line[4:]
		case strings.HasPrefix(line, "data: "):
			data = line[6:]
		case line == "" && data != "":
			if err := json.Unmarshal([]byte(data), &a); err != nil {
				t.Fatal(err)
			}
			if a.ID != id {
				t.Fatalf("event id %s, alert id %s", id, a.ID)
			}
			return id, a
		}
	}
}

// TestAlertStreamResumes: an SSE client that reconnects with
// Last-Event-ID gets exactly what it missed, in order.
func TestAlertStreamResumes(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	s := []string{sha("s-0"), sha("s-1"), sha("s-2"), sha("s-3")}
	for _, k := range s {
		if st, _ := e.call("PUT", "/v1/watchlist/"+k, "bank1-app", nil, nil); st != 201 {
			t.Fatalf("watch: %d", st)
		}
	}
	st := e.stream("bank1-app", "")
	e.fileDefaults("bank2-app", s[0])
	id, a := st.next(t)
	if a.SubjectKey != s[0] {
		t.Fatalf("first event %+v", a)
	}
	st.resp.Body.Close()

	// Missed while disconnected.
	e.fileDefaults("bank2-app", s[1])
	e.fileDefaults("bank2-app", s[2], s[3])
	st = e.stream("bank1-app", id)
	defer st.resp.Body.Close()
	for _, want := range s[1:] {
		if _, a := st.next(t); a.SubjectKey != want {
			t.Fatalf("after reconnecting: %+v, want subject %s", a, want)
		}
	}
	// And what comes later arrives live on the same stream.
	e.fileDefaults("bank2-app", sha("stranger"))
	e.call("PUT", "/v1/watchlist/"+sha("late"), "bank1-app", nil, nil)
	e.fileDefaults("bank2-app", sha("late"))
	if _, a := st.next(t); a.SubjectKey != sha("late") {
		t.Fatalf("live event %+v", a)
	}
}

// TestAlertStreamOutlivesServerTimeouts: blacklistd's server has read and
// write timeouts; a stream must stay open past them.
func TestAlertStreamOutlivesServerTimeouts(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	// Only the stream goes through the server with short timeouts: the
	// other calls, on a loaded machine, could take longer than they.
	srv := httptest.NewUnstartedServer(e.h)
	srv.Config.ReadTimeout, srv.Config.WriteTimeout = 200*time.Millisecond, 200*time.Millisecond
	srv.Start()
	defer srv.Close()
	if st, _ := e.call("PUT", "/v1/watchlist/"+sha("patient"), "bank1-app", nil, nil); st != 201 {
		t.Fatalf("watch: %d", st)
	}
	other := e.url
	e.url = srv.URL
	st := e.stream("bank1-app", "")
	e.url = other
	defer st.resp.Body.Close()
	time.Sleep(600 * time.Millisecond) // past both timeouts
	e.fileDefaults("bank2-app", sha("patient"))
	if _, a := st.next(t); a.SubjectKey != sha("patient") {
		t.Fatalf("event %+v", a)
	}
}

// TestWatchlistRoutes: adding, labelling, listing, removing, importing
// with errors, already-listed on add, webhooks, and the refusals.
func TestWatchlistRoutes(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	listed := sha("listed")
	ids := e.fileDefaults("bank2-app", listed)

	var w struct {
		Added  bool
		Alerts []alert.Alert
	}
	if st, _ := e.call("PUT", "/v1/watchlist/"+listed, "bank1-app", map[string]string{"label": "cust-1"}, &w); st != 201 || !w.Added ||
		len(w.Alerts) != 1 || w.Alerts[0].Kind != alert.KindAlreadyListed || w.Alerts[0].AttestationID != ids[0] {
		t.Fatalf("watch a listed subject: %d %+v", st, w)
	}
	if st, _ := e.call("PUT", "/v1/watchlist/"+listed, "bank1-app", map[string]string{"label": "cust-1b"}, &w); st != 200 || w.Added || len(w.Alerts) != 0 {
		t.Fatalf("relabel: %d %+v", st, w)
	}
	e.expect("PUT", "/v1/watchlist/"+listed, "bank1-app", map[string]string{"label": strings.Repeat("x", 200)}, 422, "invalid-argument")
	e.expect("PUT", "/v1/watchlist/"+listed, "bank1-app", `{"label":"x","name":"Zhang"}`, 400, "malformed-request")
	e.expect("PUT", "/v1/watchlist/NOTHEX", "bank1-app", nil, 422, "invalid-argument")
	e.expect("PUT", "/v1/watchlist/"+listed, "auditor", nil, 403, "forbidden")
	e.expect("PUT", "/v1/watchlist/"+listed, "", nil, 401, "unauthenticated")

	csv := "subjectKey,label\n" + sha("c1") + ",a\n" + sha("c2") + ",b\nnot-a-key,c\n"
	var imp importOut
	if st := e.upload("/v1/watchlist/import", "bank1-app", "text/csv", strings.NewReader(csv), &imp); st != 200 ||
		imp.Lines != 4 || imp.Imported != 2 || imp.Rejected != 1 || imp.Errors[0].Line != 4 || // the header is line 1 for both
		strings.Contains(imp.Errors[0].Message, "not-a-key") {
		t.Fatalf("csv import: %d %+v", st, imp)
	}
	ids2 := e.fileDefaults("bank2-app", sha("c3"))
	var idImp importOut
	if st := e.upload("/v1/watchlist/import?format=ndjson", "bank1-app", "application/octet-stream",
		strings.NewReader(`{"subjectKey":"`+sha("c3")+`"}`+"\n"+`{"idType":"cn-ric","idNumber":"11010519491231002X","label":"by id"}`+"\n"), &idImp); st != 200 ||
		idImp.Imported != 2 || idImp.AlreadyListed != 1 {
		t.Fatalf("ndjson import with an id and a listed key: %d %+v (default %s)", st, idImp, ids2[0])
	}
	var p problemOut
	if st := e.upload("/v1/watchlist/import", "bank1-app", "application/xml", strings.NewReader("<x/>"), &p); st != 415 || p.Type != "urn:blacklist:problem:unsupported-media-type" {
		t.Fatalf("xml import: %d %+v", st, p)
	}
	if st := e.upload("/v1/watchlist/import", "bank1-app", "text/csv", strings.NewReader("ssn,name\n1,2\n"), &p); st != 422 || !strings.Contains(p.Detail, "unknown column") {
		t.Fatalf("csv with unknown columns: %d %+v", st, p)
	}
	if st := e.upload("/v1/watchlist/import", "auditor", "text/csv", strings.NewReader(csv), &p); st != 403 {
		t.Fatalf("auditor import: %d", st)
	}
	small := DefaultOptions()
	small.MaxImportBytes = 1000
	es := newEnv(t, small)
	big := "subjectKey,label\n" + strings.Repeat(sha("big")+",x\n", 100)
	if st := es.upload("/v1/watchlist/import", "bank1-app", "text/csv", strings.NewReader(big), &p); st != 413 || !strings.Contains(p.Detail, "importing the file again is safe") {
		t.Fatalf("import over the limit: %d %+v", st, p)
	}

	var wl struct {
		Entries []struct{ SubjectKey, Label string }
		Next    *string
	}
	if st, _ := e.call("GET", "/v1/watchlist?limit=2", "bank1-app", nil, &wl); st != 200 || len(wl.Entries) != 2 || wl.Next == nil {
		t.Fatalf("page 1: %d %+v", st, wl)
	}
	first := append([]struct{ SubjectKey, Label string }(nil), wl.Entries...)
	if st, _ := e.call("GET", "/v1/watchlist?limit=1000&after="+*wl.Next, "bank1-app", nil, &wl); st != 200 || len(wl.Entries) != 3 || wl.Next != nil ||
		wl.Entries[0].SubjectKey <= first[1].SubjectKey {
		t.Fatalf("page 2: %d %+v", st, wl)
	}
	if st, _ := e.call("GET", "/v1/watchlist", "bank2-app", nil, &wl); st != 200 || len(wl.Entries) != 0 {
		t.Fatalf("Bank2 sees Bank1's watchlist: %+v", wl)
	}
	// alreadyListed counts subjects: one with two active defaults is one
	// borrower already listed, though it raises an alert per default.
	e.fileDefaults("bank2-app", sha("c4"), sha("c4"))
	var twice importOut
	if st := e.upload("/v1/watchlist/import?format=ndjson", "bank1-app", "application/octet-stream",
		strings.NewReader(`{"subjectKey":"`+sha("c4")+`"}`+"\n"), &twice); st != 200 || twice.Imported != 1 || twice.AlreadyListed != 1 {
		t.Fatalf("a subject with two defaults: %d %+v", st, twice)
	}
	var alerts struct{ Alerts []alert.Alert }
	e.call("GET", "/v1/alerts", "bank1-app", nil, &alerts)
	n := 0
	for _, a := range alerts.Alerts {
		if a.SubjectKey == sha("c4") && a.Kind == alert.KindAlreadyListed {
			n++
		}
	}
	if n != 2 {
		t.Fatalf("%d already-listed alerts for a subject with two defaults, want 2", n)
	}
	e.expect("GET", "/v1/watchlist?limit=0", "bank1-app", nil, 422, "invalid-argument")
	e.expect("GET", "/v1/watchlist?after=zz", "bank1-app", nil, 422, "invalid-argument")
	e.expect("GET", "/v1/alerts?after=abc", "bank1-app", nil, 422, "invalid-argument")
	if st, _ := e.call("DELETE", "/v1/watchlist/"+listed, "bank1-app", nil, nil); st != 204 {
		t.Fatalf("unwatch: %d", st)
	}
	e.expect("DELETE", "/v1/watchlist/"+listed, "bank1-app", nil, 404, "not-found")

	e.expect("GET", "/v1/webhook", "bank1-app", nil, 404, "not-found")
	// The node sends nothing to its own network or host, however spelled
	// (this gateway's node has no --webhook-allow).
	for _, u := range []string{"ftp://bank1/alerts", "http://127.0.0.1:8080/v1/clients", "http://[::1]/", "http://0x7f000001/",
		"http://localhost/", "http://169.254.169.254/latest/meta-data/", "http://user:pass@bank1.example/alerts", "http://10.0.0.1/"} {
		e.expect("PUT", "/v1/webhook", "bank1-app", map[string]string{"url": u, "secret": "0123456789abcdef"}, 422, "webhook-destination-refused")
	}
	e.expect("PUT", "/v1/webhook", "bank1-app", map[string]string{"url": "https://bank1.example/alerts", "secret": "short"}, 422, "invalid-argument")
	var hook struct{ URL, Secret string }
	if st, _ := e.call("PUT", "/v1/webhook", "bank1-app", map[string]string{"url": "https://bank1.example/alerts", "secret": "0123456789abcdef"}, &hook); st != 200 ||
		hook.URL != "https://bank1.example/alerts" || hook.Secret != "" {
		t.Fatalf("webhook: %d %+v (the secret must not be echoed)", st, hook)
	}
	if st, _ := e.call("DELETE", "/v1/webhook", "bank1-app", nil, nil); st != 204 {
		t.Fatalf("delete webhook: %d", st)
	}
}

type problemOut struct {
	Type, Detail string
}
