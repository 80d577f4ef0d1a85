package console

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

func TestOverviewChartsComeFromTheNodesStatistics(t *testing.T) {
	e := newEnv(t)
	e.fileDefault("bank1-app", applicant, "LN-1")
	e.fileDefault("bank1-app", other, "LN-2")
	e.fileDefault("bank2-app", applicant, "B2-1")
	// Bank2 looks up 12 subjects today and never before: a jump
	keys := make([]string, 12)
	for i := range keys {
		keys[i] = e.subject(applicant)
	}
	if _, _, err := e.n.Lookup(context.Background(), e.clientOf("bank2-app"), "loan-approval", keys, false); err != nil {
		t.Fatal(err)
	}
	if err := e.n.CountStatistics(); err != nil {
		t.Fatal(err)
	}
	b := e.browser()
	b.signIn("assoc-admin")
	code, page := b.get("/console/overview?lang=en")
	if code != http.StatusOK {
		t.Fatalf("overview: %d %s", code, page)
	}
	for _, want := range []string{
		`id="chart-defaults-member"`, `Bank1MSP: 2</title>`, `Bank2MSP: 1</title>`, // defaults this week by member
		`Consumer loan: 3</title>`,                      // by product
		`id="listed-now">2<`,                            // two subjects listed
		`Loan approval: 12</title>`,                     // lookups by purpose
		`class="jump"`, `<strong>Bank2MSP</strong> on `, // the jump, highlighted
	} {
		if !strings.Contains(page, want) {
			t.Errorf("overview lacks %s", want)
		}
	}
	if strings.Contains(page, "<script>") || strings.Contains(page, "style=") {
		t.Error("inline script or style on the overview")
	}
	// an auditor of the association sees it too; a bank does not
	a := e.browser()
	a.signIn("auditor")
	if code, _ := a.get("/console/overview"); code != http.StatusOK {
		t.Fatalf("auditor: %d", code)
	}
}

func TestJumpsAndScales(t *testing.T) {
	for _, tc := range []struct {
		vs   []int64
		jump bool
	}{
		{[]int64{0, 0, 0, 12}, true},
		{[]int64{0, 0, 0, 9}, false},     // below the minimum
		{[]int64{10, 10, 10, 29}, false}, // less than three times the mean
		{[]int64{10, 10, 10, 30}, true},
		{[]int64{100, 0, 0, 0, 0, 0, 0, 0, 30}, true}, // the window is the last seven days
	} {
		if _, got := jumpAt(tc.vs, len(tc.vs)-1); got != tc.jump {
			t.Errorf("%v: jump %v", tc.vs, got)
		}
	}
	for in, want := range map[int64]int64{0: 1, 1: 1, 3: 5, 7: 10, 12: 20, 99: 100, 101: 200, 4000: 5000} {
		if got := niceMax(in); got != want {
			t.Errorf("niceMax(%d) = %d, want %d", in, got, want)
		}
	}
}
