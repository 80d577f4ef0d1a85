// Package rules is a member's alert rules: an ordered list of CEL
// expressions (cel.dev/cel-go, the language Kubernetes admission rules are
// written in) over an alert, the subject's status and the member's watch
// entry, each with a handling plan (a code, a priority and a text: call
// within 24 hours, freeze the limit, legal review). When an alert is
// raised, the plan of the first rule whose expression is true is attached
// to it (根据预设规则生成相应的处理方案); no rule true, no plan.
//
// Rules are checked when they are saved, not when an alert comes: each
// expression is parsed and type-checked against the declared variables
// (an unknown field is an error, with its line and column), must be a
// boolean, and its worst-case cost, estimated from the bounds of the
// inputs (labels and keys at most 256 bytes, 100 reporters, 20
// currencies), must stay under MaxCost. Evaluation is bounded again by the
// same limit on the actual cost, so an input larger than the estimate
// assumed (a sample given to blctl rules test) stops the rule rather than
// the node: a rule that fails to evaluate is skipped, and the next one
// tried.
//
// The package is pure (no store, no node): the node keeps each member's
// rules in its store, and blctl evaluates a file offline with the same
// code.
package rules

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"strings"

	"cel.dev/cel-go/cel"
	"cel.dev/cel-go/common/cost"
	"cel.dev/cel-go/ext"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/freetext"
)

// Bounds on a member's rules.
const (
	MaxRules      = 50   // rules per member
	MaxExpression = 1000 // bytes of one "when"
	MaxName       = 100  // bytes of a rule's name
	MaxText       = 500  // bytes of a plan's text
	// MaxCost bounds a rule's cost in CEL cost units (about one per
	// field read, comparison or list element visited), both estimated at
	// save for the worst input and counted at evaluation.
	MaxCost = 10000
)

// Priorities a plan may have, most urgent first.
var Priorities = []string{"critical", "high", "medium", "low"}

// Plan is what to do about an alert.
type Plan struct {
	// Code names the handling, for the bank's systems: freeze-limit,
	// call-within-24h, legal-review ([a-z0-9] words joined by "-").
	Code     string `json:"code"`
	Priority string `json:"priority"`
	// Text is for the person handling the alert.
	Text string `json:"text"`
}

// Rule is one rule: when When is true of an alert, Plan applies.
type Rule struct {
	Name string `json:"name"`
	When string `json:"when"`
	Plan Plan   `json:"plan"`
}

// Set is a member's rules, in order.
type Set struct {
	Rules []Rule `json:"rules"`
}

// Matched is the plan attached to an alert: the plan of the first rule
// that matched, with the rule's name.
type Matched struct {
	Rule string `json:"rule"`
	Plan
}

// Error kinds.
const (
	KindSyntax   = "syntax"   // the expression does not parse
	KindType     = "type"     // unknown variable or field, wrong operand types, not a bool
	KindCost     = "cost"     // the estimated worst-case cost is over MaxCost
	KindInvalid  = "invalid"  // a name, plan or bound is not allowed
	KindTooMany  = "too-many" // more than MaxRules rules
	KindTooLarge = "too-large"
)

// Error says what is wrong with one rule of a set.
type Error struct {
	Index int    // the rule's index in the set
	Field string // rules[i].when, rules[i].plan.code, …
	Kind  string // KindSyntax, KindType, KindCost, KindInvalid, …
	// Line and Column (from 1) locate an expression error in When; 0
	// when the error is not in the expression.
	Line, Column int
	Msg          string
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d:%d: %s", e.Field, e.Line, e.Column, e.Msg)
	}
	return e.Field + ": " + e.Msg
}

// Errors are all that is wrong with a set, in rule order.
type Errors []*Error

func (es Errors) Error() string {
	parts := make([]string, len(es))
	for i, e := range es {
		parts[i] = e.Error()
	}
	return strings.Join(parts, "; ")
}

// ErrInvalid matches an Errors (errors.Is).
var ErrInvalid = errors.New("invalid alert rules")

// Is makes errors.Is(err, ErrInvalid) true for Errors.
func (es Errors) Is(target error) bool { return target == ErrInvalid }

var codeRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// The inputs a rule sees. Field names are those of the API's JSON.

// Alert is the alert as a rule sees it (`alert.kind`, …).
type Alert struct {
	Kind          string `cel:"kind"`
	SubjectKey    string `cel:"subjectKey"`
	AttestationID string `cel:"attestationId"`
	RefersTo      string `cel:"refersTo"`
	DisputeID     string `cel:"disputeId"`
	Outcome       string `cel:"outcome"`
	Reporter      string `cel:"reporter"`
	Time          string `cel:"time"`
}

