package console

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/node"
)

func (s *server) assocRoutes(m *http.ServeMux) {
	m.HandleFunc("GET /console/overview", s.session(node.ReadStatistics, s.overview))
	m.HandleFunc("GET /console/members", s.session(node.Administer, s.membersPage))
	m.HandleFunc("POST /console/members", s.session(node.Administer, s.admit))
	m.HandleFunc("POST /console/members/status", s.session(node.Administer, s.memberStatus))
	m.HandleFunc("POST /console/members/keys", s.session(node.Administer, s.registerKey))
	m.HandleFunc("POST /console/members/keys/revoke", s.session(node.Administer, s.revokeKey))
	m.HandleFunc("GET /console/policy", s.session(node.Administer, s.policyPage))
	m.HandleFunc("POST /console/policy", s.session(node.Administer, s.setPolicy))
	m.HandleFunc("GET /console/queue", s.session(node.Administer, s.queue))
	m.HandleFunc("GET /console/audit", s.session(node.ReadAudit, s.auditPage))
	m.HandleFunc("GET /console/health", s.session(node.Administer, s.health))
}

// --- members ---

var memberRoles = []string{contract.RoleQuerier, contract.RoleReporter}

func (s *server) membersPage(q *req) { s.members(q, http.StatusOK, map[string]any{}) }

func (s *server) members(q *req, status int, data map[string]any) {
	ms, _, err := s.node.Members(q.ctx(), q.client)
	if err != nil {
		s.fail(q, err)
		return
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].MSPID < ms[j].MSPID })
	data["Roles"] = memberRoles
	if _, ok := data["Form"]; !ok {
		data["Form"] = url.Values{}
	}
	switch v := q.r.URL.Query(); {
	case v.Has("admitted"):
		data["Flash"] = q.T("members.admitted", name(v.Get("admitted")))
	case v.Has("changed"):
		data["Flash"] = q.T("members.changed", name(v.Get("changed")))
	case v.Has("key"):
		data["Flash"] = q.T("members.keyadded", name(v.Get("key")))
	case v.Has("revoked"):
		data["Flash"] = q.T("members.keyrevoked", name(v.Get("revoked")))
	}
	s.render(q, status, "members", paged(q, data, ms))
}

// admit admits a member from the form, after checking the unified social
// credit code's check character here (GB 32100-2015), so that a typo is
// told in the operator's language before anything is sent.
func (s *server) admit(q *req) {
	f := q.r.PostForm
	form := url.Values{}
	for k, v := range f {
		if k != "csrf" {
			form[k] = v
		}
	}
	data := map[string]any{"Form": form}
	code := strings.ToUpper(strings.TrimSpace(f.Get("creditCode")))
	if err := CheckCreditCode(code); err != nil {
		data["Problem"] = &problem.Problem{Status: http.StatusUnprocessableEntity, Title: q.T("members.badcode"), Detail: q.T(err.key, err.args...)}
		data["BadCode"] = true
		s.members(q, http.StatusUnprocessableEntity, data)
		return
	}
	var roles []string
	for _, r := range f["roles"] {
		if slices.Contains(memberRoles, r) {
			roles = append(roles, r)
		}
	}
	req := contract.AdmitMemberRequest{MSPID: strings.TrimSpace(f.Get("mspId")), LegalName: strings.TrimSpace(f.Get("legalName")),
		CreditCode: code, Roles: roles, Keys: []contract.KeyRequest{}}
	if pem := strings.TrimSpace(f.Get("publicKey")); pem != "" {
		req.Keys = append(req.Keys, contract.KeyRequest{KID: strings.TrimSpace(f.Get("kid")), PublicKey: pem + "\n"})
	}
	if _, _, err := s.node.AdmitMember(q.ctx(), q.client, req); err != nil {
		p := problemOf(q, err)
		data["Problem"] = &p
		s.members(q, p.Status, data)
		return
	}
	http.Redirect(q.w, q.r, "/console/members?admitted="+url.QueryEscape(req.MSPID), http.StatusSeeOther)
}

var memberActions = map[string]node.MemberAction{"suspend": node.Suspend, "reinstate": node.Reinstate, "expel": node.Expel}

// memberStatus suspends, reinstates or expels a member with a reason,
// after a confirmation step.
func (s *server) memberStatus(q *req) {
	f := q.r.PostForm
	action, ok := memberActions[f.Get("action")]
	if !ok {
		s.fail(q, invalid("action: one of suspend, reinstate, expel"))
		return
	}
	if f.Get("confirm") != "yes" {
		s.render(q, http.StatusOK, "confirm", map[string]any{"Action": "/console/members/status",
			"Question": q.T("members.confirm."+f.Get("action"), f.Get("mspId"), f.Get("reason")),
			"Fields":   map[string]string{"mspId": f.Get("mspId"), "action": f.Get("action"), "reason": f.Get("reason")}, "Back": "/console/members"})
		return
	}
	if _, _, err := s.node.ChangeMemberStatus(q.ctx(), q.client, action, f.Get("mspId"), f.Get("reason")); err != nil {
		s.fail(q, err)
		return
	}
	http.Redirect(q.w, q.r, "/console/members?changed="+url.QueryEscape(f.Get("mspId")), http.StatusSeeOther)
}

