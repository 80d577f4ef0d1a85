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

const policyUsage = `Usage: blctl policy SUBCOMMAND [flags]

The association's listing policy: from how many days past due and which
amount a default counts, how long closed defaults stay visible, and how
long a reporter has to answer a dispute.

Subcommands:
%s
Examples:
  blctl policy show
  blctl policy set --min-days-past-due 90 --retention-years 5 --dispute-answer-days 20 \
      --min-amount CNY=100000 --min-amount USD=20000

Run 'blctl policy SUBCOMMAND --help' for its flags.
`

func cmdPolicy(e *env, args []string) int {
	return e.group("policy", policyUsage, args, []command{
		{"show", "show the current policy", policyShow},
		{"set", "replace the policy (admin)", policySet},
	})
}

func policyShow(e *env, args []string) int {
	raw, code, ok := e.getNoArgs(args, "/v1/policy", "policy show", "Usage: blctl policy show\n\nShows the current policy (any role).\n\nExample:\n  blctl --output json policy show\n")
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
		e.row(w, "updated", e.when(p.UpdatedAt))
		return w.Flush()
	})
}

const policySetUsage = `Usage: blctl policy set --min-days-past-due N --retention-years N --dispute-answer-days N [--min-amount CUR=MINOR ...]
                        [--daily-derivations N] [--daily-lookups N]

Replaces the whole policy (role admin). Every setting must be given: a
currency without --min-amount has no minimum afterwards, and a budget not
given goes back to its default, so run 'blctl policy show' first. Amounts
are in minor units (CNY=100000 is 1,000.00 yuan); --min-amount may be
repeated. The budgets are per member and Asia/Shanghai day: raw identity
numbers turned into subject keys (default 10000) and subjects looked up
(default 200000); past one a member's requests get 429 and the association
an alert.

Example:
  blctl policy set --min-days-past-due 90 --retention-years 5 --dispute-answer-days 20 --min-amount CNY=100000
`

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
	f := e.flags("policy set", policySetUsage)
	days := f.Int("min-days-past-due", 0, "days past due from which a default counts")
	years := f.Int("retention-years", 0, "years a closed default stays visible")
	answer := f.Int("dispute-answer-days", 0, "days a reporter has to answer a dispute")
	derivations := f.Int64("daily-derivations", 0, "raw-ID derivations per member and day (0: the default, 10000)")
	lookups := f.Int64("daily-lookups", 0, "subjects looked up per member and day (0: the default, 200000)")
	mins := minAmounts{}
	f.Var(mins, "min-amount", "CUR=MINOR_UNITS: minimum outstanding amount per currency (repeatable)")
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
	if *derivations < 0 || *lookups < 0 {
		return f.usageErr("--daily-derivations and --daily-lookups must not be negative")
	}
	p := contract.Policy{MinDaysPastDue: *days, MinAmount: mins, RetentionYears: *years, DisputeAnswerDays: *answer,
		DailyDerivations: *derivations, DailyLookups: *lookups}
	var raw json.RawMessage
	if err := e.call("PUT", "/v1/policy", nil, p, &raw); err != nil {
		return e.fail(err)
	}
	return e.showPolicy(raw)
}
