package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
	"github.com/assoc-ledger/blacklist/node/stats"
)

func today() string { return time.Now().In(stats.Zone).Format(time.DateOnly) }

func TestStatisticsRefusals(t *testing.T) {
	d := openDemo(t, t.TempDir())
	defer d.close()
	ctx := context.Background()
	q := StatisticsQuery{From: today(), To: today(), Granularity: stats.ByMonth}
	forbiddenErr := func(err error) bool {
		var ce *contract.Error
		return errors.As(err, &ce) && ce.Code == contract.CodeForbidden
	}
	// A bank's querier, and a bank's admin or auditor: the figures name
	// every member, so only the association reads them.
	for _, c := range []*Client{d.bank1,
		{Name: "bank1-admin", Member: "Bank1MSP", Roles: []string{RoleAdmin}},
		{Name: "bank2-auditor", Member: "Bank2MSP", Roles: []string{RoleAuditor}},
		{Name: "assoc-reporter", Member: DemoAssociation, Roles: []string{RoleReporter}}} {
		if _, err := d.n.Statistics(ctx, c, q); !forbiddenErr(err) {
			t.Fatalf("%s read the statistics: %v", c.Name, err)
		}
	}
	// A suspended member's auditor.
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	if _, _, err := d.n.ChangeMemberStatus(ctx, admin, Suspend, "Bank2MSP", "late reports"); err != nil {
		t.Fatal(err)
	}
	if _, err := d.n.Statistics(ctx, &Client{Name: "b2", Member: "Bank2MSP", Roles: []string{RoleAuditor}}, q); !forbiddenErr(err) {
		t.Fatalf("a suspended member's auditor read the statistics: %v", err)
	}
	// Bad queries, each with its code.
	for _, tc := range []struct {
		q    StatisticsQuery
		code string
	}{
		{StatisticsQuery{To: "2026-11-30"}, stats.CodeBadDate},
		{StatisticsQuery{From: "2026-11-31", To: "2026-12-01"}, stats.CodeBadDate},
		{StatisticsQuery{From: "2026-1-1", To: "2026-12-01"}, stats.CodeBadDate},
		{StatisticsQuery{From: "2026-11-30", To: "2026-11-29"}, stats.CodeBadRange},
		{StatisticsQuery{From: "2020-01-01", To: "2026-11-29"}, stats.CodeBadRange},
		{StatisticsQuery{From: "2026-11-01", To: "2026-11-29", Granularity: "day"}, stats.CodeBadGranularity},
	} {
		_, err := d.n.Statistics(ctx, admin, tc.q)
		var qe *stats.QueryError
		if !errors.As(err, &qe) || qe.Code != tc.code || !errors.Is(err, stats.ErrQuery) {
			t.Fatalf("%+v: %v, want %s", tc.q, err, tc.code)
		}
	}
}

