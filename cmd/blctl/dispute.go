package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/url"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func cmdDispute(e *env, args []string) int {
	return e.group("dispute", args, []command{
		{"open", disputeOpen},
		{"list", disputeList},
		{"resolve", disputeResolve},
	})
}

func disputeOpen(e *env, args []string) int {
	f := e.flags("dispute open")
	att := f.String("attestation", "", "")
	reason := f.String("reason-code", "", "")
	file := f.String("statement-file", "", "")
	digest := f.String("statement-digest", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if code, ok := f.required("attestation", "reason-code"); !ok {
		return code
	}
	if (*file == "") == (*digest == "") {
		return f.usageErr("give exactly one of --statement-file and --statement-digest")
	}
	sum := strings.ToLower(strings.TrimSpace(*digest))
	if *file != "" {
		b, err := e.readInput(*file)
		if err != nil {
			return e.fail(err)
		}
		h := sha256.Sum256(b)
		sum = hex.EncodeToString(h[:])
	} else if b, err := hex.DecodeString(sum); err != nil || len(b) != sha256.Size {
		return f.usageErr("--statement-digest must be 64 hex characters (a SHA-256)")
	}
	attID, err := e.resolve(kindAttestation, *att)
	if err != nil {
		return e.fail(err)
	}
	req := contract.OpenDisputeRequest{AttestationID: attID, ReasonCode: *reason, StatementDigest: sum}
	var raw json.RawMessage
	if err := e.call("POST", "/v1/disputes", nil, req, &raw); err != nil {
		return e.fail(err)
	}
	return e.showDispute(raw)
}

func (e *env) showDispute(raw json.RawMessage) int {
	var d contract.Dispute
	return e.show(raw, &d, func() error {
		w := e.table()
		e.row(w, "id", d.ID)
		e.row(w, "attestation", d.AttestationID)
		e.row(w, "subject", d.Subject)
		e.row(w, "reporter", d.Reporter)
		e.row(w, "opened by", d.OpenedBy)
		e.row(w, "reason", d.ReasonCode)
		e.row(w, "statement digest", d.StatementDigest)
		e.row(w, "opened", e.when(d.OpenedAt))
		e.row(w, "due by", e.when(d.DueBy))
		e.row(w, "state", disputeState(d))
		e.row(w, "resolved by", orDash(d.ResolvedBy))
		e.row(w, "resolved", e.when(d.ResolvedAt))
		e.row(w, "answered late", yesNo(d.AnsweredLate))
		e.row(w, "note", orDash(d.Note))
		return w.Flush()
	})
}

// disputeState shows an overdue open dispute as such: overdue is computed
// by the ledger when read, not stored as a state.
func disputeState(d contract.Dispute) string {
	if d.Overdue {
		return d.State + " (overdue)"
	}
	return d.State
}

func disputeList(e *env, args []string) int {
	f := e.flags("dispute list")
	state := f.String("state", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	var q url.Values
	if *state != "" {
		q = url.Values{"state": {*state}}
	}
	var raw json.RawMessage
	if err := e.call("GET", "/v1/disputes", q, nil, &raw); err != nil {
		return e.fail(err)
	}
	var ans struct {
		Disputes []contract.Dispute `json:"disputes"`
	}
	return e.show(raw, &ans, func() error {
		w := e.table()
		e.header(w, "ID", "ATTESTATION", "REPORTER", "REASON", "STATE", "OPENED", "DUE BY")
		for _, d := range ans.Disputes {
			row(w, e.short(d.ID), e.short(d.AttestationID), d.Reporter, d.ReasonCode, disputeState(d), e.when(d.OpenedAt), e.when(d.DueBy))
		}
		return w.Flush()
	})
}

func disputeResolve(e *env, args []string) int {
	f := e.flags("dispute resolve")
	outcome := f.String("outcome", "", "")
	note := f.String("note", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected one dispute ID")
	}
	if code, ok := f.required("outcome", "note"); !ok {
		return code
	}
	if *outcome != contract.DisputeUpheld && *outcome != contract.DisputeRejected {
		return f.usageErr("--outcome must be upheld or rejected, got %q", *outcome)
	}
	id, err := e.resolve(kindDispute, pos[0])
	if err != nil {
		return e.fail(err)
	}
	var raw json.RawMessage
	body := map[string]string{"outcome": *outcome, "note": *note}
	if err := e.call("POST", apiPath("/v1/disputes/%s/resolve", id), nil, body, &raw); err != nil {
		return e.fail(err)
	}
	return e.showDispute(raw)
}
