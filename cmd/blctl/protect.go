package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/internal/l10n"
)

// blctl protect: protective registration of identity-theft victims
// (POST/GET /v1/protections, renew, DELETE). A subject is given as a
// person types it: a subject key (or a unique prefix) or an identity
// number. add sends the number in its body for the node to derive; the
// other commands name the subject by key in the URL, so blctl first turns
// a number into a key with POST /v1/subject-keys (audited and budgeted
// like any derivation): raw numbers never travel in URLs.

func init() {
	for en, zh := range map[string]string{
		"REGISTERED BY": "登记方", "SINCE": "起始时间", "UNTIL": "截止时间", "RENEWALS": "续期次数",
		"registered by": "登记方", "since": "起始时间", "until": "截止时间", "renewals": "续期次数",
		"renewed": "续期时间", "removed by": "撤销方", "removed": "撤销时间", "case reference digest": "案件编号摘要",
		"protected": "保护性登记",
	} {
		l10n.Register(l10n.Entry{Key: "cli.label." + en, EN: en, ZH: zh})
	}
	for en, zh := range map[string]string{
		"active": "有效", "expired": "已过期", "removed": "已撤销", "not protected": "无保护性登记",
	} {
		l10n.Register(l10n.Entry{Key: "cli.note." + en, EN: en, ZH: zh})
	}
	l10n.Register(
		l10n.Entry{Key: "cli.protect.caseref", EN: "give exactly one of --case-ref and --case-ref-digest", ZH: "--case-ref 与 --case-ref-digest 须且只能给出其一"},
		l10n.Entry{Key: "cli.protect.digest", EN: "--case-ref-digest must be 64 hex characters (a SHA-256)", ZH: "--case-ref-digest 须为 64 个十六进制字符（SHA-256）"},
		l10n.Entry{Key: "cli.protect.notice", EN: "PROTECTED %s: identity theft (%s) registered until %s; verify the applicant's identity before lending",
			ZH: "受保护 %s：身份盗用（%s），登记有效至 %s；放贷前请核实申请人身份"},
		l10n.Entry{Key: "cli.submit.protected", EN: "line %d: default %s was accepted, but its subject is under protective registration (identity theft): verify the borrower's identity",
			ZH: "第 %d 行：违约 %s 已被接受，但其主体已办理保护性登记（身份盗用）：请核实借款人身份"},
		l10n.Entry{Key: "cli.label.subject protected", EN: "subject protected", ZH: "主体受保护"},
		l10n.Entry{Key: "cli.note.defaults on subjects under protective registration (identity theft): verify them", EN: "defaults on subjects under protective registration (identity theft): verify them",
			ZH: "这些违约的主体已办理保护性登记（身份盗用）：请核实"},
		l10n.Entry{Key: "cli.protect.subject", EN: "expected one subject: a subject key (or its prefix) or an identity number", ZH: "须给出一个主体：主体密钥（或其前缀）或证件号码"},
	)
}

func cmdProtect(e *env, args []string) int {
	return e.group("protect", args, []command{
		{"add", protectAdd},
		{"renew", protectRenew},
		{"rm", protectRemove},
		{"list", protectList},
	})
}

// protectSubject turns what a person typed into a query: a resolved key,
// or an identity number (not yet derived).
func protectSubject(e *env, f *cmdFlags, pos []string, idType string) (query, int, bool) {
	if len(pos) != 1 {
		return query{}, f.usageErr("%s", e.t("cli.protect.subject")), false
	}
	q, err := classify(pos[0], idType)
	if err != nil {
		return query{}, f.usageErr("%s", e.t(err.Error())), false
	}
	qs := []query{q}
	if err := e.resolveQueries(qs); err != nil {
		return query{}, e.fail(err), false
	}
	return qs[0], 0, true
}

// protectKey is the subject's key, derived through the node when the
// subject was given as an identity number.
func protectKey(e *env, q query) (string, error) {
	if q.id == nil {
		return q.key, nil
	}
	return deriveRemote(e, q.id.IDType, q.id.IDNumber)
}

