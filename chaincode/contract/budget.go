package contract

import (
	"encoding/json"
	"time"
)

// Budgets: the association sets, in the policy, how many raw identity
// numbers a member's node may turn into subject keys per day and how many
// subjects it may look up per day. The member's node enforces them (the
// ledger never sees raw IDs or reads); when a member first goes over a
// budget in a day, its node records that here, and the association's node
// raises an alert from the committed event.

// Default daily budgets, used when the policy leaves them 0.
const (
	DefaultDailyDerivations = 10000
	DefaultDailyLookups     = 200000
	maxDailyBudget          = 100000000
)

// Budget kinds.
const (
	BudgetDerivations = "derivations"
	BudgetLookups     = "lookups"
)

// EventBudgetExceeded is the chaincode event of ReportBudgetExceeded.
const EventBudgetExceeded = "budget-exceeded"

// ReportBudgetExceededRequest is the argument of ReportBudgetExceeded; the
// member is the creator.
type ReportBudgetExceededRequest struct {
	Kind string `json:"kind"`
	// Day is the Asia/Shanghai calendar day, YYYY-MM-DD.
	Day string `json:"day"`
	// Count is what the member would have reached; Budget the limit.
	Count  int64 `json:"count"`
	Budget int64 `json:"budget"`
}

// BudgetExceeded is a recorded report; it is also the event's payload,
// with the association that is to be alerted.
type BudgetExceeded struct {
	Member      string `json:"member"`
	Kind        string `json:"kind"`
	Day         string `json:"day"`
	Count       int64  `json:"count"`
	Budget      int64  `json:"budget"`
	Association string `json:"association"`
	ReportedAt  string `json:"reportedAt"`
	TxID        string `json:"txId"`
}

// Budget returns the policy's daily budget of kind, with defaults for 0.
func (p *Policy) Budget(kind string) int64 {
	switch kind {
	case BudgetDerivations:
		if p.DailyDerivations > 0 {
			return p.DailyDerivations
		}
		return DefaultDailyDerivations
	case BudgetLookups:
		if p.DailyLookups > 0 {
			return p.DailyLookups
		}
		return DefaultDailyLookups
	}
	return 0
}

func (p *Policy) validateBudgets() error {
	for name, v := range map[string]*int64{"dailyDerivations": &p.DailyDerivations, "dailyLookups": &p.DailyLookups} {
		if *v < 0 || *v > maxDailyBudget {
			return errorf(CodeInvalidArgument, "%s: must be 1 to %d (0: the default), got %d", name, maxDailyBudget, *v)
		}
	}
	if p.DailyDerivations == 0 {
		p.DailyDerivations = DefaultDailyDerivations
	}
	if p.DailyLookups == 0 {
		p.DailyLookups = DefaultDailyLookups
	}
	return nil
}

func budgetKey(member, kind, day string) string { return key("budgetexceeded", member, kind, day) }

func (c *Contract) reportBudgetExceeded(tx *txn, arg []byte) (any, error) {
	var req ReportBudgetExceededRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.anchorer()
	if err != nil {
		return nil, err
	}
	if req.Kind != BudgetDerivations && req.Kind != BudgetLookups {
		return nil, errorf(CodeInvalidArgument, "kind: %q is not %s or %s", req.Kind, BudgetDerivations, BudgetLookups)
	}
	if _, err := time.Parse(time.DateOnly, req.Day); err != nil {
		return nil, errorf(CodeInvalidArgument, "day: %q is not a date YYYY-MM-DD", req.Day)
	}
	if req.Budget < 1 || req.Count <= req.Budget {
		return nil, errorf(CodeInvalidArgument, "count %d does not exceed budget %d (budget at least 1)", req.Count, req.Budget)
	}
	var prev BudgetExceeded
	if ok, err := getJSON(tx.st, budgetKey(m.MSPID, req.Kind, req.Day), &prev); err != nil {
		return nil, err
	} else if ok {
		// Reported already that day (a retry): one alert a day is enough.
		return prev, nil
	}
	assoc, err := tx.association()
	if err != nil {
		return nil, err
	}
	b := BudgetExceeded{Member: m.MSPID, Kind: req.Kind, Day: req.Day, Count: req.Count, Budget: req.Budget,
		Association: assoc, ReportedAt: FormatTime(tx.now), TxID: tx.id}
	if err := putJSON(tx.st, budgetKey(m.MSPID, req.Kind, req.Day), b); err != nil {
		return nil, err
	}
	ev, err := json.Marshal(b)
	if err != nil {
		return nil, err
	}
	return b, tx.st.SetEvent(EventBudgetExceeded, ev)
}