// registerKey registers a signing key (PEM) for a member.
func (s *server) registerKey(q *req) {
	f := q.r.PostForm
	msp := f.Get("mspId")
	key := contract.KeyRequest{KID: strings.TrimSpace(f.Get("kid")), PublicKey: strings.TrimSpace(f.Get("publicKey")) + "\n"}
	if _, _, err := s.node.RegisterKey(q.ctx(), q.client, msp, key); err != nil {
		s.fail(q, err)
		return
	}
	http.Redirect(q.w, q.r, "/console/members?key="+url.QueryEscape(key.KID), http.StatusSeeOther)
}

// revokeKey revokes a member's signing key with a reason, after a
// confirmation step.
func (s *server) revokeKey(q *req) {
	f := q.r.PostForm
	if f.Get("confirm") != "yes" {
		s.render(q, http.StatusOK, "confirm", map[string]any{"Action": "/console/members/keys/revoke",
			"Question": q.T("members.confirm.revokekey", f.Get("kid"), f.Get("mspId"), f.Get("reason")),
			"Fields":   map[string]string{"mspId": f.Get("mspId"), "kid": f.Get("kid"), "reason": f.Get("reason")}, "Back": "/console/members"})
		return
	}
	if _, _, err := s.node.RevokeKey(q.ctx(), q.client, f.Get("mspId"), f.Get("kid"), f.Get("reason")); err != nil {
		s.fail(q, err)
		return
	}
	http.Redirect(q.w, q.r, "/console/members?revoked="+url.QueryEscape(f.Get("kid")), http.StatusSeeOther)
}

// --- policy ---

func (s *server) policyPage(q *req) { s.policy(q, http.StatusOK, map[string]any{}) }

func (s *server) policy(q *req, status int, data map[string]any) {
	p, height, err := s.node.Policy(q.ctx(), q.client)
	if err != nil {
		s.fail(q, err)
		return
	}
	data["Policy"], data["Height"] = p, height
	cur := make([]string, 0, len(p.MinAmount))
	for c := range p.MinAmount {
		cur = append(cur, c)
	}
	sort.Strings(cur)
	data["Currencies"] = cur
	if q.r.URL.Query().Has("saved") {
		data["Flash"] = q.T("policy.saved")
	}
	s.render(q, status, "policy", data)
}

func (s *server) setPolicy(q *req) {
	f := q.r.PostForm
	old, _, err := s.node.Policy(q.ctx(), q.client)
	if err != nil {
		s.fail(q, err)
		return
	}
	num := func(name string) (int64, bool) {
		n, err := strconv.ParseInt(strings.TrimSpace(f.Get(name)), 10, 64)
		return n, err == nil
	}
	p := contract.Policy{MinAmount: map[string]int64{}}
	var bad []string
	if n, ok := num("minDaysPastDue"); ok {
		p.MinDaysPastDue = int(n)
	} else {
		bad = append(bad, "minDaysPastDue")
	}
	if n, ok := num("retentionYears"); ok {
		p.RetentionYears = int(n)
	} else {
		bad = append(bad, "retentionYears")
	}
	if n, ok := num("disputeAnswerDays"); ok {
		p.DisputeAnswerDays = int(n)
	} else {
		bad = append(bad, "disputeAnswerDays")
	}
	if n, ok := num("dailyDerivations"); ok {
		p.DailyDerivations = n
	} else {
		bad = append(bad, "dailyDerivations")
	}
	if n, ok := num("dailyLookups"); ok {
		p.DailyLookups = n
	} else {
		bad = append(bad, "dailyLookups")
	}
	for c := range old.MinAmount {
		m, err := parseMoney(f.Get("minAmount."+c), c)
		if err != nil {
			bad = append(bad, "minAmount."+c)
			continue
		}
		p.MinAmount[c] = m
	}
	// a minimum for a currency that has none yet
	if cur := strings.ToUpper(strings.TrimSpace(f.Get("newCurrency"))); cur != "" {
		m, err := parseMoney(f.Get("newMinAmount"), cur)
		if err != nil {
			bad = append(bad, "newMinAmount")
		} else {
			p.MinAmount[cur] = m
		}
	}
	if len(bad) > 0 {
		pr := problemOf(q, invalid("not a number: "+strings.Join(bad, ", ")))
		s.policy(q, pr.Status, map[string]any{"Problem": &pr})
		return
	}
	if _, _, err := s.node.SetPolicy(q.ctx(), q.client, p); err != nil {
		pr := problemOf(q, err)
		s.policy(q, pr.Status, map[string]any{"Problem": &pr})
		return
	}
	http.Redirect(q.w, q.r, "/console/policy?saved=1", http.StatusSeeOther)
}

// --- dispute queue ---