// TestStatisticsCount files defaults, closures and disputes through the
// real contract and checks every figure against what the test did.
func TestStatisticsCount(t *testing.T) {
	dir := t.TempDir()
	d := openDemo(t, dir)
	ctx := context.Background()
	def := func(reporter, subj, loan, product string, dpd int) string {
		p := ledgertest.DefaultPayload(reporter, subj, hexOf(loan), dpd)
		p.Product = product
		return d.file(p)
	}
	s1, s2, s3, s4 := subject("st-1"), subject("st-2"), subject("st-3"), subject("st-4")
	d1 := def("Bank1MSP", s1, "l1", "credit-card", 120)                 // s1 listed: 1 reporter
	def("Bank2MSP", s1, "l2", "consumer", 120)                          // s1: 2 reporters
	d3 := def("Bank2MSP", s2, "l3", "consumer", 120)                    // s2 listed
	d4 := def("Bank1MSP", s3, "l4", "credit-card", 30)                  // below the threshold: not listed
	d5 := def("Bank1MSP", s4, "l5", "credit-card", 200)                 // s4 listed
	d.file(ledgertest.ClosurePayload("Bank2MSP", "settlement", d3, s2)) // s2 delisted
	d.file(ledgertest.ClosurePayload("Bank1MSP", "revocation", d4, s3)) // nothing listed changes
	var disp contract.Dispute
	json.Unmarshal(d.submit("Bank2MSP", "OpenDispute", contract.OpenDisputeRequest{AttestationID: d5, ReasonCode: "not-mine", StatementDigest: hexOf("st")}), &disp)
	d.submit("Bank1MSP", "ResolveDispute", contract.ResolveDisputeRequest{DisputeID: disp.ID, Outcome: "upheld", Note: "ours"}) // s4 delisted
	d.submit("Bank2MSP", "OpenDispute", contract.OpenDisputeRequest{AttestationID: d1, ReasonCode: "amount-wrong", StatementDigest: hexOf("st2")})
	// Lookups: 3 subjects for loan approval by Bank1, 1 post-loan by Bank2.
	if _, _, err := d.n.Lookup(ctx, d.bank1, "loan-approval", []string{s1, s2, s3}, false); err != nil {
		t.Fatal(err)
	}
	if _, _, err := d.n.Lookup(ctx, d.bank2, "post-loan", []string{s4}, false); err != nil {
		t.Fatal(err)
	}
	if err := d.n.CountStatistics(); err != nil {
		t.Fatal(err)
	}
	admin := &Client{Name: "assoc-admin", Member: DemoAssociation, Roles: []string{RoleAdmin}}
	auditor := &Client{Name: "auditor", Member: DemoAssociation, Roles: []string{RoleAuditor}}
	day := today()
	got, err := d.n.Statistics(ctx, auditor, StatisticsQuery{From: day, To: day, Granularity: stats.ByWeek})
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Periods) != 1 || len(got.Days) != 1 || got.TimeZone != "Asia/Shanghai" || got.AsOf == 0 {
		t.Fatalf("periods %d, days %d, %+v", len(got.Periods), len(got.Days), got)
	}
	p := got.Periods[0]
	y, w := time.Now().In(stats.Zone).ISOWeek()
	if want := time.Now().In(stats.Zone); p.Period != weekName(y, w) || p.Start > day || p.End < day || want.Weekday() == time.Monday && p.Start != day {
		t.Fatalf("period %s %s..%s for %s", p.Period, p.Start, p.End, day)
	}
	eq := func(what string, got, want map[string]int64) {
		t.Helper()
		if !maps.Equal(got, want) {
			t.Fatalf("%s: %v, want %v", what, got, want)
		}
	}
	if p.Defaults.Total != 5 || p.Settlements.Total != 1 || p.Revocations.Total != 1 {
		t.Fatalf("totals %+v", p)
	}
	eq("defaults by reporter", p.Defaults.ByReporter, map[string]int64{"Bank1MSP": 3, "Bank2MSP": 2})
	eq("defaults by product", p.Defaults.ByProduct, map[string]int64{"credit-card": 3, "consumer": 2})
	eq("settlements by product", p.Settlements.ByProduct, map[string]int64{"consumer": 1})
	eq("revocations by reporter", p.Revocations.ByReporter, map[string]int64{"Bank1MSP": 1})
	if p.DefaultsByReporters != (stats.ReporterBuckets{One: 4, Two: 1}) {
		t.Fatalf("defaults by reporters %+v", p.DefaultsByReporters)
	}
	if p.Disputes != (stats.DisputeCounts{Opened: 2, Answered: 1}) || got.OpenDisputes != 1 {
		t.Fatalf("disputes %+v, open %d", p.Disputes, got.OpenDisputes)
	}
	eq("lookups by purpose", p.Lookups.ByPurpose, map[string]int64{"loan-approval": 3, "post-loan": 1})
	eq("lookups by member", p.Lookups.ByMember, map[string]int64{"Bank1MSP": 3, "Bank2MSP": 1})
	dd := got.Days[0]
	// Listed: s1, s2, s4 (3 listings), then s2 and s4 delisted: 1 now.
	if dd.Date != day || dd.Listed != 1 || dd.NewlyListed != 3 || dd.Delisted != 2 || dd.Lookups.Total != 4 || got.ListedNow != 1 {
		t.Fatalf("day %+v, listed now %d", dd, got.ListedNow)
	}
	// The contract agrees on what is listed now.
	sts, _, _ := d.n.Lookup(ctx, d.bank1, "loan-approval", []string{s1, s2, s3, s4}, false)
	listed := 0
	for _, s := range sts {
		if s.Listed {
			listed++
		}
	}
	if int64(listed) != got.ListedNow {
		t.Fatalf("the contract lists %d, the statistics %d", listed, got.ListedNow)
	}
	// A month later the open dispute is overdue, counted under its due
	// period.
	later, err := d.n.stats.Read(StatisticsQuery{From: day, To: time.Now().AddDate(0, 0, 40).In(stats.Zone).Format(time.DateOnly)}, time.Now().AddDate(0, 0, 30))
	if err != nil {
		t.Fatal(err)
	}
	var overdue int64
	for _, p := range later.Periods {
		overdue += p.Disputes.Overdue
	}
	if overdue != 1 || later.Days[len(later.Days)-1].Listed != 1 {
		t.Fatalf("overdue %d, last day %+v", overdue, later.Days[len(later.Days)-1])
	}

	// Counts survive a restart and nothing is counted twice; what is
	// committed while the node is down is counted after.
	d.n.Close()
	p2 := ledgertest.DefaultPayload("Bank2MSP", s3, hexOf("l9"), 120)
	jws := signWithDemoKey(t, dir, p2)
	arg, _ := json.Marshal(contract.SubmitRequest{Attestations: []string{jws}})
	if _, err := d.l.Submit(ctx, "Bank2MSP", "SubmitAttestations", arg); err != nil {
		t.Fatal(err)
	}
	d.n, err = Open(dir, d.l)
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	if err := d.n.CountStatistics(); err != nil {
		t.Fatal(err)
	}
	got, err = d.n.Statistics(ctx, admin, StatisticsQuery{From: day, To: day})
	if err != nil {
		t.Fatal(err)
	}
	if p := got.Periods[0]; p.Defaults.Total != 6 || p.Defaults.ByReporter["Bank2MSP"] != 3 || got.ListedNow != 2 || got.Days[0].NewlyListed != 4 ||
		p.Period != time.Now().In(stats.Zone).Format("2006-01") {
		t.Fatalf("after restart: %+v listed %d", p, got.ListedNow)
	}
}

func weekName(y, w int) string { return fmt.Sprintf("%04d-W%02d", y, w) }
