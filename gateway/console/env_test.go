package console

import (
	"context"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
)

// env is a real node (embedded ledger in a temp dir, demo consortium)
// with the console and the API mounted as blacklistd mounts them.
type env struct {
	t    testing.TB
	url  string
	n    *node.Node
	keys map[string]string
}

func newEnv(t testing.TB) *env { return newEnvWith(t, node.Options{}) }

// newEnvWith is newEnv with the node's options.
func newEnvWith(t testing.TB, opts node.Options) *env {
	dir := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: dir + "/ledger"})
	if err != nil {
		t.Fatal(err)
	}
	n, err := node.OpenWith(dir, l, opts)
	if err != nil {
		t.Fatal(err)
	}
	creds, err := n.SetupDemo(context.Background(), dir, "http://test")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(handler(n))
	t.Cleanup(func() {
		srv.Close()
		n.Close()
		l.Close()
	})
	e := &env{t: t, url: srv.URL, n: n, keys: map[string]string{}}
	for _, c := range creds.Clients {
		e.keys[c.Name] = c.APIKey
	}
	return e
}

// handler mounts the console beside a stand-in for the API.
func handler(n *node.Node) http.Handler {
	mux := http.NewServeMux()
	mux.Handle(Prefix, New(n, Options{FailedSignInPerMinute: 1, FailedSignInBurst: 3}))
	return mux
}

// browser is a plain HTTP client with a cookie jar (the browser tests
// drive Chromium; these check the server's answers precisely).
type browser struct {
	e *env
	c *http.Client
}

func (e *env) browser() *browser {
	jar, _ := cookiejar.New(nil)
	return &browser{e: e, c: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *browser) get(path string) (int, string) {
	b.e.t.Helper()
	resp, err := b.c.Get(b.e.url + path)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
}

func (b *browser) post(path string, form url.Values) (int, string, http.Header) {
	b.e.t.Helper()
	resp, err := b.c.PostForm(b.e.url+path, form)
	if err != nil {
		b.e.t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body), resp.Header
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf is the token of the first form on page.
func csrf(t testing.TB, page string) string {
	m := csrfField.FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no csrf field in %s", page)
	}
	return m[1]
}

// signIn signs in with client's key and returns the CSRF token of the
// session.
func (b *browser) signIn(client string) string {
	b.e.t.Helper()
	_, page := b.get("/console/signin")
	code, body, h := b.post("/console/signin", url.Values{"csrf": {csrf(b.e.t, page)}, "key": {b.e.keys[client]}})
	if code != http.StatusSeeOther {
		b.e.t.Fatalf("sign-in as %s: %d %s", client, code, body)
	}
	_, home := b.get(h.Get("Location"))
	if strings.Contains(home, "Location") {
		b.e.t.Fatal(home)
	}
	_, page = b.get("/console/webhook")
	return csrf(b.e.t, page)
}
