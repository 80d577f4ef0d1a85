// Package console is the web console of a member's node: pages for the
// association's operators (members, policy, disputes, audit, an overview)
// and for a bank's risk staff (applicant check, filings, disputes to
// answer, watchlist, live alerts, webhook status), served by blacklistd at
// /console/.
//
// The model: the console is another client of the node, like the HTTP API.
// Each page calls the node's typed entry points (node.Authorize first, then
// the node's methods) with the signed-in client, so the role table, the
// member's standing and the query audit apply unchanged, and a page shows
// nothing the API would refuse; a refusal is shown as the API's problem
// document (gateway.ProblemFor), title and detail in the page's language.
//
// Pages are server-rendered html/template; charts are inline SVG drawn on
// the server; the one script (static/console.js) only adds live alerts
// (server-sent events), upload progress and focus handling, and every page
// works without it. Everything is embedded in the binary: no CDN, no outside
// font. The Content-Security-Policy allows scripts and styles from the
// console's own files only (no 'unsafe-inline').
//
// Sign-in takes an API client's key once and gives a session cookie
// (HttpOnly, SameSite=Strict, Secure under TLS, with an expiry); sessions
// live in the node's store (node.StartSession), so signing out ends one on
// the server. Every POST carries the session's synchronizer CSRF token.
// Failed sign-ins are budgeted per address like the API's failed
// authentications. Decision record: docs/decisions/0019-web-console.md.
package console

import (
	"context"
	"embed"
	"html/template"
	"io/fs"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/language"

	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/internal/l10n"
	"github.com/assoc-ledger/blacklist/node"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// Prefix is where the console is mounted.
const Prefix = "/console/"

// DefaultSessionTTL is how long a session lasts after sign-in unless
// Options say otherwise: a working day.
const DefaultSessionTTL = 8 * time.Hour

// Options configure the console.
type Options struct {
	// SessionTTL is how long a session lasts after sign-in
	// (DefaultSessionTTL when 0).
	SessionTTL time.Duration
	// FailedSignInPerMinute and FailedSignInBurst bound the failed
	// sign-ins one address may make (defaults: the API's failed
	// authentication budget, 10 a minute, 20 at once).
	FailedSignInPerMinute float64
	FailedSignInBurst     int
	// Logger receives failed sign-ins and internal errors.
	Logger *slog.Logger
}

type server struct {
	node    *node.Node
	opts    Options
	log     *slog.Logger
	pages   map[string]*template.Template
	failed  *gateway.AddressLimiter
	streams *gateway.StreamCounter
	mux     *http.ServeMux
}

// New returns the console's handler; mount it at Prefix.
func New(n *node.Node, opts Options) http.Handler {
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = DefaultSessionTTL
	}
	if opts.FailedSignInBurst <= 0 {
		d := gateway.DefaultOptions()
		opts.FailedSignInPerMinute, opts.FailedSignInBurst = d.FailedAuthPerMinute, d.FailedAuthBurst
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &server{node: n, opts: opts, log: opts.Logger, pages: parsePages(),
		failed:  gateway.NewAddressLimiter(opts.FailedSignInPerMinute/60, opts.FailedSignInBurst, time.Now),
		streams: gateway.NewStreamCounter(gateway.DefaultOptions().MaxStreamsPerClient)}
	m := http.NewServeMux()
	static, _ := fs.Sub(staticFS, "static")
	m.Handle("GET /console/static/", http.StripPrefix("/console/static/", http.FileServerFS(static)))
	m.HandleFunc("GET /console/{$}", s.home)
	m.HandleFunc("GET /console/signin", s.signInPage)
	m.HandleFunc("POST /console/signin", s.signIn)
	m.HandleFunc("POST /console/signout", s.session(0, s.signOut))
	s.routes(m)
	m.HandleFunc("/console/", s.notFound)
	s.mux = m
	return s
}

// needsNothing marks a page any signed-in client may open.
const needsNothing = node.Capability(-1)

func (s *server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "no-referrer")
	if !strings.HasPrefix(r.URL.Path, "/console/static/") {
		h.Set("Cache-Control", "no-store")
	}
	s.mux.ServeHTTP(w, r)
}

// Cookie names.
const (
	sessionCookie = "bl_session"
	langCookie    = "bl_lang"
	preCookie     = "bl_presignin"
)

// req is one request's context for a handler.
type req struct {
	w      http.ResponseWriter
	r      *http.Request
	lang   language.Tag
	client *node.Client
	sess   node.Session
	token  string
	path   string
}

func (q *req) ctx() context.Context { return q.r.Context() }

// langOf picks the page language: ?lang= (remembered in a cookie), the
// cookie, else Simplified Chinese.
func langOf(w http.ResponseWriter, r *http.Request) language.Tag {
	if v := r.URL.Query().Get("lang"); v == "en" || v == "zh" {
		http.SetCookie(w, &http.Cookie{Name: langCookie, Value: v, Path: Prefix, MaxAge: 365 * 24 * 3600,
			HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil})
		return tagOf(v)
	}
	if c, err := r.Cookie(langCookie); err == nil {
		return tagOf(c.Value)
	}
	return l10n.Chinese
}

func tagOf(v string) language.Tag {
	if v == "en" {
		return l10n.English
	}
	return l10n.Chinese
}

