// Package stats is the association-wide statistics: new defaults,
// settlements and revocations per ISO week and per month, by reporting
// member and by product; new defaults by the number of members reporting
// the subject (1, 2, 3+), the early warning of industry-wide waves of
// defaults (行业波动导致的批量违约); listed subjects per day; disputes opened,
// answered and overdue; and subjects looked up per day, by purpose and by
// member.
//
// Every figure is a counter kept up to date as things happen, never
// computed by scanning the ledger when asked, so a read costs the same at
// ten attestations or ten million: one prefix scan per period and one per
// range of days.
//
//   - Ledger figures: a Counter follows the ledger's feed of committed
//     changes (ledger.Feed) like the alert monitor, and keeps the counters
//     it changed and the feed position after them in one badger
//     transaction, so a crash neither loses nor doubles a count. For each
//     subject a stretch of the feed touched, it reads the subject's status
//     and history once through the contract (Options.Read: the contract's
//     own listing rule, as the association), which gives each
//     attestation's product and whether the subject is listed now; a
//     marker per listed subject turns that into listings and delistings.
//     The reads reflect the ledger when the stretch is counted, normally
//     milliseconds after its commit: a node catching up over a long
//     stretch (a first start on an old ledger) dates a subject's listing
//     changes by the last change it counted for it, not by each commit.
//   - Lookups: the query audit log's writer calls CountLookups in the
//     badger transaction that appends the entries (counts only: no
//     subject is kept), so the counts match the log.
//
// Days, weeks (ISO 8601) and months are Asia/Shanghai calendar periods.
// A change policy (SetPolicy) that lists or delists subjects without a
// change to them is not counted until they next change.
package stats

import (
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Zone is the calendar the statistics count in: Asia/Shanghai.
var Zone = time.FixedZone("CST", 8*3600)

// ZoneName names Zone in answers.
const ZoneName = "Asia/Shanghai"

// Granularity is the length of the periods an answer is divided into.
type Granularity string

// Granularities.
const (
	ByWeek  Granularity = "week"  // ISO 8601 weeks, Monday to Sunday: "2026-W48"
	ByMonth Granularity = "month" // calendar months: "2026-11"
)

// MaxDays bounds a query's range, [From, To]: about three years.
const MaxDays = 1100

// Query asks for the statistics of the days From to To (inclusive,
// YYYY-MM-DD, Asia/Shanghai) divided into periods of Granularity (empty:
// months).
type Query struct {
	From        string
	To          string
	Granularity Granularity
}

// Error codes of a query that cannot be answered.
const (
	CodeBadDate        = "bad-date"        // From or To missing or not YYYY-MM-DD
	CodeBadRange       = "bad-range"       // To before From, or more than MaxDays days
	CodeBadGranularity = "bad-granularity" // not week or month
)

// QueryError says what is wrong with a Query.
type QueryError struct {
	Code  string // CodeBadDate, CodeBadRange or CodeBadGranularity
	Field string // from, to or by
	Msg   string
}

func (e *QueryError) Error() string { return e.Field + ": " + e.Msg }

// ErrQuery matches every *QueryError (errors.Is).
var ErrQuery = errors.New("bad statistics query")

// Is makes errors.Is(err, ErrQuery) true for a *QueryError.
func (e *QueryError) Is(target error) bool { return target == ErrQuery }

// span is a validated query.
type span struct {
	from, to time.Time // midnight in Zone
	by       Granularity
	days     int
}

func parseDay(field, s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, &QueryError{CodeBadDate, field, "is required (a date, YYYY-MM-DD)"}
	}
	t, err := time.ParseInLocation(time.DateOnly, s, Zone)
	if err != nil || t.Format(time.DateOnly) != s {
		return time.Time{}, &QueryError{CodeBadDate, field, fmt.Sprintf("%q is not a date (YYYY-MM-DD)", s)}
	}
	return t, nil
}

// Validate checks q and returns what is wrong with it as a *QueryError.
func (q Query) Validate() error {
	_, err := q.span()
	return err
}

func (q Query) span() (span, error) {
	from, err := parseDay("from", q.From)
	if err != nil {
		return span{}, err
	}
	to, err := parseDay("to", q.To)
	if err != nil {
		return span{}, err
	}
	by := q.Granularity
	if by == "" {
		by = ByMonth
	}
	if by != ByWeek && by != ByMonth {
		return span{}, &QueryError{CodeBadGranularity, "by", fmt.Sprintf("%q is not week or month", string(q.Granularity))}
	}
	if to.Before(from) {
		return span{}, &QueryError{CodeBadRange, "to", fmt.Sprintf("%s is before from (%s)", q.To, q.From)}
	}
	days := dayCount(from, to)
	if days > MaxDays {
		return span{}, &QueryError{CodeBadRange, "to", fmt.Sprintf("the range is %d days; at most %d may be asked at once", days, MaxDays)}
	}
	return span{from: from, to: to, by: by, days: days}, nil
}

// dayCount is the number of days from a to b inclusive (both midnights
// in Zone, which has no daylight saving).
func dayCount(a, b time.Time) int { return int(b.Sub(a).Hours()/24) + 1 }

