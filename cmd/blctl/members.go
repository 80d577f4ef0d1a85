package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

const membersUsage = `Usage: blctl members SUBCOMMAND [flags] [args]

Members are the banks of the association (and the association itself).
Reading is open to every client; admitting and changing a member's status
needs the admin role; a member's reporter may add and revoke its own keys.

Subcommands:
%s
Examples:
  blctl members list
  blctl members show Bank1MSP
  blctl members admit --msp Bank3MSP --legal-name "Bank Three Ltd" --credit-code 91110000XXXXXXXXXX \
      --roles reporter,querier --pubkey bank3-2026.pub --kid bank3-2026
  blctl members suspend Bank3MSP --reason "membership fee unpaid"
  blctl members add-key Bank1MSP --kid bank1-2027 --pubkey bank1-2027.pub
  blctl members revoke-key Bank1MSP bank1-2026 --reason "rotated"

Run 'blctl members SUBCOMMAND --help' for its flags.
`

func cmdMembers(e *env, args []string) int {
	return e.group("members", membersUsage, args, []command{
		{"list", "list all members", membersList},
		{"show", "show one member and its keys: MSP", membersShow},
		{"admit", "admit a new member (admin)", membersAdmit},
		{"suspend", "suspend a member: MSP --reason (admin)", memberStatus("suspend")},
		{"reinstate", "reinstate a suspended member: MSP --reason (admin)", memberStatus("reinstate")},
		{"expel", "expel a member for good: MSP --reason (admin)", memberStatus("expel")},
		{"add-key", "register a signing key: MSP --kid --pubkey FILE", membersAddKey},
		{"revoke-key", "revoke a signing key: MSP KID [--reason]", membersRevokeKey},
	})
}

func membersList(e *env, args []string) int {
	raw, code, ok := e.getNoArgs(args, "/v1/members", "members list", "Usage: blctl members list\n\nLists all members: MSP id, legal name, status, roles and active keys.\n\nExample:\n  blctl --output json members list | jq '.members[] | select(.status != \"active\")'\n")
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
	f := e.flags("members show", "Usage: blctl members show MSP\n\nShows a member and its keys, with each key's RFC 7638 thumbprint.\n\nExample:\n  blctl members show Bank1MSP\n")
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

const admitUsage = `Usage: blctl members admit --msp MSP --legal-name NAME --credit-code CODE --roles ROLES [--pubkey FILE --kid KID]

Admits a member (role admin). ROLES is a comma-separated list of reporter
and querier. A first signing key may be registered at once with --pubkey
(a PEM public key, as written by 'blctl keygen') and --kid.

Example:
  blctl members admit --msp Bank3MSP --legal-name "Bank Three Ltd" \
      --credit-code 91110000XXXXXXXXXX --roles reporter,querier \
      --pubkey bank3-2026.pub --kid bank3-2026
`

func membersAdmit(e *env, args []string) int {
	f := e.flags("members admit", admitUsage)
	msp := f.String("msp", "", "the member's MSP id")
	name := f.String("legal-name", "", "registered legal name")
	credit := f.String("credit-code", "", "unified social credit code")
	roles := f.String("roles", "", "comma-separated: reporter, querier")
	pubkey := f.String("pubkey", "", "PEM public key file of a first signing key")
	kid := f.String("kid", "", "key id of --pubkey")
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
		usage := fmt.Sprintf("Usage: blctl members %s MSP --reason TEXT\n\n%s a member (role admin). The reason is recorded on the ledger.\n\nExample:\n  blctl members %s Bank3MSP --reason \"board decision 2026-04\"\n",
			action, strings.ToUpper(action[:1])+action[1:], action)
		f := e.flags("members "+action, usage)
		reason := f.String("reason", "", "why (recorded on the ledger)")
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

const addKeyUsage = `Usage: blctl members add-key MSP --kid KID --pubkey FILE

Registers a signing key for a member (role admin, or a reporter of that
member). Attestations name the key by KID in their JWS header.

Example:
  blctl keygen --out bank1-2027
  blctl members add-key Bank1MSP --kid bank1-2027 --pubkey bank1-2027.pub
`

func membersAddKey(e *env, args []string) int {
	f := e.flags("members add-key", addKeyUsage)
	kid := f.String("kid", "", "key id")
	pubkey := f.String("pubkey", "", "PEM public key file")
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

const revokeKeyUsage = `Usage: blctl members revoke-key MSP KID [--reason TEXT]

Revokes a member's signing key (role admin, or a reporter of that member).
Attestations already on the ledger stay; new ones signed with the key are
refused.

Example:
  blctl members revoke-key Bank1MSP bank1-2026 --reason "key rotated"
`

func membersRevokeKey(e *env, args []string) int {
	f := e.flags("members revoke-key", revokeKeyUsage)
	reason := f.String("reason", "", "why (optional)")
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
