package stats

import (
	"errors"
	"testing"
	"time"
)

// TestPeriods: ISO weeks across a year end (2026 has 53: 1 January is a
// Thursday), months across one, each with its first and last day.
func TestPeriods(t *testing.T) {
	day := func(s string) time.Time { d, _ := time.ParseInLocation(time.DateOnly, s, Zone); return d }
	got := periodsOf(day("2026-12-27"), day("2027-01-05"), ByWeek)
	want := [][3]string{{"2026-W52", "2026-12-21", "2026-12-27"}, {"2026-W53", "2026-12-28", "2027-01-03"}, {"2027-W01", "2027-01-04", "2027-01-10"}}
	if len(got) != len(want) {
		t.Fatalf("weeks %+v", got)
	}
	for i, w := range want {
		if got[i].Period != w[0] || got[i].Start != w[1] || got[i].End != w[2] {
			t.Fatalf("week %d: %s %s..%s, want %v", i, got[i].Period, got[i].Start, got[i].End, w)
		}
	}
	got = periodsOf(day("2026-11-15"), day("2027-01-02"), ByMonth)
	want = [][3]string{{"2026-11", "2026-11-01", "2026-11-30"}, {"2026-12", "2026-12-01", "2026-12-31"}, {"2027-01", "2027-01-01", "2027-01-31"}}
	for i, w := range want {
		if got[i].Period != w[0] || got[i].Start != w[1] || got[i].End != w[2] {
			t.Fatalf("month %d: %s %s..%s, want %v", i, got[i].Period, got[i].Start, got[i].End, w)
		}
	}
	// A week key is the ISO week of the change's time in Asia/Shanghai:
	// 2027-01-03T16:30Z is Monday 4 January 00:30 there.
	if w := weekOf(time.Date(2027, 1, 3, 16, 30, 0, 0, time.UTC)); w != "2027-W01" {
		t.Fatalf("week of a UTC Sunday evening: %s", w)
	}
}

func TestQueryBounds(t *testing.T) {
	if err := (Query{From: "2024-01-01", To: "2027-01-04"}).Validate(); err != nil { // 1100 days
		t.Fatalf("1100 days: %v", err)
	}
	err := (Query{From: "2024-01-01", To: "2027-01-05"}).Validate()
	var qe *QueryError
	if !errors.As(err, &qe) || qe.Code != CodeBadRange || qe.Field != "to" {
		t.Fatalf("1101 days: %v", err)
	}
}