// Statistics is the answer to a Query.
type Statistics struct {
	From     string      `json:"from"`
	To       string      `json:"to"`
	By       Granularity `json:"by"`
	TimeZone string      `json:"timeZone"`
	// AsOf is the ledger feed position the ledger figures have counted up
	// to (the next position to count).
	AsOf uint64 `json:"asOf"`
	// ListedNow is the number of subjects listed now; OpenDisputes the
	// disputes not answered yet (some of them overdue).
	ListedNow    int64 `json:"listedNow"`
	OpenDisputes int64 `json:"openDisputes"`
	// Periods are the weeks or months that overlap [From, To], in order,
	// each counted whole.
	Periods []Period `json:"periods"`
	// Days are the days From to To, in order.
	Days []Day `json:"days"`
}

// Period holds the figures of one week or month.
type Period struct {
	// Period is "2026-W48" (ISO week) or "2026-11"; Start and End its
	// first and last day.
	Period string `json:"period"`
	Start  string `json:"start"`
	End    string `json:"end"`
	// Defaults, Settlements and Revocations are the attestations of each
	// type the ledger accepted in the period.
	Defaults    Breakdown `json:"defaults"`
	Settlements Breakdown `json:"settlements"`
	Revocations Breakdown `json:"revocations"`
	// DefaultsByReporters divides the period's new defaults by the number
	// of members reporting the subject once it was filed.
	DefaultsByReporters ReporterBuckets `json:"defaultsByReporters"`
	Disputes            DisputeCounts   `json:"disputes"`
	// Lookups sums the period's days.
	Lookups Lookups `json:"lookups"`
}

// Breakdown is a count in total, by reporting member and by product (""
// when the default named none; a settlement or revocation counts under its
// default's product).
type Breakdown struct {
	Total      int64            `json:"total"`
	ByReporter map[string]int64 `json:"byReporter"`
	ByProduct  map[string]int64 `json:"byProduct"`
}

// ReporterBuckets counts new defaults on subjects reported by one, two, or
// three or more members.
type ReporterBuckets struct {
	One         int64 `json:"1"`
	Two         int64 `json:"2"`
	ThreeOrMore int64 `json:"3+"`
}

// DisputeCounts are the disputes opened and answered (upheld or rejected)
// in a period, and those whose answer was due in the period and came late
// or has not come though the due time passed.
type DisputeCounts struct {
	Opened   int64 `json:"opened"`
	Answered int64 `json:"answered"`
	Overdue  int64 `json:"overdue"`
}

// Lookups counts the subjects looked up (audit entries of kind status or
// history, whatever their outcome), in total, by purpose and by member.
// Days carry ByMember for ranges up to DayMembersMaxDays days (empty
// otherwise); periods always do.
type Lookups struct {
	Total     int64            `json:"total"`
	ByPurpose map[string]int64 `json:"byPurpose"`
	ByMember  map[string]int64 `json:"byMember"`
}

// Day holds the figures of one day.
type Day struct {
	Date string `json:"date"`
	// Listed is the number of subjects listed at the end of the day;
	// NewlyListed and Delisted the changes during it.
	Listed      int64   `json:"listed"`
	NewlyListed int64   `json:"newlyListed"`
	Delisted    int64   `json:"delisted"`
	Lookups     Lookups `json:"lookups"`
}

func newBreakdown() Breakdown {
	return Breakdown{ByReporter: map[string]int64{}, ByProduct: map[string]int64{}}
}

func newLookups() Lookups {
	return Lookups{ByPurpose: map[string]int64{}, ByMember: map[string]int64{}}
}

// Period keys in the store: "w2026-W48", "m2026-11", "d2026-11-30".

func weekOf(t time.Time) string {
	y, w := t.In(Zone).ISOWeek()
	return fmt.Sprintf("%04d-W%02d", y, w)
}

func monthOf(t time.Time) string { return t.In(Zone).Format("2006-01") }

func dayOf(t time.Time) string { return t.In(Zone).Format(time.DateOnly) }

// periodsOf lists the periods of granularity by overlapping [from, to],
// each with its first and last day.
func periodsOf(from, to time.Time, by Granularity) []Period {
	var out []Period
	var start time.Time
	if by == ByWeek {
		wd := (int(from.Weekday()) + 6) % 7 // Monday 0
		start = from.AddDate(0, 0, -wd)
	} else {
		start = time.Date(from.Year(), from.Month(), 1, 0, 0, 0, 0, Zone)
	}
	for !start.After(to) {
		var next time.Time
		var name string
		if by == ByWeek {
			next, name = start.AddDate(0, 0, 7), weekOf(start)
		} else {
			next, name = start.AddDate(0, 1, 0), monthOf(start)
		}
		out = append(out, Period{Period: name, Start: start.Format(time.DateOnly), End: next.AddDate(0, 0, -1).Format(time.DateOnly),
			Defaults: newBreakdown(), Settlements: newBreakdown(), Revocations: newBreakdown(), Lookups: newLookups()})
		start = next
	}
	return out
}

func periodKey(by Granularity, name string) string {
	if by == ByWeek {
		return "w" + name
	}
	return "m" + name
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
