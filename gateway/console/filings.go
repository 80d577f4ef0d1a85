package console

import (
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
)

// My filings: the member's own book of defaults, read with
// node.OwnDefaults (the ledger's per-reporter loan index, capability
// ReadEvidence), so the list holds exactly what the member filed and
// nothing of another member's. A search narrows it to one loan (by loan
// number or its SHA-256 reference, through the same index) or to one
// subject (by identity number or attestation id: a lookup, audited with
// its purpose like any other).

// filingStates are the states the list can be narrowed to ("" is all).
// Revoked is not one: a revocation takes the default out of the member's
// loan index (the loan is free for a corrected filing), so OwnDefaults no
// longer lists it; a search on its subject shows it, revoked.
var filingStates = []string{"", contract.StateActive, contract.StateSettled, contract.StateOverturned}

// maxListCalls bounds the OwnDefaults calls behind one page when a state
// filter skips most rows; the page then shows fewer rows and a link on.
const maxListCalls = 5

// ownFilings reads up to limit of the member's defaults in state (all
// when empty) after the loan reference after; next continues the list.
func (s *server) ownFilings(q *req, state, after string, limit int) (rows []contract.OwnDefault, next string, err error) {
	r := contract.OwnDefaultsRequest{After: after, ActiveOnly: state == contract.StateActive}
	if limit > 0 {
		// one more than the page when nothing is filtered out; more when
		// a state filter may skip some
		r.Limit = limit + 1
		if state != "" {
			r.Limit = min(contract.MaxOwnDefaults, 10*(limit+1))
		}
	}
	for calls := 0; limit <= 0 || calls < maxListCalls; calls++ {
		res, _, err := s.node.OwnDefaults(q.ctx(), q.client, r)
		if err != nil {
			return nil, "", err
		}
		for _, d := range res.Defaults {
			if state != "" && d.State != state {
				continue
			}
			rows = append(rows, d)
			// one row more than the page tells there is a next page
			if limit > 0 && len(rows) > limit {
				return rows[:limit], rows[limit-1].LoanRef, nil
			}
		}
		if res.Next == "" {
			return rows, "", nil
		}
		r.After = res.Next
	}
	return rows, r.After, nil
}

// listState is the ?state= of a list, "" when it is not one of ours.
func listState(v string) string {
	if slices.Contains(filingStates, v) {
		return v
	}
	return ""
}

func (s *server) filingsData(q *req) map[string]any {
	return map[string]any{"Purposes": node.Purposes, "Purpose": "post-loan", "States": filingStates,
		"Today": time.Now().In(shanghai).Format("2006-01-02")}
}

// filingsPage lists the member's filings, a page at a time (?after= is
// the last loan reference of the page before).
func (s *server) filingsPage(q *req) {
	v := q.r.URL.Query()
	state, after := listState(v.Get("state")), v.Get("after")
	data := s.filingsData(q)
	data["State"] = state
	for _, k := range []string{"settled", "revoked"} {
		if id := v.Get(k); id != "" {
			data["Flash"] = q.T("filings."+k, name(id))
		}
	}
	rows, next, err := s.ownFilings(q, state, after, pageSize)
	if err != nil {
		s.formError(q, "filings", data, err)
		return
	}
	data["Rows"], data["Listing"] = rows, true
	link := url.Values{}
	if state != "" {
		link.Set("state", state)
	}
	if after != "" {
		data["Prev"] = "/console/filings?" + link.Encode() // back to the first page
	}
	if next != "" {
		link.Set("after", next)
		data["Next"] = "/console/filings?" + link.Encode()
	}
	s.render(q, http.StatusOK, "filings", data)
}

