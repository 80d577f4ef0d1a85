package main

import (
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func cmdPolicy(e *env, args []string) int {
	return e.group("policy", args, []command{
		{"show", policyShow},
		{"set", policySet},
	})
}

func policyShow(e *env, args []string) int {
	raw, code, ok := e.getNoArgs(args, "/v1/policy", "policy show")
	if !ok {
		return code
	}
	return e.showPolicy(raw)
}

func (e *env) showPolicy(raw json.RawMessage) int {
	var p contract.Policy
	return e.show(raw, &p, func() error {
		w := e.table()
		e.row(w, "min days past due", strconv.Itoa(p.MinDaysPastDue))
		e.row(w, "min amount", e.amounts(p.MinAmount))
		e.row(w, "retention years", strconv.Itoa(p.RetentionYears))
		e.row(w, "dispute answer days", strconv.Itoa(p.DisputeAnswerDays))
		e.row(w, "daily derivations per member", strconv.FormatInt(p.Budget(contract.BudgetDerivations), 10))
		e.row(w, "daily lookups per member", strconv.FormatInt(p.Budget(contract.BudgetLookups), 10))
		quorum := e.t("cli.policy.quorum.majority")
		if p.LogQuorum > 0 {
			quorum = e.t("cli.policy.quorum.n", strconv.Itoa(p.LogQuorum))
		}
		e.row(w, "log checkpoint quorum", quorum)
		e.row(w, "updated", e.when(p.UpdatedAt))
		return w.Flush()
	})
}

// minAmounts collects repeated --min-amount CUR=N flags.
type minAmounts map[string]int64

// String is the flag's value as it was given (CUR=MINOR,...), sorted.
func (m minAmounts) String() string {
	parts := make([]string, 0, len(m))
	for c, v := range m {
		parts = append(parts, fmt.Sprintf("%s=%d", c, v))
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func (m minAmounts) Set(v string) error {
	cur, n, ok := strings.Cut(v, "=")
	cur = strings.ToUpper(strings.TrimSpace(cur))
	if !ok || !attestation.IsCurrency(cur) {
		return fmt.Errorf("want CUR=MINOR_UNITS with an ISO 4217 currency, e.g. CNY=100000")
	}
	amount, err := strconv.ParseInt(strings.TrimSpace(n), 10, 64)
	if err != nil || amount < 0 {
		return fmt.Errorf("amount for %s must be a non-negative integer of minor units", cur)
	}
	if _, dup := m[cur]; dup {
		return fmt.Errorf("%s given twice", cur)
	}
	m[cur] = amount
	return nil
}

func policySet(e *env, args []string) int {
	f := e.flags("policy set")
	days := f.Int("min-days-past-due", 0, "")
	years := f.Int("retention-years", 0, "")
	answer := f.Int("dispute-answer-days", 0, "")
	derivations := f.Int64("daily-derivations", 0, "")
	lookups := f.Int64("daily-lookups", 0, "")
	logQuorum := f.Int("log-quorum", 0, "")
	mins := minAmounts{}
	f.Var(mins, "min-amount", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	for _, c := range []struct {
		name string
		v    int
	}{{"min-days-past-due", *days}, {"retention-years", *years}, {"dispute-answer-days", *answer}} {
		if c.v < 1 {
			return f.usageErr("--%s is required and must be at least 1", c.name)
		}
	}
	if *derivations < 0 || *lookups < 0 || *logQuorum < 0 {
		return f.usageErr("--daily-derivations, --daily-lookups and --log-quorum must not be negative")
	}
	p := contract.Policy{MinDaysPastDue: *days, MinAmount: mins, RetentionYears: *years, DisputeAnswerDays: *answer,
		DailyDerivations: *derivations, DailyLookups: *lookups, LogQuorum: *logQuorum}
	var raw json.RawMessage
	if err := e.call("PUT", "/v1/policy", nil, p, &raw); err != nil {
		return e.fail(err)
	}
	return e.showPolicy(raw)
}
