package console

import (
	"bytes"
	"context"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

func TestSignInRefusesUnknownKeysAndBudgetsFailures(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	_, page := b.get("/console/signin")
	tok := csrf(t, page)
	for i := range 3 {
		code, body, _ := b.post("/console/signin", url.Values{"csrf": {tok}, "key": {"bl_wrong"}})
		if code != http.StatusUnauthorized || !strings.Contains(body, "API 密钥无效") {
			t.Fatalf("attempt %d: %d %s", i, code, body)
		}
		tok = csrf(t, body)
	}
	// past the budget even the right key is refused, before it is looked at
	code, body, h := b.post("/console/signin", url.Values{"csrf": {tok}, "key": {e.keys["bank1-app"]}})
	if code != http.StatusTooManyRequests || h.Get("Retry-After") == "" {
		t.Fatalf("over budget: %d %s", code, body)
	}
}

func TestSignInNeedsItsFormToken(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	code, body, _ := b.post("/console/signin", url.Values{"key": {e.keys["bank1-app"]}})
	if code != http.StatusForbidden || !strings.Contains(body, "表单令牌缺失或错误") {
		t.Fatalf("sign-in without token: %d %s", code, body)
	}
}

func TestPagesNeedASession(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	code, _ := b.get("/console/webhook")
	if code != http.StatusSeeOther {
		t.Fatalf("page without session: %d", code)
	}
	code, _, _ = b.post("/console/signout", url.Values{})
	if code != http.StatusUnauthorized {
		t.Fatalf("post without session: %d", code)
	}
}

func TestPostWithoutTheSessionsCSRFTokenFails(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("bank1-app")
	for _, bad := range []url.Values{{}, {"csrf": {"x" + tok}}} {
		code, body, _ := b.post("/console/signout", bad)
		if code != http.StatusForbidden || !strings.Contains(body, "表单令牌缺失或错误") {
			t.Fatalf("csrf %v: %d %s", bad, code, body)
		}
	}
	// another session's token is no good either
	other := e.browser()
	otherTok := other.signIn("bank1-app")
	if code, _, _ := b.post("/console/signout", url.Values{"csrf": {otherTok}}); code != http.StatusForbidden {
		t.Fatalf("other session's token: %d", code)
	}
	if code, _ := b.get("/console/webhook"); code != http.StatusOK {
		t.Fatalf("session after refused posts: %d", code)
	}
}

func TestSignOutEndsTheSessionOnTheServer(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("bank1-app")
	u, _ := url.Parse(e.url + "/console/")
	cookie := b.c.Jar.Cookies(u)
	if code, _, _ := b.post("/console/signout", url.Values{"csrf": {tok}}); code != http.StatusSeeOther {
		t.Fatalf("sign-out: %d", code)
	}
	// the old cookie, replayed, is worth nothing now
	replay := e.browser()
	replay.c.Jar.SetCookies(u, cookie)
	if code, _ := replay.get("/console/webhook"); code != http.StatusSeeOther {
		t.Fatalf("replayed cookie after sign-out: %d", code)
	}
}

func TestSessionCookieAndHeaders(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	_, page := b.get("/console/signin")
	_, _, h := b.post("/console/signin", url.Values{"csrf": {csrf(t, page)}, "key": {e.keys["bank1-app"]}})
	var set string
	for _, c := range h.Values("Set-Cookie") {
		if strings.HasPrefix(c, sessionCookie+"=") {
			set = c
		}
	}
	for _, want := range []string{"HttpOnly", "SameSite=Strict", "Expires=", "Path=/console/"} {
		if !strings.Contains(set, want) {
			t.Errorf("session cookie %q lacks %s", set, want)
		}
	}
	resp, err := b.c.Get(e.url + "/console/signin")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	csp := resp.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Fatalf("CSP %q", csp)
	}
}

// A multipart form is checked like any other: only the watchlist upload
// reads its token from the stream, and it refuses a file before its token.
func TestMultipartPostsNeedTheTokenToo(t *testing.T) {
	e := newEnv(t)
	b := e.browser()
	tok := b.signIn("assoc-admin")
	post := func(path string, parts [][2]string) (int, string) {
		var body bytes.Buffer
		w := multipart.NewWriter(&body)
		for _, p := range parts {
			if p[0] == "file" {
				f, _ := w.CreateFormFile("file", "book.csv")
				f.Write([]byte(p[1]))
				continue
			}
			w.WriteField(p[0], p[1])
		}
		w.Close()
		resp, err := b.c.Post(e.url+path, w.FormDataContentType(), &body)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		out, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(out)
	}
	code, _ := post("/console/members/status", [][2]string{{"mspId", "Bank2MSP"}, {"action", "suspend"}, {"reason", "x"}, {"confirm", "yes"}})
	if code != http.StatusForbidden {
		t.Fatalf("multipart suspension without a token: %d", code)
	}
	if m, _, _ := e.n.Member(context.Background(), e.clientOf("assoc-admin"), "Bank2MSP"); m.Status != "active" {
		t.Fatalf("Bank2MSP is %s", m.Status)
	}
	code, _ = post("/console/members/status", [][2]string{{"csrf", tok}, {"mspId", "Bank2MSP"}, {"action", "suspend"}, {"reason", "x"}, {"confirm", "yes"}})
	if code != http.StatusSeeOther {
		t.Fatalf("multipart suspension with the token: %d", code)
	}

	bank := e.browser()
	btok := bank.signIn("bank1-app")
	b = bank
	code, _ = post("/console/watchlist/import", [][2]string{{"file", "cn-ric,11010519491231002X,c1\n"}, {"csrf", btok}})
	if code != http.StatusForbidden {
		t.Fatalf("upload with the file before the token: %d", code)
	}
	code, _ = post("/console/watchlist/import", [][2]string{{"csrf", btok}, {"format", "csv"}, {"file", "idType,idNumber,label\ncn-ric,11010519491231002X,c1\n"}})
	if code != http.StatusSeeOther {
		t.Fatalf("upload: %d", code)
	}
	if _, page := bank.get("/console/watchlist"); !strings.Contains(page, e.subject(applicant)) {
		t.Fatal("uploaded borrower not on the watchlist")
	}
}