// loanRef is the ledger's reference of a typed loan number: its SHA-256,
// or the reference itself when one is pasted.
func loanRef(s string) string {
	s = strings.TrimSpace(s)
	if contract.IsHexDigest(s) {
		return s
	}
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// searching tells whether a form asks for a search rather than the list.
func searching(f url.Values) bool {
	for _, k := range []string{"subject", "attestation", "idNumber", "loanNumber"} {
		if strings.TrimSpace(f.Get(k)) != "" {
			return true
		}
	}
	return false
}

// searchFilings finds the member's defaults on one loan (through the
// member's loan index, not audited as a subject read) or on one subject
// (by identity number or attestation id, read with the stated purpose
// like any lookup; other members' records on it are left out).
func (s *server) searchFilings(q *req) (subject string, rows []contract.OwnDefault, err error) {
	f := q.r.PostForm
	if loan := strings.TrimSpace(f.Get("loanNumber")); loan != "" {
		res, _, err := s.node.OwnDefaults(q.ctx(), q.client, contract.OwnDefaultsRequest{LoanRefs: []string{loanRef(loan)}})
		if err != nil {
			return "", nil, err
		}
		return "", res.Defaults, nil
	}
	purpose := f.Get("purpose")
	if !slices.Contains(node.Purposes, purpose) {
		return "", nil, node.ErrBadPurpose
	}
	if key := f.Get("subject"); key != "" {
		// a further page of a search: the subject key, never the number
		subject = key
	} else if id := strings.TrimSpace(f.Get("attestation")); id != "" {
		v, _, err := s.node.Attestation(q.ctx(), q.client, purpose, id)
		if err != nil {
			return "", nil, err
		}
		subject = v.Payload.Subject
	} else {
		subject, err = s.node.DeriveSubjectKey(q.ctx(), q.client, f.Get("idType"), strings.TrimSpace(f.Get("idNumber")))
		if err != nil {
			return "", nil, err
		}
	}
	h, _, err := s.node.History(q.ctx(), q.client, purpose, subject)
	if err != nil {
		return "", nil, err
	}
	for _, e := range h.Entries {
		p := e.Default.Payload
		if p.Reporter != q.client.Member {
			continue
		}
		d := contract.OwnDefault{ID: e.Default.ID, LoanRef: p.LoanRef, Subject: p.Subject, Currency: p.Currency,
			OverdueSince: p.OverdueSince, RecordedAt: e.Default.RecordedAt, State: e.State}
		if p.Amount != nil {
			d.Amount = *p.Amount
		}
		if p.DaysPastDue != nil {
			d.DaysPastDue = *p.DaysPastDue
		}
		rows = append(rows, d)
	}
	return subject, rows, nil
}

func (s *server) filingsSearch(q *req) {
	data := s.filingsData(q)
	data["Purpose"] = q.r.PostFormValue("purpose")
	if !searching(q.r.PostForm) {
		http.Redirect(q.w, q.r, "/console/filings", http.StatusSeeOther)
		return
	}
	subject, rows, err := s.searchFilings(q)
	if err != nil {
		s.formError(q, "filings", data, err)
		return
	}
	data["Subject"], data["Searched"] = subject, true
	// pages of a subject's results: each further page is a POST of the
	// subject key (the identity number is not put in the page)
	page := max(1, atoi(q.r.PostFormValue("page")))
	start := min((page-1)*pageSize, len(rows))
	end := min(start+pageSize, len(rows))
	data["Rows"], data["Total"] = rows[start:end], len(rows)
	if page > 1 {
		data["PrevPage"] = page - 1
	}
	if end < len(rows) {
		data["NextPage"] = page + 1
	}
	s.render(q, http.StatusOK, "filings", data)
}

// filingsExport answers a search, or the whole list in the chosen state,
// as CSV: amounts as decimals in their currency's units (no grouping),
// times in Asia/Shanghai (RFC 3339 with +08:00). It is a POST, so an identity number is never put in a URL.
func (s *server) filingsExport(q *req) {
	var (
		rows []contract.OwnDefault
		err  error
		file = "filings"
	)
	if searching(q.r.PostForm) {
		var subject string
		subject, rows, err = s.searchFilings(q)
		if len(subject) >= 12 {
			file += "-" + subject[:12]
		}
	} else {
		state := listState(q.r.PostFormValue("state"))
		rows, _, err = s.ownFilings(q, state, "", 0)
		if state != "" {
			file += "-" + state
		}
	}
	if err != nil {
		s.formError(q, "filings", s.filingsData(q), err)
		return
	}
	q.w.Header().Set("Content-Type", "text/csv; charset=utf-8")
	q.w.Header().Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": file + ".csv"}))
	w := csv.NewWriter(q.w)
	_ = w.Write([]string{"attestation", "loanRef", "subject", "amount", "currency", "overdueSince", "daysPastDue", "state", "recordedAt"})
	for _, d := range rows {
		recorded := d.RecordedAt
		if t, err := time.Parse(time.RFC3339Nano, recorded); err == nil {
			recorded = t.In(shanghai).Format(time.RFC3339)
		}
		amount := strings.ReplaceAll(strings.TrimSuffix(fmtMoney(d.Amount, d.Currency), " "+d.Currency), ",", "")
		_ = w.Write([]string{d.ID, d.LoanRef, d.Subject, amount, d.Currency, d.OverdueSince,
			strconv.Itoa(d.DaysPastDue), d.State, recorded})
	}
	w.Flush()
}

// settle files a settlement of one of the member's defaults, after a
// confirmation that repeats the amount and the date.
func (s *server) settle(q *req) {
	f := q.r.PostForm
	cur := strings.ToUpper(f.Get("currency"))
	amount, err := parseMoney(f.Get("amount"), cur)
	if err != nil {
		s.fail(q, invalid(err.Error()))
		return
	}
	if f.Get("confirm") != "yes" {
		fields := map[string]string{}
		for _, k := range []string{"subject", "refersTo", "currency", "amount", "settledOn", "kind"} {
			fields[k] = f.Get(k)
		}
		s.render(q, http.StatusOK, "confirm", map[string]any{"Action": "/console/filings/settle",
			"Question": q.T("filings.settle.confirm", f.Get("refersTo"), fmtMoney(amount, cur), f.Get("settledOn"), q.T("kind."+f.Get("kind"))),
			"Fields":   fields, "Back": "/console/filings"})
		return
	}
	p := &attestation.Payload{Type: attestation.TypeSettlement, Subject: f.Get("subject"), RefersTo: f.Get("refersTo"),
		SettledOn: f.Get("settledOn"), Kind: f.Get("kind"), Amount: &amount}
	id, err := s.submitOne(q, p)
	if err != nil {
		s.fail(q, err)
		return
	}
	http.Redirect(q.w, q.r, "/console/filings?settled="+url.QueryEscape(id), http.StatusSeeOther)
}

// revoke withdraws one of the member's defaults, after a confirmation.
func (s *server) revoke(q *req) {
	f := q.r.PostForm
	if f.Get("confirm") != "yes" {
		s.render(q, http.StatusOK, "confirm", map[string]any{"Action": "/console/filings/revoke", "Question": q.T("filings.revoke.confirm", f.Get("refersTo")),
			"Fields": map[string]string{"subject": f.Get("subject"), "refersTo": f.Get("refersTo"), "reason": f.Get("reason")}, "Back": "/console/filings"})
		return
	}
	p := &attestation.Payload{Type: attestation.TypeRevocation, Subject: f.Get("subject"), RefersTo: f.Get("refersTo"), Reason: f.Get("reason")}
	id, err := s.submitOne(q, p)
	if err != nil {
		s.fail(q, err)
		return
	}
	http.Redirect(q.w, q.r, "/console/filings?revoked="+url.QueryEscape(id), http.StatusSeeOther)
}