// session wraps a handler that needs a signed-in client with capability
// (checked with node.Authorize, as the API's routes do); a POST also needs
// the session's CSRF token.
func (s *server) session(capability node.Capability, h func(*req)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		q := &req{w: w, r: r, lang: langOf(w, r), path: r.URL.Path}
		c, err := r.Cookie(sessionCookie)
		if err == nil {
			q.token = c.Value
			q.sess, q.client, err = s.node.SessionOf(c.Value)
		}
		if err != nil {
			if r.Method == http.MethodGet && !strings.HasSuffix(r.URL.Path, "/stream") {
				http.Redirect(w, r, Prefix+"signin?next="+url.QueryEscape(r.URL.Path), http.StatusSeeOther)
				return
			}
			s.problem(q, http.StatusUnauthorized, &problem.Problem{Status: http.StatusUnauthorized,
				Title: q.T("err.signedout.title"), Detail: q.T("err.signedout.detail")})
			return
		}
		if r.Method == http.MethodPost && !s.csrfOK(q) {
			s.problem(q, http.StatusForbidden, csrfProblem(q))
			return
		}
		if capability != needsNothing {
			if err := s.node.Authorize(r.Context(), q.client, capability); err != nil {
				s.fail(q, err)
				return
			}
		}
		h(q)
	}
}

// importPath streams its upload and checks the CSRF token itself.
const importPath = Prefix + "watchlist/import"

// csrfOK checks the form's (or, for scripts, the header's) CSRF token
// against the session's. A multipart upload reads it itself, from its
// first part, so that the file is not buffered first.
func (s *server) csrfOK(q *req) bool {
	if tok := q.r.Header.Get("X-CSRF-Token"); tok != "" {
		return q.sess.CheckCSRF(tok)
	}
	if q.r.URL.Path == importPath && strings.HasPrefix(q.r.Header.Get("Content-Type"), "multipart/form-data") {
		return true // checked by the handler before it reads the file
	}
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, 1<<20)
	return q.sess.CheckCSRF(q.r.PostFormValue("csrf"))
}

func csrfProblem(q *req) *problem.Problem {
	return &problem.Problem{Status: http.StatusForbidden, Title: q.T("err.csrf.title"), Detail: q.T("err.csrf.detail")}
}

// problemOf is err as the API's problem document in the page's language.
func problemOf(q *req, err error) problem.Problem { return gateway.ProblemFor(err, q.lang.String()) }

// fail shows a node's refusal as the API's problem document.
func (s *server) fail(q *req, err error) {
	p := problemOf(q, err)
	if p.Status >= 500 {
		s.log.Error("console", "path", q.path, "error", err)
	}
	s.problem(q, p.Status, &p)
}

// problem renders the error page.
func (s *server) problem(q *req, status int, p *problem.Problem) {
	s.render(q, status, "error", map[string]any{"Problem": p})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	q := &req{w: w, r: r, lang: langOf(w, r), path: r.URL.Path}
	if c, err := r.Cookie(sessionCookie); err == nil {
		q.sess, q.client, _ = s.node.SessionOf(c.Value)
	}
	s.problem(q, http.StatusNotFound, &problem.Problem{Status: http.StatusNotFound, Title: q.T("err.notfound.title"), Detail: q.T("err.notfound.detail")})
}

func (s *server) home(w http.ResponseWriter, r *http.Request) {
	s.session(needsNothing, func(q *req) {
		nav := s.nav(q)
		if len(nav) == 0 {
			s.fail(q, s.node.Authorize(q.ctx(), q.client, node.Lookup))
			return
		}
		http.Redirect(w, r, nav[0].Path, http.StatusSeeOther)
	})(w, r)
}

// pageLink is one entry of the navigation.
type pageLink struct {
	Path, Key  string
	capability node.Capability
	assoc      bool
}

// navigation lists every page with the capability it needs; a client sees
// the pages node.Authorize lets it open.
var navigation = []pageLink{
	{Prefix + "overview", "nav.overview", node.ReadStatistics, true},
	{Prefix + "members", "nav.members", node.Administer, true},
	{Prefix + "policy", "nav.policy", node.Administer, true},
	{Prefix + "queue", "nav.queue", node.Administer, true},
	{Prefix + "audit", "nav.audit", node.ReadAudit, true},
	{Prefix + "health", "nav.health", node.Administer, true},
	{Prefix + "check", "nav.check", node.Lookup, false},
	{Prefix + "filings", "nav.filings", node.Report, false},
	{Prefix + "disputes", "nav.disputes", node.ResolveDispute, false},
	{Prefix + "watchlist", "nav.watchlist", node.Monitor, false},
	{Prefix + "alerts", "nav.alerts", node.ReadAlerts, false},
	{Prefix + "webhook", "nav.webhook", node.Monitor, false},
}

func (s *server) nav(q *req) []pageLink {
	if q.client == nil {
		return nil
	}
	admin := q.client.Has(node.RoleAdmin, node.RoleAuditor)
	var out []pageLink
	for _, p := range navigation {
		// The association's operators get its pages, the banks theirs: an
		// admin may read alerts too, but its console is the association's.
		if p.assoc != admin {
			continue
		}
		if s.node.Authorize(q.ctx(), q.client, p.capability) == nil {
			out = append(out, p)
		}
	}
	return out
}

func retryAfter(d time.Duration) string { return strconv.Itoa(int(math.Ceil(d.Seconds()))) }