// queue is every dispute, open ones first by deadline.
func (s *server) queue(q *req) {
	ds, _, err := s.node.Disputes(q.ctx(), q.client, "")
	if err != nil {
		s.fail(q, err)
		return
	}
	rows := disputeRows(ds, func(contract.Dispute) bool { return true })
	sort.SliceStable(rows, func(i, j int) bool {
		oi, oj := rows[i].State == contract.DisputeOpen, rows[j].State == contract.DisputeOpen
		if oi != oj {
			return oi
		}
		return rows[i].DueBy < rows[j].DueBy
	})
	for i := range rows {
		rows[i].Late = rows[i].Late && rows[i].State == contract.DisputeOpen
	}
	s.render(q, http.StatusOK, "disputes", s.paged(q, map[string]any{"Queue": true}, rows))
}

// --- audit browser ---

// auditPage reads the query audit log with the API's filters (member,
// subject, time; node.AuditQueries) and narrows the page by purpose and
// outcome, with the member's anchored head beside this node's.
func (s *server) auditPage(q *req) {
	v := q.r.URL.Query()
	f := node.AuditFilter{Member: v.Get("member"), Subject: strings.TrimSpace(v.Get("subject")), Limit: 200}
	if t, err := time.ParseInLocation("2006-01-02", v.Get("from"), shanghai); err == nil {
		f.From = t
	}
	if t, err := time.ParseInLocation("2006-01-02", v.Get("to"), shanghai); err == nil {
		f.To = t.AddDate(0, 0, 1)
	}
	f.After, _ = strconv.ParseUint(v.Get("after"), 10, 64)
	data := map[string]any{"Filter": v, "Purposes": node.Purposes, "Outcomes": []string{node.OutcomeOK, node.OutcomeDenied, node.OutcomeError, node.OutcomeOverBudget}}
	entries, err := s.node.AuditQueries(q.ctx(), q.client, f)
	if err != nil {
		p := problemOf(q, err)
		data["Problem"] = &p
		s.render(q, p.Status, "audit", data)
		return
	}
	var rows []node.AuditEntry
	for _, e := range entries {
		if (v.Get("purpose") == "" || e.Purpose == v.Get("purpose")) && (v.Get("outcome") == "" || e.Outcome == v.Get("outcome")) {
			rows = append(rows, e)
		}
		if len(rows) == pageSize {
			break
		}
	}
	data["Rows"] = rows
	if len(rows) == pageSize || (len(entries) == f.Limit && len(entries) > 0) {
		last := entries[len(entries)-1].Seq
		if len(rows) == pageSize {
			last = rows[len(rows)-1].Seq
		}
		nv := url.Values{}
		for k, x := range v {
			nv[k] = x
		}
		nv.Del("lang")
		nv.Set("after", strconv.FormatUint(last, 10))
		data["Next"] = "/console/audit?" + nv.Encode()
	}
	if f.After > 0 {
		nv := url.Values{}
		for k, x := range v {
			nv[k] = x
		}
		nv.Del("after")
		nv.Del("lang")
		data["Prev"] = "/console/audit?" + nv.Encode()
	}
	member := f.Member
	if member == "" {
		member = q.client.Member
	}
	anchors, height, local, err := s.node.AuditAnchors(q.ctx(), q.client, member)
	if err == nil {
		var lastAnchor *contract.AuditAnchor
		if len(anchors) > 0 {
			lastAnchor = &anchors[len(anchors)-1]
		}
		data["Anchor"], data["AnchorHeight"], data["Local"], data["AnchorMember"] = lastAnchor, height, local, member
	}
	s.render(q, http.StatusOK, "audit", data)
}

// --- overview ---

func (s *server) overview(q *req) {
	s.render(q, http.StatusOK, "overview", s.overviewData(q))
}

// --- node health ---

// health shows what /readyz tells anyone: the ledger height, in fabric
// mode how far the replica is behind the organisation's peer, the
// consortium secret, webhook receivers failing (counted, not named), and
// background work that stopped; then the network as the node sees it
// (node.NetworkHealth): the peer's and orderers' /healthz, the replica
// against the peer's channel height, and each organisation's latest
// transparency-log cosignature as its node's height and liveness.
func (s *server) health(q *req) {
	ctx, cancel := context.WithTimeout(q.ctx(), 5*time.Second)
	defer cancel()
	data := map[string]any{"Height": s.node.Height(), "Secret": s.node.SecretState(), "Problems": s.node.BackgroundErrors()}
	lag, follows, err := s.node.Lag(ctx)
	if err != nil {
		pr := problemOf(q, err)
		data["Problem"] = &pr
	}
	data["Follows"], data["Lag"] = follows, lag
	if hooks, err := s.node.WebhookStatuses(); err == nil {
		failing := 0
		for _, h := range hooks {
			if h.Failing {
				failing++
			}
		}
		data["Webhooks"], data["FailingWebhooks"] = len(hooks), failing
	}
	// the network: operations endpoints, the peer's height, the
	// organisations' latest cosignatures (node.NetworkHealth)
	if nh, err := s.node.NetworkHealth(ctx, q.client); err != nil {
		pr := problemOf(q, err)
		data["Problem"] = &pr
	} else {
		data["Net"] = nh
	}
	s.render(q, http.StatusOK, "health", data)
}
