package main

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
	"github.com/assoc-ledger/blacklist/node/rules"
)

// blctl rules: the member's alert rules (GET/PUT /v1/alert-rules), and
// "rules test", which checks and evaluates a rules file against a sample
// alert offline, with the node's own rules package: what it says about a
// file is what the node will say.

func cmdRules(e *env, args []string) int {
	return e.group("rules", args, []command{
		{"set", rulesSet},
		{"get", rulesGet},
		{"test", rulesTest},
	})
}

// readRules reads and strictly decodes a rules file ({"rules": [...]}).
func (e *env) readRules(name string) (rules.Set, error) {
	b, err := e.readInput(name)
	if err != nil {
		return rules.Set{}, err
	}
	var set rules.Set
	if err := strictjson.Decode(b, &set); err != nil {
		return rules.Set{}, usagef("%s: %v", name, err)
	}
	return set, nil
}

func rulesSet(e *env, args []string) int {
	f := e.flags("rules set")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("give one rules file (or - for stdin)")
	}
	set, err := e.readRules(pos[0])
	if err != nil {
		return e.fail(err)
	}
	var raw json.RawMessage
	if err := e.call("PUT", "/v1/alert-rules", nil, set, &raw); err != nil {
		return e.fail(err)
	}
	return e.showRules(raw)
}

func rulesGet(e *env, args []string) int {
	raw, code, ok := e.getNoArgs(args, "/v1/alert-rules", "rules get")
	if !ok {
		return code
	}
	return e.showRules(raw)
}

// showRules prints rules as the node answered: json as it is (a file
// rules set takes back), or a table.
func (e *env) showRules(raw json.RawMessage) int {
	if e.jsonOut() {
		if err := e.printRaw(raw); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	var set rules.Set
	if err := json.Unmarshal(raw, &set); err != nil {
		return e.fail(&ServerError{Op: "GET /v1/alert-rules", Err: err})
	}
	w := e.table()
	e.header(w, "#", "NAME", "CODE", "PRIORITY", "WHEN")
	for i, r := range set.Rules {
		row(w, fmt.Sprint(i), r.Name, r.Plan.Code, r.Plan.Priority, r.When)
	}
	if err := w.Flush(); err != nil {
		return e.fail(err)
	}
	return exitOK
}

// sample is what rules test evaluates: an alert as the API gives it
// (GET /v1/alerts, a webhook body), or {"alert": ..., "status": ...,
// "watch": {"label": ...}} with the subject's status as a lookup answers
// it. Fields the rules do not see are ignored.
type sample struct {
	Alert  *sampleAlert     `json:"alert"`
	Status *contract.Status `json:"status"`
	Watch  *struct {
		Label string `json:"label"`
	} `json:"watch"`
}

type sampleAlert struct {
	Kind          string `json:"kind"`
	SubjectKey    string `json:"subjectKey"`
	AttestationID string `json:"attestationId"`
	RefersTo      string `json:"refersTo"`
	DisputeID     string `json:"disputeId"`
	Outcome       string `json:"outcome"`
	Reporter      string `json:"reporter"`
	Time          string `json:"time"`
	Label         string `json:"label"`
}

func (e *env) readSample(name string) (rules.Input, error) {
	b, err := e.readInput(name)
	if err != nil {
		return rules.Input{}, err
	}
	var s sample
	if err := json.Unmarshal(b, &s); err != nil {
		return rules.Input{}, usagef("%s: %v", name, err)
	}
	if s.Alert == nil {
		var a sampleAlert
		if err := json.Unmarshal(b, &a); err != nil || a.Kind == "" {
			return rules.Input{}, usagef(`%s: neither an alert (with "kind") nor {"alert": ..., "status": ...}`, name)
		}
		s.Alert = &a
	}
	a := s.Alert
	in := rules.Input{Alert: rules.Alert{Kind: a.Kind, SubjectKey: a.SubjectKey, AttestationID: a.AttestationID, RefersTo: a.RefersTo,
		DisputeID: a.DisputeID, Outcome: a.Outcome, Reporter: a.Reporter, Time: a.Time}, Watch: rules.Watch{Label: a.Label}}
	if s.Watch != nil {
		in.Watch.Label = s.Watch.Label
	}
	if s.Status != nil {
		in.Status = rules.StatusFrom(*s.Status)
	} else {
		in.Status = rules.StatusFrom(contract.Status{})
	}
	return in, nil
}

func rulesTest(e *env, args []string) int {
	f := e.flags("rules test")
	alertFile := f.String("alert", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("give one rules file (or - for stdin)")
	}
	if code, ok := f.required("alert"); !ok {
		return code
	}
	set, err := e.readRules(pos[0])
	if err != nil {
		return e.fail(err)
	}
	compiled, err := rules.Compile(set)
	var es rules.Errors
	if errors.As(err, &es) {
		for _, x := range es {
			fmt.Fprintf(e.stderr, "blctl rules test: %s: %s (%s)\n", pos[0], x.Error(), x.Kind)
		}
		return exitRefused
	}
	if err != nil {
		return e.fail(err)
	}
	in, err := e.readSample(*alertFile)
	if err != nil {
		return e.fail(err)
	}
	m, skipped := compiled.Match(in)
	for _, s := range skipped {
		fmt.Fprintf(e.stderr, "blctl rules test: %s\n", e.t("cli.rules.skipped", s.Index, s.Rule, s.Err.Error()))
	}
	if e.jsonOut() {
		out := map[string]any{"plan": m, "skipped": len(skipped)}
		if err := e.printJSON(out); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	if m == nil {
		fmt.Fprintln(e.stdout, e.t("cli.rules.nomatch", len(set.Rules)))
		return exitOK
	}
	w := e.table()
	e.row(w, "rule", m.Rule)
	e.row(w, "code", m.Code)
	e.row(w, "priority", m.Priority)
	e.row(w, "text", m.Text)
	if err := w.Flush(); err != nil {
		return e.fail(err)
	}
	return exitOK
}
