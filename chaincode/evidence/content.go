package evidence

import (
	"encoding/json"
	"strconv"
	"strings"

	"golang.org/x/text/currency"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// disputeRecord is the part of the contract's Dispute the transcript
// shows.
type disputeRecord struct {
	ID         string `json:"id"`
	OpenedBy   string `json:"openedBy"`
	ReasonCode string `json:"reasonCode"`
	OpenedAt   string `json:"openedAt"`
	DueBy      string `json:"dueBy"`
	State      string `json:"state"`
	ResolvedBy string `json:"resolvedBy"`
	ResolvedAt string `json:"resolvedAt"`
	Note       string `json:"note"`
}

// content adds, for each record, a check-less line saying what it states,
// so that the clerk reads what was proven, not only that it was.
func (r *run) content() {
	cur := "" // a settlement's amount is in its default's currency
	for _, rec := range r.b.Records {
		l := rec.Leaf
		var t Text
		switch l.Kind {
		case translog.KindDefault, translog.KindSettlement, translog.KindRevocation:
			p, err := attestation.Parse(l.JWS())
			if err != nil {
				continue
			}
			a := p.Payload
			switch a.Type {
			case attestation.TypeDefault:
				cur = a.Currency
				t = text("r.says-default", a.Reporter, a.Subject, a.LoanRef, amount(a.Amount, a.Currency), a.OverdueSince, intOr(a.DaysPastDue), a.NoticeDate, a.IssuedAt)
			case attestation.TypeSettlement:
				t = text("r.says-settlement", a.Reporter, a.Kind, a.SettledOn, amount(a.Amount, cur), a.IssuedAt)
			default:
				t = text("r.says-revocation", a.Reporter, a.Reason, a.IssuedAt)
			}
		case translog.KindDisputeOpened, translog.KindDisputeOutcome:
			var d disputeRecord
			if json.Unmarshal(l.Value, &d) != nil {
				continue
			}
			if l.Kind == translog.KindDisputeOpened {
				t = text("r.says-dispute", d.OpenedBy, d.OpenedAt, d.ReasonCode, d.DueBy)
			} else {
				t = text("r.says-outcome", d.State, d.ResolvedBy, d.ResolvedAt, d.Note)
			}
		default:
			continue
		}
		r.add("content", recordText(rec.LeafIndex, l), text("a.none"), true, t)
	}
}

func intOr(p *int) string {
	if p == nil {
		return "-"
	}
	return strconv.Itoa(*p)
}

// amount renders minor units in major units with the currency's decimals
// (exact integer arithmetic): 1250000 CNY is "12,500.00 CNY".
func amount(minor *int64, cur string) string {
	if minor == nil {
		return "-"
	}
	scale := 2
	if u, err := currency.ParseISO(cur); err == nil {
		scale, _ = currency.Standard.Rounding(u)
	}
	n := *minor
	neg := n < 0
	if neg {
		n = -n
	}
	digits := strconv.FormatInt(n, 10)
	for len(digits) <= scale {
		digits = "0" + digits
	}
	whole, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, c := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if scale > 0 {
		b.WriteString("." + frac)
	}
	if cur != "" {
		b.WriteString(" " + cur)
	}
	return b.String()
}
