package gateway

import (
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node/stats"
)

// TestStatisticsRoute: the refusals first (no key, a bank's clients, a
// suspended member's auditor, bad queries with their problem types), then
// the association's figures after a default filed through the API.
func TestStatisticsRoute(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	day := time.Now().In(stats.Zone).Format(time.DateOnly)
	q := "/v1/statistics?from=" + day + "&to=" + day + "&by=week"
	e.expect("GET", q, "", nil, 401, CodeUnauthenticated)
	e.expect("GET", q, "bank1-app", nil, 403, "forbidden")
	key, err := e.n.CreateClient("bank2-auditor", "Bank2MSP", []string{"auditor"})
	if err != nil {
		t.Fatal(err)
	}
	e.keys["bank2-auditor"] = key
	e.expect("GET", q, "bank2-auditor", nil, 403, "forbidden") // another member's auditor
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "audit"}, nil); st != 200 {
		t.Fatalf("suspend: %d", st)
	}
	e.expect("GET", q, "bank2-auditor", nil, 403, "forbidden")
	for path, code := range map[string]string{
		"/v1/statistics?to=" + day:                              CodeBadDate,
		"/v1/statistics?from=2026-02-30&to=2026-03-01":          CodeBadDate,
		"/v1/statistics?from=" + day + "&to=2020-01-01":         CodeBadRange,
		"/v1/statistics?from=2020-01-01&to=2026-01-01":          CodeBadRange,
		"/v1/statistics?from=" + day + "&to=" + day + "&by=day": CodeBadGranularity,
	} {
		p := e.expect("GET", path, "auditor", nil, 400, code)
		if p.Detail == "" {
			t.Fatalf("%s: no detail", path)
		}
	}

	subj := e.subjectKey("11010519491231002X")
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(subj, "loan-s1")}, nil); st != 201 {
		t.Fatalf("file: %d", st)
	}
	if err := e.n.CountStatistics(); err != nil {
		t.Fatal(err)
	}
	var out stats.Statistics
	if st, _ := e.call("GET", q, "assoc-admin", nil, &out); st != 200 {
		t.Fatalf("statistics: %d", st)
	}
	if len(out.Periods) != 1 || out.Periods[0].Defaults.ByReporter["Bank1MSP"] != 1 || out.Periods[0].Defaults.ByProduct["consumer"] != 1 ||
		out.Periods[0].DefaultsByReporters.One != 1 || out.ListedNow != 1 || out.Days[0].Listed != 1 {
		t.Fatalf("statistics %+v", out)
	}
}
