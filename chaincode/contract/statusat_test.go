package contract

import (
	"slices"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

// TestStandingAt: the listing rule as of a time, at each boundary: before
// and at a default's recording, below the threshold, after a settlement,
// after an upheld dispute, and a rejected dispute that changes nothing.
func TestStandingAt(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	at := func(d time.Duration) string { return FormatTime(t0.Add(d)) }
	dpd, low := 120, 30
	amount := int64(100000)
	def := func(reporter string, days *int, recorded time.Duration) Record {
		return Record{ID: reporter, RecordedAt: at(recorded), Payload: attestation.Payload{Type: "default", Reporter: reporter,
			DaysPastDue: days, Amount: &amount, Currency: "CNY"}}
	}
	settled := Record{RecordedAt: at(3 * time.Hour), Payload: attestation.Payload{Type: "settlement"}}
	h := History{Entries: []HistoryEntry{
		{Default: def("Bank1MSP", &dpd, time.Hour), Closure: &settled},
		{Default: def("Bank2MSP", &dpd, 2*time.Hour), Disputes: []Dispute{
			{State: DisputeRejected, ResolvedAt: at(4 * time.Hour)},
			{State: DisputeUpheld, ResolvedAt: at(5 * time.Hour)}}},
		{Default: def("Bank3MSP", &low, 0)},
	}}
	p := DefaultPolicy()
	for _, tc := range []struct {
		d         time.Duration
		listed    bool
		reporters []string
	}{
		{-time.Nanosecond, false, nil},
		{0, false, nil}, // below the threshold from the start
		{time.Hour - time.Nanosecond, false, nil},
		{time.Hour, true, []string{"Bank1MSP"}},
		{2 * time.Hour, true, []string{"Bank1MSP", "Bank2MSP"}},
		{3 * time.Hour, true, []string{"Bank2MSP"}}, // Bank1 settled
		{4 * time.Hour, true, []string{"Bank2MSP"}}, // a rejected dispute changes nothing
		{5*time.Hour - time.Nanosecond, true, []string{"Bank2MSP"}},
		{5 * time.Hour, false, nil}, // overturned
	} {
		listed, reporters := StandingAt(h, p, t0.Add(tc.d))
		if listed != tc.listed || !slices.Equal(reporters, append([]string{}, tc.reporters...)) {
			t.Errorf("at +%s: listed %v %v, want %v %v", tc.d, listed, reporters, tc.listed, tc.reporters)
		}
	}
}
