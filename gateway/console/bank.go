package console

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

// pageSize is how many rows a list shows per page.
const pageSize = 20

func (s *server) bankRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /console/check", s.session(node.Lookup, s.checkPage))
	m.HandleFunc("POST /console/check", s.session(node.Lookup, s.check))
	m.HandleFunc("GET /console/filings", s.session(node.Report, s.filingsPage))
	m.HandleFunc("POST /console/filings", s.session(node.Report, s.filingsSearch))
	m.HandleFunc("POST /console/filings/export", s.session(node.Report, s.filingsExport))
	m.HandleFunc("GET /console/filings/new", s.session(node.Report, s.newDefaultPage))
	m.HandleFunc("POST /console/filings/new", s.session(node.Report, s.newDefault))
	m.HandleFunc("POST /console/filings/settle", s.session(node.Report, s.settle))
	m.HandleFunc("POST /console/filings/revoke", s.session(node.Report, s.revoke))
	m.HandleFunc("GET /console/disputes", s.session(node.ResolveDispute, s.myDisputes))
	m.HandleFunc("POST /console/disputes/resolve", s.session(node.ResolveDispute, s.resolveDispute))
	m.HandleFunc("GET /console/watchlist", s.session(node.Monitor, s.watchlistPage))
	m.HandleFunc("POST /console/watchlist/add", s.session(node.Monitor, s.watchAdd))
	m.HandleFunc("POST /console/watchlist/remove", s.session(node.Monitor, s.watchRemove))
	m.HandleFunc("POST /console/watchlist/import", s.session(node.Monitor, s.watchImport))
	m.HandleFunc("GET /console/alerts", s.session(node.ReadAlerts, s.alertsPage))
	m.HandleFunc("GET /console/alerts/stream", s.session(node.ReadAlerts, s.alertStream))
	m.HandleFunc("GET /console/webhook", s.session(node.Monitor, s.webhookPage))
}

// --- applicant check ---

func (s *server) checkPage(q *req) {
	s.render(q, http.StatusOK, "check", map[string]any{"Purposes": node.Purposes, "Purpose": "loan-approval"})
}

// check derives the subject key of the typed identity number in the node
// (audited, budgeted, never stored) and looks it up with the stated
// purpose. The number is not echoed back: the page shows the key.
func (s *server) check(q *req) {
	purpose := q.r.PostFormValue("purpose")
	data := map[string]any{"Purposes": node.Purposes, "Purpose": purpose}
	// a purpose the lookup would refuse is refused before a derivation
	// is spent on it
	if !slices.Contains(node.Purposes, purpose) {
		s.formError(q, "check", data, node.ErrBadPurpose)
		return
	}
	key, err := s.node.DeriveSubjectKey(q.ctx(), q.client, q.r.PostFormValue("idType"), strings.TrimSpace(q.r.PostFormValue("idNumber")))
	if err != nil {
		s.formError(q, "check", data, err)
		return
	}
	out, height, err := s.node.Lookup(q.ctx(), q.client, purpose, []string{key}, false)
	if err != nil {
		s.formError(q, "check", data, err)
		return
	}
	data["Status"], data["AsOf"] = out[0], height
	s.render(q, http.StatusOK, "check", data)
}

// formError shows page again with the node's refusal as a problem.
func (s *server) formError(q *req, page string, data map[string]any, err error) {
	p := problemOf(q, err)
	data["Problem"] = &p
	s.render(q, p.Status, page, data)
}

var products = []string{"consumer", "credit-card", "mortgage", "business", "other"}

func (s *server) newDefaultPage(q *req) {
	s.render(q, http.StatusOK, "newdefault", map[string]any{"Products": products, "Form": url.Values{"currency": {"CNY"}}})
}

