package stats

import (
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// Defaults added in bulk read back as the week's and the month's new
// defaults, in total, by reporter and by product, and add to what is
// there.
func TestAddDefaultsCountsLikeCommits(t *testing.T) {
	db, err := badger.Open(badger.DefaultOptions("").WithInMemory(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	at := time.Date(2026, 11, 30, 23, 30, 0, 0, time.UTC) // 1 December in Asia/Shanghai
	for range 2 {
		if err := AddDefaults(db, at, map[string]int64{"Bank1MSP": 3, "Bank2MSP": 2}, map[string]int64{"consumer": 4, "mortgage": 1}); err != nil {
			t.Fatal(err)
		}
	}
	c, err := Open(Options{DB: db})
	if err != nil {
		t.Fatal(err)
	}
	for _, by := range []Granularity{"week", "month"} {
		s, err := c.Read(Query{From: "2026-12-01", To: "2026-12-01", Granularity: by}, at)
		if err != nil {
			t.Fatal(err)
		}
		d := s.Periods[0].Defaults
		if d.Total != 10 || d.ByReporter["Bank1MSP"] != 6 || d.ByReporter["Bank2MSP"] != 4 || d.ByProduct["consumer"] != 8 || d.ByProduct["mortgage"] != 2 {
			t.Fatalf("%s: %+v", by, d)
		}
	}
	s, _ := c.Read(Query{From: "2026-11-01", To: "2026-11-30", Granularity: "month"}, at)
	if s.Periods[0].Defaults.Total != 0 {
		t.Fatal("counted in November (UTC) instead of December (Asia/Shanghai)")
	}
}