// Status is the subject's standing when the alert is raised
// (`status.reporters`, …): the contract's Status, with the reporting
// members counted (reporters) and listed (reporterList).
type Status struct {
	Listed            bool             `cel:"listed"`
	ActiveDefaults    int64            `cel:"activeDefaults"`
	Reporters         int64            `cel:"reporters"`
	ReporterList      []string         `cel:"reporterList"`
	Outstanding       map[string]int64 `cel:"outstanding"`
	Disputed          bool             `cel:"disputed"`
	OverdueDisputes   int64            `cel:"overdueDisputes"`
	FirstOverdueSince string           `cel:"firstOverdueSince"`
	SettledRecords    int64            `cel:"settledRecords"`
	Records           int64            `cel:"records"`
}

// Watch is the member's watchlist entry for the subject (`watch.label`).
type Watch struct {
	Label string `cel:"label"`
}

// Input is what one evaluation sees.
type Input struct {
	Alert  Alert
	Status Status
	Watch  Watch
}

// StatusFrom turns the contract's Status into a rule's.
func StatusFrom(s contract.Status) Status {
	out := Status{Listed: s.Listed, ActiveDefaults: int64(s.ActiveDefaults), Reporters: int64(len(s.Reporters)),
		ReporterList: s.Reporters, Outstanding: s.Outstanding, Disputed: s.Disputed, OverdueDisputes: int64(s.OverdueDisputes),
		FirstOverdueSince: s.FirstOverdueSince, SettledRecords: int64(s.SettledRecords), Records: int64(s.Records)}
	if out.ReporterList == nil {
		out.ReporterList = []string{}
	}
	if out.Outstanding == nil {
		out.Outstanding = map[string]int64{}
	}
	return out
}

var env = func() *cel.Env {
	e, err := cel.NewEnv(
		ext.NativeTypes(reflect.TypeFor[Alert](), reflect.TypeFor[Status](), reflect.TypeFor[Watch](), ext.ParseStructTags(true)),
		ext.Strings(),
		cel.Variable("alert", cel.ObjectType("rules.Alert")),
		cel.Variable("status", cel.ObjectType("rules.Status")),
		cel.Variable("watch", cel.ObjectType("rules.Watch")),
	)
	if err != nil {
		panic(err) // the declarations above are fixed
	}
	return e
}()

// sizes bounds the inputs for the cost estimate.
type sizes struct{}

func (sizes) EstimateCallCost(string, string, *cost.AstNode, []cost.AstNode) *cost.CallEstimate {
	return nil
}

func (sizes) EstimateSize(n cost.AstNode) *cost.SizeEstimate {
	p := n.Path()
	if len(p) < 2 {
		return nil
	}
	switch {
	case p[0] == "status" && p[1] == "reporterList" && len(p) == 2:
		return &cost.SizeEstimate{Min: 0, Max: 100}
	case p[0] == "status" && p[1] == "outstanding" && len(p) == 2:
		return &cost.SizeEstimate{Min: 0, Max: 20}
	}
	// Strings: keys, ids, labels, member ids, currencies.
	return &cost.SizeEstimate{Min: 0, Max: 256}
}

// Compiled is a checked set, ready to evaluate.
type Compiled struct {
	Set
	programs []cel.Program
}

// Compile checks set and returns it compiled, or Errors listing every
// rule's problems.
func Compile(set Set) (*Compiled, error) {
	var errs Errors
	if len(set.Rules) > MaxRules {
		return nil, Errors{{Index: MaxRules, Field: "rules", Kind: KindTooMany, Msg: fmt.Sprintf("%d rules; at most %d", len(set.Rules), MaxRules)}}
	}
	c := &Compiled{Set: set, programs: make([]cel.Program, len(set.Rules))}
	names := map[string]int{}
	for i, r := range set.Rules {
		field := fmt.Sprintf("rules[%d]", i)
		bad := func(f, kind, format string, args ...any) {
			errs = append(errs, &Error{Index: i, Field: field + f, Kind: kind, Msg: fmt.Sprintf(format, args...)})
		}
		switch {
		case r.Name == "" || len(r.Name) > MaxName:
			bad(".name", KindInvalid, "a name of 1 to %d bytes is required", MaxName)
		case freetext.Check(r.Name) != nil:
			bad(".name", KindInvalid, "%v", freetext.Check(r.Name))
		}
		if j, dup := names[r.Name]; dup && r.Name != "" {
			bad(".name", KindInvalid, "%q is also the name of rules[%d]", r.Name, j)
		}
		names[r.Name] = i
		if len(r.Plan.Code) == 0 || len(r.Plan.Code) > 64 || !codeRE.MatchString(r.Plan.Code) {
			bad(".plan.code", KindInvalid, "%q is not a code: lower-case letters and digits in words joined by -, at most 64 bytes (freeze-limit)", r.Plan.Code)
		}
		if !contains(Priorities, r.Plan.Priority) {
			bad(".plan.priority", KindInvalid, "%q is not one of %s", r.Plan.Priority, strings.Join(Priorities, ", "))
		}
		switch {
		case r.Plan.Text == "" || len(r.Plan.Text) > MaxText:
			bad(".plan.text", KindInvalid, "a text of 1 to %d bytes is required", MaxText)
		case freetext.Check(r.Plan.Text) != nil:
			bad(".plan.text", KindInvalid, "%v", freetext.Check(r.Plan.Text))
		}
		if len(r.When) > MaxExpression {
			bad(".when", KindTooLarge, "%d bytes; at most %d", len(r.When), MaxExpression)
			continue
		}
		if strings.TrimSpace(r.When) == "" {
			bad(".when", KindSyntax, "an expression is required")
			continue
		}
		prg, err := compile(r.When)
		if err != nil {
			err.Index, err.Field = i, field+".when"
			errs = append(errs, err)
			continue
		}
		c.programs[i] = prg
	}
	if len(errs) > 0 {
		return nil, errs
	}
	return c, nil
}