// newDefault files a default from the form: the identity number becomes a
// subject key in the node, the loan number its SHA-256 (the ledger keeps
// only the hash), and the node signs with the member's key.
func (s *server) newDefault(q *req) {
	f := q.r.PostForm
	form := url.Values{}
	for k, v := range f {
		if k != "idNumber" && k != "csrf" {
			form[k] = v
		}
	}
	data := map[string]any{"Products": products, "Form": form}
	subject, err := s.node.DeriveSubjectKey(q.ctx(), q.client, f.Get("idType"), strings.TrimSpace(f.Get("idNumber")))
	if err != nil {
		s.formError(q, "newdefault", data, err)
		return
	}
	cur := strings.ToUpper(strings.TrimSpace(f.Get("currency")))
	amount, err := parseMoney(f.Get("amount"), cur)
	if err != nil {
		s.formError(q, "newdefault", data, invalid(err.Error()))
		return
	}
	days, err := strconv.Atoi(strings.TrimSpace(f.Get("daysPastDue")))
	if err != nil {
		s.formError(q, "newdefault", data, invalid("daysPastDue: a whole number of days"))
		return
	}
	loan := strings.TrimSpace(f.Get("loanNumber"))
	if loan == "" {
		s.formError(q, "newdefault", data, invalid("loanNumber: required"))
		return
	}
	sum := sha256.Sum256([]byte(loan))
	p := &attestation.Payload{Type: attestation.TypeDefault, Subject: subject, LoanRef: hex.EncodeToString(sum[:]),
		Product: f.Get("product"), Amount: &amount, Currency: cur, OverdueSince: f.Get("overdueSince"),
		DaysPastDue: &days, NoticeDate: f.Get("noticeDate")}
	id, err := s.submitOne(q, p)
	if err != nil {
		s.formError(q, "newdefault", data, err)
		return
	}
	s.render(q, http.StatusOK, "newdefault", map[string]any{"Products": products, "Form": url.Values{"currency": {"CNY"}},
		"Flash": q.T("filings.filed", id), "Filed": id})
}

// submitOne files one attestation and turns an item's rejection into an
// error.
func (s *server) submitOne(q *req, p *attestation.Payload) (string, error) {
	res, err := s.node.Submit(q.ctx(), q.client, []node.AttestationInput{{Payload: p}})
	if err != nil {
		return "", err
	}
	r := res.Results[0]
	if r.Status == contract.ItemRejected {
		return "", &contract.Error{Code: contract.CodeInvalidArgument, Msg: r.Message}
	}
	return r.ID, nil
}

func invalid(msg string) error { return &contract.Error{Code: contract.CodeInvalidArgument, Msg: msg} }

// --- disputes ---

// disputeRow is a dispute with its days left, or, when Late, the days it
// is overdue.
type disputeRow struct {
	contract.Dispute
	DaysLeft int
	Late     bool
}

func disputeRows(ds []contract.Dispute, keep func(contract.Dispute) bool) []disputeRow {
	now := time.Now()
	var out []disputeRow
	for _, d := range ds {
		if !keep(d) {
			continue
		}
		r := disputeRow{Dispute: d}
		if due, err := time.Parse(time.RFC3339Nano, d.DueBy); err == nil {
			// whole days, rounded up: a deadline later today is 1 day left,
			// one missed this morning 1 day overdue
			left := due.Sub(now)
			r.Late = left < 0
			if r.Late {
				r.DaysLeft = int(math.Ceil(-left.Hours() / 24))
			} else {
				r.DaysLeft = int(math.Ceil(left.Hours() / 24))
			}
		}
		out = append(out, r)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].DueBy < out[j].DueBy })
	return out
}

// myDisputes lists the open disputes on the member's own defaults, by
// deadline.
func (s *server) myDisputes(q *req) {
	ds, _, err := s.node.Disputes(q.ctx(), q.client, contract.DisputeOpen)
	if err != nil {
		s.fail(q, err)
		return
	}
	rows := disputeRows(ds, func(d contract.Dispute) bool { return d.Reporter == q.client.Member })
	s.render(q, http.StatusOK, "disputes", s.paged(q, map[string]any{"Queue": false}, rows))
}

func (s *server) resolveDispute(q *req) {
	f := q.r.PostForm
	_, _, err := s.node.ResolveDispute(q.ctx(), q.client, contract.ResolveDisputeRequest{DisputeID: f.Get("dispute"), Outcome: f.Get("outcome"), Note: f.Get("note")})
	if err != nil {
		s.fail(q, err)
		return
	}
	back := "/console/disputes"
	if f.Get("queue") == "1" {
		back = "/console/queue"
	}
	http.Redirect(q.w, q.r, back+"?done="+url.QueryEscape(f.Get("dispute")), http.StatusSeeOther)
}

