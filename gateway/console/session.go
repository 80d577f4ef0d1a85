package console

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"net"
	"net/http"
	"strings"

	"github.com/assoc-ledger/blacklist/gateway/problem"
)

// Sign-in has no session yet, so its form carries a double-submit token
// instead: a random value in a SameSite=Strict cookie and the same value
// in the form. A cross-site form cannot read the cookie, and the browser
// does not send it with a cross-site post.

func newToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

func (s *server) signInPage(w http.ResponseWriter, r *http.Request) {
	q := &req{w: w, r: r, lang: langOf(w, r), path: r.URL.Path}
	s.signInForm(q, http.StatusOK, "")
}

func (s *server) signInForm(q *req, status int, errKey string) {
	tok := newToken()
	http.SetCookie(q.w, &http.Cookie{Name: preCookie, Value: tok, Path: Prefix + "signin", MaxAge: 3600,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: q.r.TLS != nil})
	data := map[string]any{"Pre": tok, "Next": safeNext(q.r.FormValue("next"))}
	if errKey != "" {
		data["Problem"] = &problem.Problem{Status: status, Title: q.T(errKey + ".title"), Detail: q.T(errKey + ".detail")}
	}
	s.render(q, status, "signin", data)
}

// safeNext keeps a post-sign-in destination inside the console.
func safeNext(next string) string {
	if !strings.HasPrefix(next, Prefix) || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n") {
		return Prefix
	}
	return next
}

func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (s *server) signIn(w http.ResponseWriter, r *http.Request) {
	q := &req{w: w, r: r, lang: langOf(w, r), path: r.URL.Path}
	addr := clientAddr(r)
	if wait := s.failed.Blocked(addr); wait > 0 {
		w.Header().Set("Retry-After", retryAfter(wait))
		s.signInForm(q, http.StatusTooManyRequests, "err.signin.budget")
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, 64<<10)
	c, err := r.Cookie(preCookie)
	if err != nil || subtle.ConstantTimeCompare([]byte(c.Value), []byte(r.PostFormValue("csrf"))) != 1 {
		s.problem(q, http.StatusForbidden, &problem.Problem{Status: http.StatusForbidden, Title: q.T("err.csrf.title"), Detail: q.T("err.csrf.detail")})
		return
	}
	token, sess, client, ok, err := s.node.StartSession(strings.TrimSpace(r.PostFormValue("key")), s.opts.SessionTTL)
	if err != nil {
		s.fail(q, err)
		return
	}
	if !ok {
		s.failed.Failed(addr)
		s.log.Warn("console: failed sign-in", "address", addr)
		s.signInForm(q, http.StatusUnauthorized, "err.signin")
		return
	}
	http.SetCookie(w, &http.Cookie{Name: preCookie, Path: Prefix + "signin", MaxAge: -1})
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: token, Path: Prefix, Expires: sess.Expires,
		HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
	s.log.Info("console: signed in", "client", client.Name, "member", client.Member)
	http.Redirect(w, r, safeNext(r.PostFormValue("next")), http.StatusSeeOther)
}

func (s *server) signOut(q *req) {
	if err := s.node.EndSession(q.token); err != nil {
		s.fail(q, err)
		return
	}
	http.SetCookie(q.w, &http.Cookie{Name: sessionCookie, Path: Prefix, MaxAge: -1, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: q.r.TLS != nil})
	http.Redirect(q.w, q.r, Prefix+"signin", http.StatusSeeOther)
}
