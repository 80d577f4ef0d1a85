package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func cmdMembers(e *env, args []string) int {
	return e.group("members", args, []command{
		{"list", membersList},
		{"show", membersShow},
		{"admit", membersAdmit},
		{"suspend", memberStatus("suspend")},
		{"reinstate", memberStatus("reinstate")},
		{"expel", memberStatus("expel")},
		{"add-key", membersAddKey},
		{"revoke-key", membersRevokeKey},
	})
}

func membersList(e *env, args []string) int {
	raw, code, ok := e.getNoArgs(args, "/v1/members", "members list")
	if !ok {
		return code
	}
	var ans struct {
		Members []contract.Member `json:"members"`
	}
	return e.show(raw, &ans, func() error {
		w := e.table()
		e.header(w, "MSP", "LEGAL NAME", "STATUS", "ROLES", "ACTIVE KEYS")
		for _, m := range ans.Members {
			roles := strings.Join(m.Roles, ",")
			if m.Association {
				roles = "association"
			}
			row(w, m.MSPID, m.LegalName, m.Status, orDash(roles), strings.Join(activeKIDs(m), ","))
		}
		return w.Flush()
	})
}

func activeKIDs(m contract.Member) []string {
	var kids []string
	for _, k := range m.Keys {
		if k.Status == contract.KeyActive {
			kids = append(kids, k.KID)
		}
	}
	if kids == nil {
		return []string{"-"}
	}
	return kids
}

// show prints raw for --output json, or decodes it into v and runs the
// table printer.
func (e *env) show(raw json.RawMessage, v any, table func() error) int {
	var err error
	if e.jsonOut() {
		err = e.printRaw(raw)
	} else if err = json.Unmarshal(raw, v); err != nil {
		err = &ServerError{Op: "decoding the answer", Err: err}
	} else {
		err = table()
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// showMember prints a member answer: fields, then its keys with their
// thumbprints so an operator can compare them with 'blctl keygen' output.
func (e *env) showMember(raw json.RawMessage) int {
	var m contract.Member
	return e.show(raw, &m, func() error {
		w := e.table()
		e.row(w, "MSP", m.MSPID)
		e.row(w, "legal name", m.LegalName)
		e.row(w, "credit code", orDash(m.CreditCode))
		e.row(w, "association", yesNo(m.Association))
		e.row(w, "roles", orDash(strings.Join(m.Roles, ",")))
		e.row(w, "status", m.Status)
		e.row(w, "status reason", orDash(m.StatusReason))
		e.row(w, "status changed", e.when(m.StatusChangedAt))
		e.row(w, "admitted", e.when(m.AdmittedAt))
		if err := w.Flush(); err != nil {
			return err
		}
		fmt.Fprintln(e.stdout)
		w = e.table()
		e.header(w, "KID", "STATUS", "REGISTERED", "REVOKED", "THUMBPRINT")
		for _, k := range m.Keys {
			tp := "-"
			if pub, err := attestation.ParsePublicKeyPEM(k.PublicKey); err == nil {
				tp = attestation.KeyThumbprint(pub)
			}
			row(w, k.KID, k.Status, e.when(k.RegisteredAt), e.when(k.RevokedAt), tp)
		}
		return w.Flush()
	})
}

func membersShow(e *env, args []string) int {
	f := e.flags("members show")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected one MSP id")
	}
	var raw json.RawMessage
	if err := e.call("GET", apiPath("/v1/members/%s", pos[0]), nil, nil, &raw); err != nil {
		return e.fail(err)
	}
	return e.showMember(raw)
}

func membersAdmit(e *env, args []string) int {
	f := e.flags("members admit")
	msp := f.String("msp", "", "")
	name := f.String("legal-name", "", "")
	credit := f.String("credit-code", "", "")
	roles := f.String("roles", "", "")
	pubkey := f.String("pubkey", "", "")
	kid := f.String("kid", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if code, ok := f.required("msp", "legal-name", "credit-code", "roles"); !ok {
		return code
	}
	if (*pubkey == "") != (*kid == "") {
		return f.usageErr("--pubkey and --kid go together")
	}
	req := contract.AdmitMemberRequest{MSPID: *msp, LegalName: *name, CreditCode: *credit,
		Roles: splitList(*roles), Keys: []contract.KeyRequest{}}
	if *pubkey != "" {
		pem, err := loadPublicKeyPEM(*pubkey)
		if err != nil {
			return e.fail(err)
		}
		req.Keys = append(req.Keys, contract.KeyRequest{KID: *kid, PublicKey: pem})
	}
	var raw json.RawMessage
	if err := e.call("POST", "/v1/members", nil, req, &raw); err != nil {
		return e.fail(err)
	}
	return e.showMember(raw)
}

func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// memberStatus builds suspend, reinstate and expel: the same request to
// three endpoints. A reason is required because it is kept on the ledger
// and shown to every member.
func memberStatus(action string) func(e *env, args []string) int {
	return func(e *env, args []string) int {
		f := e.flags("members " + action)
		reason := f.String("reason", "", "")
		pos, code, ok := f.parse(args)
		if !ok {
			return code
		}
		if len(pos) != 1 {
			return f.usageErr("expected one MSP id")
		}
		if code, ok := f.required("reason"); !ok {
			return code
		}
		var raw json.RawMessage
		if err := e.call("POST", apiPath("/v1/members/%s/"+action, pos[0]), nil, map[string]string{"reason": *reason}, &raw); err != nil {
			return e.fail(err)
		}
		return e.showMember(raw)
	}
}

func membersAddKey(e *env, args []string) int {
	f := e.flags("members add-key")
	kid := f.String("kid", "", "")
	pubkey := f.String("pubkey", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected one MSP id")
	}
	if code, ok := f.required("kid", "pubkey"); !ok {
		return code
	}
	pem, err := loadPublicKeyPEM(*pubkey)
	if err != nil {
		return e.fail(err)
	}
	var raw json.RawMessage
	if err := e.call("POST", apiPath("/v1/members/%s/keys", pos[0]), nil, contract.KeyRequest{KID: *kid, PublicKey: pem}, &raw); err != nil {
		return e.fail(err)
	}
	return e.showMember(raw)
}

func membersRevokeKey(e *env, args []string) int {
	f := e.flags("members revoke-key")
	reason := f.String("reason", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 2 {
		return f.usageErr("expected MSP and KID")
	}
	var body any
	if *reason != "" {
		body = map[string]string{"reason": *reason}
	}
	var raw json.RawMessage
	if err := e.call("DELETE", apiPath("/v1/members/%s/keys/%s", pos[0], pos[1]), nil, body, &raw); err != nil {
		return e.fail(err)
	}
	return e.showMember(raw)
}