// paged puts page ?page= of rows in data (Rows, Prev, Next).
func paged[T any](q *req, data map[string]any, rows []T) map[string]any {
	page, _ := strconv.Atoi(q.r.URL.Query().Get("page"))
	page = max(page, 1)
	start := min((page-1)*pageSize, len(rows))
	end := min(start+pageSize, len(rows))
	data["Rows"] = rows[start:end]
	data["Total"] = len(rows)
	link := func(p int) string {
		v := q.r.URL.Query()
		v.Del("lang")
		v.Set("page", strconv.Itoa(p))
		return q.path + "?" + v.Encode()
	}
	if page > 1 {
		data["Prev"] = link(page - 1)
	}
	if end < len(rows) {
		data["Next"] = link(page + 1)
	}
	return data
}

func (s *server) paged(q *req, data map[string]any, rows []disputeRow) map[string]any {
	if d := q.r.URL.Query().Get("done"); d != "" {
		data["Flash"] = q.T("disputes.resolved", name(d))
	}
	return paged(q, data, rows)
}

// identifier is what a flash message may name after a redirect: an MSP
// ID, a key id or a hex id. The message comes from the URL, so anything
// else (a crafted link's text) is not shown.
var identifier = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

func name(s string) string {
	if !identifier.MatchString(s) {
		return "?"
	}
	return s
}

// --- watchlist ---

func (s *server) watchlistPage(q *req) {
	after := q.r.URL.Query().Get("after")
	entries, next, err := s.node.Watchlist(q.ctx(), q.client, after, pageSize)
	if err != nil {
		s.fail(q, err)
		return
	}
	data := map[string]any{"Rows": entries}
	if next != "" {
		data["Next"] = "/console/watchlist?after=" + url.QueryEscape(next)
	}
	if after != "" {
		data["Prev"] = "/console/watchlist"
	}
	v := q.r.URL.Query()
	if v.Has("imported") {
		data["Flash"] = q.T("watch.imported", atoi(v.Get("lines")), atoi(v.Get("imported")), atoi(v.Get("rejected")))
	}
	if v.Has("removed") {
		data["Flash"] = q.T("watch.removed")
	}
	if v.Has("added") {
		data["Flash"] = q.T("watch.added")
	}
	s.render(q, http.StatusOK, "watchlist", data)
}

func atoi(s string) int { n, _ := strconv.Atoi(s); return n }

func (s *server) watchAdd(q *req) {
	f := q.r.PostForm
	key, err := s.node.DeriveSubjectKey(q.ctx(), q.client, f.Get("idType"), strings.TrimSpace(f.Get("idNumber")))
	if err == nil {
		_, _, err = s.node.Watch(q.ctx(), q.client, key, f.Get("label"))
	}
	if err != nil {
		s.fail(q, err)
		return
	}
	http.Redirect(q.w, q.r, "/console/watchlist?added=1", http.StatusSeeOther)
}

func (s *server) watchRemove(q *req) {
	f := q.r.PostForm
	if f.Get("confirm") != "yes" {
		s.render(q, http.StatusOK, "confirm", map[string]any{"Action": "/console/watchlist/remove", "Question": q.T("watch.remove.confirm", f.Get("key")),
			"Fields": map[string]string{"key": f.Get("key")}, "Back": "/console/watchlist"})
		return
	}
	if _, err := s.node.Unwatch(q.ctx(), q.client, f.Get("key")); err != nil {
		s.fail(q, err)
		return
	}
	http.Redirect(q.w, q.r, "/console/watchlist?removed=1", http.StatusSeeOther)
}

// maxImport bounds an upload (the API's default).
const maxImport = 2 << 30

