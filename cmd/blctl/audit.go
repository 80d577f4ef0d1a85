package main

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"time"
)

// auditEntry is the part of an audit entry the table shows. It is not the
// node's type, which would tie this client to the node's storage code.
type auditEntry struct {
	Seq     uint64 `json:"seq"`
	Time    string `json:"time"`
	Client  string `json:"client"`
	Member  string `json:"member"`
	Subject string `json:"subject"`
	Purpose string `json:"purpose"`
	Kind    string `json:"kind"`
	Outcome string `json:"outcome"`
	Listed  bool   `json:"listed"`
}

type auditPage struct {
	Entries []json.RawMessage `json:"entries"`
	Next    *uint64           `json:"next"`
}

func cmdAudit(e *env, args []string) int {
	if len(args) > 0 {
		switch args[0] {
		case "export":
			return cmdAuditExport(e, args[1:])
		case "verify":
			return cmdAuditVerify(e, args[1:])
		}
	}
	f := e.flags("audit")
	member := f.String("member", "", "")
	subject := f.String("subject", "", "")
	from := f.String("from", "", "")
	to := f.String("to", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if *subject != "" {
		key, err := e.resolve(kindSubject, *subject)
		if err != nil {
			return e.fail(err)
		}
		*subject = key
	}
	q := url.Values{}
	for name, v := range map[string]string{"member": *member, "subject": *subject, "from": *from, "to": *to} {
		if v == "" {
			continue
		}
		if name == "from" || name == "to" {
			if _, err := time.Parse(time.RFC3339, v); err != nil {
				return f.usageErr("--%s must be an RFC 3339 time such as 2026-03-01T00:00:00+08:00, got %q", name, v)
			}
		}
		q.Set(name, v)
	}
	entries, err := auditAll(e, q)
	if err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		err = e.printJSON(map[string]any{"entries": entries})
	} else {
		err = printAudit(e, entries)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// auditAll follows "next" until a page comes without one. A next that does
// not move forward would loop forever, so it is treated as a server fault.
func auditAll(e *env, q url.Values) ([]json.RawMessage, error) {
	entries := []json.RawMessage{}
	var after uint64
	for first := true; ; first = false {
		if !first {
			q.Set("after", strconv.FormatUint(after, 10))
		}
		var page auditPage
		if err := e.call("GET", "/v1/audit/queries", q, nil, &page); err != nil {
			return nil, err
		}
		entries = append(entries, page.Entries...)
		if page.Next == nil {
			return entries, nil
		}
		if !first && *page.Next <= after {
			return nil, &ServerError{Op: "GET /v1/audit/queries", Err: fmt.Errorf("next %d does not advance past %d", *page.Next, after)}
		}
		after = *page.Next
	}
}

func printAudit(e *env, raw []json.RawMessage) error {
	w := e.table()
	e.header(w, "SEQ", "TIME", "CLIENT", "MEMBER", "SUBJECT", "PURPOSE", "KIND", "OUTCOME", "LISTED")
	for i, r := range raw {
		var a auditEntry
		if err := json.Unmarshal(r, &a); err != nil {
			return &ServerError{Op: "GET /v1/audit/queries", Err: fmt.Errorf("entry %d does not parse: %v", i, err)}
		}
		row(w, strconv.FormatUint(a.Seq, 10), e.when(a.Time), a.Client, a.Member, orDash(e.short(a.Subject)), orDash(a.Purpose), a.Kind, orDash(a.Outcome), e.yesNo(a.Listed))
	}
	return w.Flush()
}