func protectAdd(e *env, args []string) int {
	f := e.flags("protect add")
	reason := f.String("reason-code", "", "")
	caseRef := f.String("case-ref", "", "")
	caseDigest := f.String("case-ref-digest", "", "")
	idType := f.String("id-type", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.required("reason-code"); !ok {
		return code
	}
	if (*caseRef == "") == (*caseDigest == "") {
		return f.usageErr("%s", e.t("cli.protect.caseref"))
	}
	// The case reference is hashed here: only its digest leaves.
	sum := strings.ToLower(strings.TrimSpace(*caseDigest))
	if *caseRef != "" {
		h := sha256.Sum256([]byte(strings.TrimSpace(*caseRef)))
		sum = hex.EncodeToString(h[:])
	} else if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return f.usageErr("%s", e.t("cli.protect.digest"))
	}
	q, code, ok := protectSubject(e, f, pos, *idType)
	if !ok {
		return code
	}
	body := map[string]string{"reasonCode": *reason, "caseRef": sum}
	if q.id != nil {
		body["idType"], body["idNumber"] = q.id.IDType, q.id.IDNumber
	} else {
		body["subject"] = q.key
	}
	var raw json.RawMessage
	if err := e.call("POST", "/v1/protections", nil, body, &raw); err != nil {
		return e.fail(err)
	}
	return e.showProtection(raw)
}

func protectChange(name, method, path string) func(e *env, args []string) int {
	return func(e *env, args []string) int {
		f := e.flags(name)
		idType := f.String("id-type", "", "")
		pos, code, ok := f.parse(args)
		if !ok {
			return code
		}
		q, code, ok := protectSubject(e, f, pos, *idType)
		if !ok {
			return code
		}
		key, err := protectKey(e, q)
		if err != nil {
			return e.fail(err)
		}
		var raw json.RawMessage
		if err := e.call(method, apiPath(path, key), nil, nil, &raw); err != nil {
			return e.fail(err)
		}
		return e.showProtection(raw)
	}
}

var (
	protectRenew  = protectChange("protect renew", "POST", "/v1/protections/%s/renew")
	protectRemove = protectChange("protect rm", "DELETE", "/v1/protections/%s")
)

func (e *env) showProtection(raw json.RawMessage) int {
	var p contract.Protection
	return e.show(raw, &p, func() error {
		w := e.table()
		e.row(w, "id", p.ID)
		e.row(w, "subject", p.Subject)
		e.row(w, "state", p.State)
		e.row(w, "reason", p.ReasonCode)
		e.row(w, "registered by", p.RegisteredBy)
		e.row(w, "since", e.when(p.Since))
		e.row(w, "until", e.when(p.Until))
		e.row(w, "renewals", strconv.Itoa(p.Renewals))
		e.row(w, "renewed", e.when(p.RenewedAt))
		e.row(w, "removed by", orDash(p.RemovedBy))
		e.row(w, "removed", e.when(p.RemovedAt))
		e.row(w, "case reference digest", p.CaseRef)
		return w.Flush()
	})
}

func protectList(e *env, args []string) int {
	f := e.flags("protect list")
	purpose := f.String("purpose", "", "")
	idType := f.String("id-type", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if code, ok := f.required("purpose"); !ok {
		return code
	}
	q, code, ok := protectSubject(e, f, pos, *idType)
	if !ok {
		return code
	}
	key, err := protectKey(e, q)
	if err != nil {
		return e.fail(err)
	}
	var raw json.RawMessage
	if err := e.call("GET", "/v1/protections", url.Values{"subject": {key}, "purpose": {*purpose}}, nil, &raw); err != nil {
		return e.fail(err)
	}
	var ans contract.Protections
	return e.show(raw, &ans, func() error {
		w := e.table()
		if ans.Protected != nil {
			e.row(w, "protected", e.when(ans.Protected.Since)+" - "+e.when(ans.Protected.Until), ans.Protected.ReasonCode)
		} else {
			e.row(w, "protected", "not protected")
		}
		if err := w.Flush(); err != nil {
			return err
		}
		w = e.table()
		e.header(w, "ID", "STATE", "REASON", "REGISTERED BY", "SINCE", "UNTIL", "RENEWALS")
		for _, p := range ans.Protections {
			row(w, e.short(p.ID), e.label("note", p.State), p.ReasonCode, p.RegisteredBy, e.when(p.Since), e.when(p.Until), strconv.Itoa(p.Renewals))
		}
		return w.Flush()
	})
}

// printProtected follows a lookup's table with one line per subject under
// protective registration: a lender must not miss it.
func printProtected(e *env, statuses []contract.Status) error {
	for _, s := range statuses {
		if p := s.Protected; p != nil {
			if _, err := fmt.Fprintln(e.stdout, e.t("cli.protect.notice", e.short(s.SubjectKey), p.ReasonCode, e.when(p.Until))); err != nil {
				return err
			}
		}
	}
	return nil
}