// watchImport streams an uploaded file into the watchlist. The form's
// parts come in order: the CSRF token first (checked before anything
// else is read), the format, then the file, which is never buffered whole.
func (s *server) watchImport(q *req) {
	q.r.Body = http.MaxBytesReader(q.w, q.r.Body, maxImport)
	mr, err := q.r.MultipartReader()
	if err != nil {
		s.fail(q, invalid("upload: "+err.Error()))
		return
	}
	fields := map[string]string{}
	for range 8 { // csrf, format, file: a form with more parts is not ours
		part, err := mr.NextPart()
		if err != nil {
			s.fail(q, invalid("upload: no file part"))
			return
		}
		name := part.FormName()
		if name == "file" {
			if !q.sess.CheckCSRF(fields["csrf"]) {
				s.problem(q, http.StatusForbidden, csrfProblem(q))
				return
			}
			format := fields["format"]
			if format == "" {
				format = "csv"
				if strings.HasSuffix(part.FileName(), ".ndjson") {
					format = "ndjson"
				}
			}
			res, err := s.node.ImportWatchlist(q.ctx(), q.client, part, format, nil)
			if err != nil {
				s.fail(q, err)
				return
			}
			http.Redirect(q.w, q.r, fmt.Sprintf("/console/watchlist?imported=1&lines=%d&imported=%d&rejected=%d", res.Lines, res.Imported, res.Rejected), http.StatusSeeOther)
			return
		}
		b, _ := io.ReadAll(io.LimitReader(part, 256))
		fields[name] = string(b)
	}
	s.fail(q, invalid("upload: no file part"))
}

// --- alerts ---

func (s *server) alertsPage(q *req) {
	after, _ := strconv.ParseUint(q.r.URL.Query().Get("after"), 10, 64)
	last := s.node.LastAlert()
	alerts, next, err := s.node.Alerts(q.ctx(), q.client, after, pageSize)
	if err != nil {
		s.fail(q, err)
		return
	}
	data := map[string]any{"Rows": alerts, "Stream": fmt.Sprintf("/console/alerts/stream?after=%d", last)}
	if next != "" {
		data["Next"] = "/console/alerts?after=" + url.QueryEscape(next)
	}
	if after > 0 {
		data["Prev"] = "/console/alerts"
	}
	s.render(q, http.StatusOK, "alerts", data)
}

// liveAlert is an alert as the page's script shows it.
type liveAlert struct {
	ID          string `json:"id"`
	Time        string `json:"time"`
	Kind        string `json:"kind"`
	Subject     string `json:"subject"`
	Reporter    string `json:"reporter"`
	Attestation string `json:"attestation"`
}

const keepAlive = 25 * time.Second

// alertStream sends the member's alerts after ?after= as server-sent
// events, as GET /v1/alerts/stream does.
func (s *server) alertStream(q *req) {
	after, err := strconv.ParseUint(q.r.URL.Query().Get("after"), 10, 64)
	if err != nil {
		s.fail(q, invalid("after: a number"))
		return
	}
	if !s.streams.Acquire(q.client.Name) {
		s.fail(q, &contract.Error{Code: contract.CodeFailedPrecondition, Msg: "too many open alert streams for this client"})
		return
	}
	defer s.streams.Release(q.client.Name)
	ctx := q.ctx()
	rc := http.NewResponseController(q.w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	q.w.Header().Set("Content-Type", "text/event-stream")
	q.w.WriteHeader(http.StatusOK)
	fmt.Fprint(q.w, "retry: 2000\n\n")
	for ctx.Err() == nil {
		last := s.node.LastAlert()
		alerts, _, err := s.node.Alerts(ctx, q.client, after, 100)
		if err != nil {
			return
		}
		for _, a := range alerts {
			b, _ := json.Marshal(liveAlert{ID: a.ID, Time: fmtTime(a.Time), Kind: q.T("alert.kind." + a.Kind), Subject: a.SubjectKey[:12] + "…", Reporter: a.Reporter, Attestation: shortID(a.AttestationID)})
			fmt.Fprintf(q.w, "id: %s\nevent: alert\ndata: %s\n\n", a.ID, b)
			after = a.Seq()
		}
		if err := rc.Flush(); err != nil {
			return
		}
		if len(alerts) == 100 {
			continue
		}
		wait, cancel := context.WithTimeout(ctx, keepAlive)
		err = s.node.WaitForAlerts(wait, last)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			fmt.Fprint(q.w, ": keep-alive\n\n")
		}
	}
}

func shortID(s string) string {
	if len(s) > 12 {
		return s[:12] + "…"
	}
	return s
}

// --- webhook ---

func (s *server) webhookPage(q *req) {
	st, ok, err := s.node.Webhook(q.ctx(), q.client)
	if err != nil {
		s.fail(q, err)
		return
	}
	s.render(q, http.StatusOK, "webhook", map[string]any{"Status": st, "Set": ok})
}
