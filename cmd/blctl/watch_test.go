package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	neturl "net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// fileDefault has Bank2 file a default on subject with blctl submit, as
// its back office would; Bank1 watching the subject then gets an alert.
func fileDefault(t *testing.T, url string, keys map[string]string, subject string) {
	t.Helper()
	now := time.Now().UTC()
	b, _ := json.Marshal(map[string]any{"type": "default", "subject": subject, "loanRef": hexSum("loan of " + subject),
		"product": "consumer", "amount": 250000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -120).Format("2006-01-02"),
		"daysPastDue": 100, "noticeDate": now.AddDate(0, 0, -90).Format("2006-01-02")})
	file := filepath.Join(t.TempDir(), "default.ndjson")
	if err := os.WriteFile(file, append(b, '\n'), 0o600); err != nil {
		t.Fatal(err)
	}
	if code, out, errOut := blctl(t, url, keys["bank2-app"], "submit", file); code != exitOK {
		t.Fatalf("Bank2 submit: exit %d\n%s\n%s", code, out, errOut)
	}
}

// eventually reruns blctl until its stdout contains want: alerts are
// raised by the node's monitor once the change is committed, not within
// the request that made it.
func eventually(t *testing.T, url, key, want string, args ...string) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		code, out, errOut := blctl(t, url, key, args...)
		if code == exitOK && strings.Contains(out, want) {
			return out
		}
		if time.Now().After(deadline) {
			t.Fatalf("%q never showed %q: exit %d\n%s\n%s", args, want, code, out, errOut)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// TestWatchImportAgainstTheRealGateway streams a loan book of 20,000 keys
// and two bad lines, then a CSV book, and pages through the result.
func TestWatchImportAgainstTheRealGateway(t *testing.T) {
	url, keys := realNode(t)
	dir := t.TempDir()
	book := filepath.Join(dir, "book.ndjson")
	f, err := os.Create(book)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	const n = 20000
	for i := range n {
		switch i {
		case 4:
			fmt.Fprintln(w, "this is not json") // line 5
		case 10000:
			fmt.Fprintln(w, `{"subjectKey":"ABC","label":"bad key"}`) // line 10002
		}
		fmt.Fprintf(w, `{"subjectKey":"%s","label":"cust-%d"}`+"\n", hexSum(fmt.Sprint("book ", i)), i)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	f.Close()

	old := progressInterval
	progressInterval = time.Nanosecond // a line per read, so that the test sees some
	defer func() { progressInterval = old }()

	code, out, errOut := blctl(t, url, keys["bank1-app"], "watch", "import", book)
	if code != exitRefused {
		t.Fatalf("import with bad lines: exit %d, want %d\n%s\n%s", code, exitRefused, out, errOut)
	}
	for _, want := range []string{"lines           20002", "imported        20000", "rejected        2", "\n5      not a JSON object", "\n10002  subjectKey: must be"} {
		if !strings.Contains(out, want) {
			t.Errorf("import output lacks %q:\n%s", want, out)
		}
	}
	if !strings.Contains(errOut, "blctl watch import: ") || !strings.Contains(errOut, " MiB sent, ") || !strings.Contains(errOut, " lines") {
		t.Errorf("no progress on stderr:\n%s", errOut)
	}

	// Importing again only relabels; json output is the node's answer.
	code, out, _ = blctl(t, url, keys["bank1-app"], "--output", "json", "watch", "import", book)
	var res importResult
	if code != exitRefused || json.Unmarshal([]byte(out), &res) != nil || res.Lines != n+2 || res.Imported != n || res.Rejected != 2 ||
		len(res.Errors) != 2 || res.Errors[0].Line != 5 || res.Errors[1].Line != 10002 {
		t.Fatalf("json import: exit %d %+v\n%s", code, res, out)
	}

	csvBook := filepath.Join(dir, "book.csv")
	os.WriteFile(csvBook, []byte("subjectKey,idType,idNumber,label\n"+
		hexSum("csv 1")+",,,cust-c1\n"+
		hexSum("csv 2")+",,,\n"+
		",cn-ric,11010519491231002X,cust-c3\n"), 0o600)
	code, out, errOut = blctl(t, url, keys["bank1-app"], "--output", "json", "watch", "import", csvBook)
	if code != exitOK || json.Unmarshal([]byte(out), &res) != nil || res.Lines != 4 || res.Imported != 3 || res.Rejected != 0 { // the header is line 1
		t.Fatalf("csv import: exit %d\n%s\n%s", code, out, errOut)
	}

	// The same CSV from stdin needs --format.
	var stdout, stderr bytes.Buffer
	csvText, _ := os.ReadFile(csvBook)
	args := []string{"--server", url, "--api-key", keys["bank1-app"], "watch", "import", "--format", "csv", "-"}
	if code := run(args, bytes.NewReader(csvText), &stdout, &stderr); code != exitOK || !strings.Contains(stdout.String(), "imported        3") {
		t.Fatalf("csv from stdin: exit %d\n%s\n%s", code, stdout.String(), stderr.String())
	}

	// All pages, in pages of 700; and one page with a pointer to the next.
	code, out, errOut = blctl(t, url, keys["bank1-app"], "--output", "json", "watch", "list", "--all", "--limit", "700")
	var list struct {
		Entries []watchEntry `json:"entries"`
		Next    *string      `json:"next"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &list) != nil || len(list.Entries) != n+3 || list.Next != nil {
		t.Fatalf("list --all: exit %d, %d entries\n%s", code, len(list.Entries), errOut)
	}
	seen := map[string]bool{}
	for i, e := range list.Entries {
		if seen[e.SubjectKey] || (i > 0 && e.SubjectKey <= list.Entries[i-1].SubjectKey) {
			t.Fatalf("entry %d (%s) out of order or repeated", i, e.SubjectKey)
		}
		seen[e.SubjectKey] = true
	}
	code, out, errOut = blctl(t, url, keys["bank1-app"], "watch", "list", "--limit", "5")
	if rows := tableKeys(out); code != exitOK || len(rows) != 5 || !strings.Contains(errOut, "--after "+list.Entries[4].SubjectKey) {
		t.Fatalf("one page: exit %d\n%s\n%s", code, out, errOut)
	}
	if _, out, _ := blctl(t, url, keys["bank2-app"], "watch", "list"); len(tableKeys(out)) != 0 {
		t.Fatalf("Bank2 sees Bank1's watchlist:\n%s", out)
	}
}

func TestWatchAddRemoveAndAlerts(t *testing.T) {
	url, keys := realNode(t)
	bank1 := keys["bank1-app"]
	watched, listed := hexSum("watched"), hexSum("listed before")

	code, out, errOut := blctl(t, url, bank1, "watch", "add", watched, "--label", "cust-1")
	if code != exitOK || !strings.Contains(out, "added           yes") || !strings.Contains(out, "cust-1") {
		t.Fatalf("add: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = blctl(t, url, bank1, "watch", "add", "--label", "cust-one", watched)
	if code != exitOK || !strings.Contains(out, "watched already; label replaced") {
		t.Fatalf("relabel: exit %d\n%s", code, out)
	}
	if code, out, _ := blctl(t, url, bank1, "watch", "list"); code != exitOK || !strings.Contains(out, short(watched)) || !strings.Contains(out, "cust-one") {
		t.Fatalf("list: exit %d\n%s", code, out)
	}

	// Bank2 files a default on the watched subject: Bank1 is alerted.
	fileDefault(t, url, keys, watched)
	out = eventually(t, url, bank1, short(watched), "alerts")
	if !strings.Contains(out, "default") || !strings.Contains(out, "Bank2MSP") || !strings.Contains(out, "cust-one") || !strings.HasPrefix(out, "ID ") {
		t.Fatalf("alerts:\n%s", out)
	}
	code, out, _ = blctl(t, url, bank1, "--output", "json", "alerts")
	var page struct {
		Alerts []alertView `json:"alerts"`
		Last   string      `json:"last"`
	}
	if code != exitOK || json.Unmarshal([]byte(out), &page) != nil || len(page.Alerts) != 1 || page.Last != page.Alerts[0].ID ||
		page.Alerts[0].SubjectKey != watched || page.Alerts[0].Kind != "default" {
		t.Fatalf("json alerts: exit %d\n%s", code, out)
	}
	last := page.Last
	code, out, _ = blctl(t, url, bank1, "--output", "json", "alerts", "--after", last)
	if code != exitOK || json.Unmarshal([]byte(out), &page) != nil || len(page.Alerts) != 0 || page.Last != last {
		t.Fatalf("alerts --after the last: exit %d\n%s", code, out)
	}
	if _, out, _ := blctl(t, url, keys["bank2-app"], "alerts"); strings.Contains(out, short(watched)) {
		t.Fatalf("Bank2 sees Bank1's alerts:\n%s", out)
	}

	// Watching a subject that is listed already raises an alert at once.
	fileDefault(t, url, keys, listed)
	code, out, _ = blctl(t, url, bank1, "watch", "add", listed)
	if code != exitOK || !strings.Contains(out, "already listed  1") || !strings.Contains(out, "already-listed") {
		t.Fatalf("add a listed subject: exit %d\n%s", code, out)
	}

	if code, out, _ := blctl(t, url, bank1, "watch", "rm", watched); code != exitOK || !strings.Contains(out, "removed "+watched) {
		t.Fatalf("rm: exit %d\n%s", code, out)
	}
	if code, _, errOut := blctl(t, url, bank1, "watch", "rm", watched); code != exitRefused || !strings.Contains(errOut, "not-found") {
		t.Fatalf("rm of an unwatched subject: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, bank1, "watch", "add", "not-a-key"); code != exitRefused {
		t.Fatalf("add of a bad key: exit %d\n%s", code, errOut)
	}
}

// syncBuffer is a bytes.Buffer that a command running on another
// goroutine may write while the test reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func (s *syncBuffer) waitFor(t *testing.T, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(s.String(), want) {
		if time.Now().After(deadline) {
			t.Fatalf("never got %q; got:\n%s", want, s.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// TestAlertsFollowResumesAfterADroppedConnection follows the stream through
// a proxy that drops the connection after the first alert: blctl
// reconnects with that alert's id as Last-Event-ID and prints the next
// alert, and no alert twice, until its context is cancelled.
func TestAlertsFollowResumesAfterADroppedConnection(t *testing.T) {
	url, keys := realNode(t)
	first, second := hexSum("follow 1"), hexSum("follow 2")
	for _, s := range []string{first, second} {
		if code, _, errOut := blctl(t, url, keys["bank1-app"], "watch", "add", s); code != exitOK {
			t.Fatalf("watch add: exit %d %s", code, errOut)
		}
	}
	fileDefault(t, url, keys, first)

	target, _ := neturl.Parse(url)
	upstream := httputil.NewSingleHostReverseProxy(target)
	var mu sync.Mutex
	var lastEventIDs []string
	proxy := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1/alerts/stream" {
			mu.Lock()
			lastEventIDs = append(lastEventIDs, r.Header.Get("Last-Event-ID"))
			mu.Unlock()
		}
		upstream.ServeHTTP(w, r)
	}))
	defer proxy.Close()

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		args := []string{"--server", proxy.URL, "--api-key", keys["bank1-app"], "alerts", "--follow"}
		done <- runContext(ctx, args, strings.NewReader(""), &stdout, &stderr)
	}()
	stdout.waitFor(t, short(first))
	firstID := strings.Fields(strings.Split(stdout.String(), "\n")[1])[0]

	proxy.CloseClientConnections()
	fileDefault(t, url, keys, second)
	stdout.waitFor(t, short(second))
	cancel()
	select {
	case code := <-done:
		if code != exitOK {
			t.Fatalf("interrupted --follow: exit %d\n%s", code, stderr.String())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("--follow did not end when its context was cancelled")
	}

	out := stdout.String()
	if !strings.HasPrefix(out, "ID ") || strings.Count(out, short(first)) != 1 || strings.Count(out, short(second)) != 1 {
		t.Fatalf("followed alerts (want each once, after the header):\n%s", out)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(lastEventIDs) < 2 || lastEventIDs[0] != "" || lastEventIDs[1] != firstID {
		t.Fatalf("Last-Event-ID of the stream requests: %q, want \"\" then %q", lastEventIDs, firstID)
	}
	if !strings.Contains(stderr.String(), "reconnecting in") {
		t.Fatalf("the reconnection was not reported:\n%s", stderr.String())
	}
}

func TestWebhookCommands(t *testing.T) {
	url, keys := realNode(t)
	bank1 := keys["bank1-app"]
	receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusNoContent) }))
	defer receiver.Close()
	const secret = "a-secret-of-more-than-16-bytes"
	secretFile := filepath.Join(t.TempDir(), "webhook.secret")
	os.WriteFile(secretFile, []byte(secret+"\n"), 0o600)

	t.Setenv(webhookSecretEnv, "")
	if code, _, errOut := blctl(t, url, bank1, "webhook", "set", "--url", receiver.URL); code != exitUsage || !strings.Contains(errOut, webhookSecretEnv) {
		t.Fatalf("set without a secret: exit %d\n%s", code, errOut)
	}
	if code, _, errOut := blctl(t, url, bank1, "webhook", "show"); code != exitRefused || !strings.Contains(errOut, "HTTP 404") {
		t.Fatalf("show before set: exit %d\n%s", code, errOut)
	}
	code, out, errOut := blctl(t, url, bank1, "webhook", "set", "--url", receiver.URL, "--secret-file", secretFile)
	if code != exitOK || !strings.Contains(out, receiver.URL) || !strings.Contains(out, "Bank1MSP") || strings.Contains(out+errOut, secret) {
		t.Fatalf("set: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = blctl(t, url, bank1, "--output", "json", "webhook", "show")
	var st webhookStatus
	if code != exitOK || json.Unmarshal([]byte(out), &st) != nil || st.URL != receiver.URL || st.Member != "Bank1MSP" || strings.Contains(out, secret) {
		t.Fatalf("show: exit %d\n%s", code, out)
	}

	// An internal destination is the node's to refuse.
	if code, _, errOut := blctl(t, url, bank1, "webhook", "set", "--url", "http://169.254.169.254/latest/meta-data/", "--secret-file", secretFile); code != exitRefused ||
		!strings.Contains(errOut, "destination refused") {
		t.Fatalf("internal destination: exit %d\n%s", code, errOut)
	}

	// From the environment; a short secret is the node's to refuse.
	t.Setenv(webhookSecretEnv, "short")
	if code, _, errOut := blctl(t, url, bank1, "webhook", "set", "--url", receiver.URL); code != exitRefused || !strings.Contains(errOut, "16 bytes") {
		t.Fatalf("short secret: exit %d\n%s", code, errOut)
	}
	t.Setenv(webhookSecretEnv, secret+"-2")
	if code, _, errOut := blctl(t, url, bank1, "webhook", "set", "--url", receiver.URL+"/v2"); code != exitOK {
		t.Fatalf("set from the environment: exit %d\n%s", code, errOut)
	}
	if _, out, _ := blctl(t, url, bank1, "webhook", "show"); !strings.Contains(out, receiver.URL+"/v2") {
		t.Fatalf("show after the change:\n%s", out)
	}

	if code, out, _ := blctl(t, url, bank1, "webhook", "rm"); code != exitOK || out != "webhook removed\n" {
		t.Fatalf("rm: exit %d %q", code, out)
	}
	if code, _, _ := blctl(t, url, bank1, "webhook", "rm"); code != exitRefused {
		t.Fatalf("second rm: exit %d", code)
	}
}

func TestWatchUsageErrors(t *testing.T) {
	dir := t.TempDir()
	txt := filepath.Join(dir, "book.txt")
	os.WriteFile(txt, []byte("x\n"), 0o600)
	for _, args := range [][]string{
		{"watch"},
		{"watch", "nope"},
		{"watch", "import"},
		{"watch", "import", "a.ndjson", "b.ndjson"},
		{"watch", "import", "-"},
		{"watch", "import", txt},
		{"watch", "import", "--format", "xml", txt},
		{"watch", "import", filepath.Join(dir, "missing.ndjson")},
		{"watch", "add"},
		{"watch", "add", hex64("a"), hex64("b")},
		{"watch", "rm"},
		{"watch", "list", "extra"},
		{"watch", "list", "--limit", "0"},
		{"alerts", "extra"},
		{"alerts", "--after", "yesterday"},
		{"webhook"},
		{"webhook", "set", "--secret-file", txt},
		{"webhook", "set", "--url", "https://x.example", "the-secret"},
		{"webhook", "set", "--url", "https://x.example", "--secret-file", filepath.Join(dir, "missing")},
		{"webhook", "show", "extra"},
		{"webhook", "rm", "extra"},
	} {
		code, _, stderr := runCLI(t, "", append([]string{"--server", "http://127.0.0.1:1"}, args...)...)
		if code != exitUsage {
			t.Errorf("%q: exit %d, want %d; stderr:\n%s", args, code, exitUsage, stderr)
		}
	}
}

func TestWatchHelp(t *testing.T) {
	for _, args := range [][]string{
		{"watch"}, {"watch", "import"}, {"watch", "add"}, {"watch", "rm"}, {"watch", "list"},
		{"alerts"}, {"webhook"}, {"webhook", "set"}, {"webhook", "show"}, {"webhook", "rm"},
	} {
		code, out, stderr := runCLI(t, "", append(args, "--help")...)
		if code != exitOK || !strings.Contains(out, "Usage: blctl "+strings.Join(args, " ")) || !strings.Contains(out, "xample") {
			t.Errorf("%q --help: exit %d\nstdout:\n%s\nstderr:\n%s", args, code, out, stderr)
		}
	}
}

func TestProgressInBytes(t *testing.T) {
	var buf bytes.Buffer
	now := fixedNow()
	tty := &progress{w: &buf, tty: true, bytes: true, total: 4 << 20, now: func() time.Time { return now }}
	tty.show("watch import", 2<<20, "1000 lines", true)
	if got := buf.String(); got != "\r[###############...............] 2.0 MiB/4.0 MiB  1000 lines\n" {
		t.Fatalf("bar %q", got)
	}
	buf.Reset()
	plain := &progress{w: &buf, bytes: true, now: func() time.Time { return now }, interval: time.Second}
	plain.show("watch import", 100, "", false)
	now = now.Add(time.Second)
	plain.show("watch import", 3<<30+1<<29, "7 lines", false)
	if got := buf.String(); got != "blctl watch import: 3.5 GiB sent, 7 lines\n" {
		t.Fatalf("plain %q", got)
	}
}

func TestReadEvents(t *testing.T) {
	stream := ": alerts of Bank1MSP after 0\nretry: 2000\n\n" +
		"id: 7\r\nevent: alert\r\ndata: {\"id\":\"7\"}\r\n\r\n" +
		": keep-alive\n\n" +
		"data: line one\ndata:line two\n\n" +
		"id: 8\nevent: alert\ndata: {\"id\":\"8\"}\n" // cut before its blank line: not dispatched
	var got []sseEvent
	var retry time.Duration
	err := readEvents(strings.NewReader(stream), func(ev sseEvent) error { got = append(got, ev); return nil }, func(d time.Duration) { retry = d })
	want := []sseEvent{{id: "7", name: "alert", data: `{"id":"7"}`}, {name: "message", data: "line one\nline two"}}
	if err != nil || retry != 2*time.Second || fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("events %+v retry %s err %v", got, retry, err)
	}
}

// TestImportIsSentOnce: a streamed body cannot be sent again, so a 429 is
// reported rather than retried; and an import is bounded by --timeout only
// when the node stalls, which is a transport failure.
func TestImportIsSentOnce(t *testing.T) {
	var mu sync.Mutex
	calls := 0
	stall := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		calls++
		n := calls
		mu.Unlock()
		if n == 1 {
			w.Header().Set("Retry-After", "1")
			writeProblem(w, 429, "rate-limited", "Rate limit exceeded", "slow down")
			return
		}
		select { // never answers, until the test ends
		case <-stall:
		case <-r.Context().Done():
		}
	}))
	defer srv.Close()
	defer close(stall)
	book := filepath.Join(t.TempDir(), "book.ndjson")
	os.WriteFile(book, []byte(`{"subjectKey":"`+hex64("k")+`"}`+"\n"), 0o600)

	code, _, stderr := runCLI(t, "", "--server", srv.URL, "watch", "import", book)
	mu.Lock()
	n := calls
	mu.Unlock()
	if code != exitRefused || n != 1 || !strings.Contains(stderr, "rate-limited") || strings.Contains(stderr, "retrying") {
		t.Fatalf("429: exit %d after %d calls\n%s", code, n, stderr)
	}
	code, _, stderr = runCLI(t, "", "--server", srv.URL, "--timeout", "200ms", "watch", "import", book)
	if code != exitTransport || !strings.Contains(stderr, "no progress within 200ms (see --timeout)") {
		t.Fatalf("stalled node: exit %d\n%s", code, stderr)
	}
}