// compile checks one expression: syntax, types, a bool result, and its
// estimated cost.
func compile(expr string) (cel.Program, *Error) {
	parsed, iss := env.Parse(expr)
	if iss != nil && iss.Err() != nil {
		return nil, issueError(KindSyntax, iss)
	}
	checked, iss := env.Check(parsed)
	if iss != nil && iss.Err() != nil {
		return nil, issueError(KindType, iss)
	}
	if checked.OutputType() != cel.BoolType {
		return nil, &Error{Kind: KindType, Line: 1, Column: 1, Msg: fmt.Sprintf("the expression is a %s; it must be true or false", checked.OutputType())}
	}
	est, err := env.EstimateCost(checked, sizes{})
	if err != nil {
		return nil, &Error{Kind: KindCost, Line: 1, Column: 1, Msg: "its cost cannot be estimated: " + err.Error()}
	}
	if est.Max > MaxCost {
		return nil, &Error{Kind: KindCost, Line: 1, Column: 1, Msg: fmt.Sprintf("its worst case costs %d units; at most %d (iterate over fewer lists, or not within each other)", est.Max, MaxCost)}
	}
	prg, err := env.Program(checked, cel.CostLimit(MaxCost), cel.InterruptCheckFrequency(100))
	if err != nil {
		return nil, &Error{Kind: KindType, Line: 1, Column: 1, Msg: err.Error()}
	}
	return prg, nil
}

func issueError(kind string, iss *cel.Issues) *Error {
	errs := iss.Errors()
	if len(errs) == 0 {
		return &Error{Kind: kind, Line: 1, Column: 1, Msg: iss.Err().Error()}
	}
	e := errs[0]
	line, col := e.Location.Line(), e.Location.Column()+1
	if line < 1 {
		line, col = 1, 1
	}
	return &Error{Kind: kind, Line: line, Column: col, Msg: e.Message}
}

// EvalError says why a rule was skipped at evaluation (its cost went over
// MaxCost, a map key was absent, …).
type EvalError struct {
	Index int
	Rule  string
	Err   error
}

func (e EvalError) Error() string { return fmt.Sprintf("rules[%d] (%s): %v", e.Index, e.Rule, e.Err) }

// Match evaluates the rules in order against in and returns the plan of
// the first that is true (nil if none is), and the rules skipped before it
// because they could not be evaluated.
func (c *Compiled) Match(in Input) (*Matched, []EvalError) {
	if c == nil {
		return nil, nil
	}
	vars := map[string]any{"alert": in.Alert, "status": in.Status, "watch": in.Watch}
	if in.Status.ReporterList == nil || in.Status.Outstanding == nil {
		st := in.Status
		if st.ReporterList == nil {
			st.ReporterList = []string{}
		}
		if st.Outstanding == nil {
			st.Outstanding = map[string]int64{}
		}
		vars["status"] = st
	}
	var skipped []EvalError
	for i, prg := range c.programs {
		out, _, err := prg.Eval(vars)
		if err != nil {
			skipped = append(skipped, EvalError{Index: i, Rule: c.Rules[i].Name, Err: err})
			continue
		}
		if b, ok := out.Value().(bool); ok && b {
			return &Matched{Rule: c.Rules[i].Name, Plan: c.Rules[i].Plan}, skipped
		}
	}
	return nil, skipped
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
