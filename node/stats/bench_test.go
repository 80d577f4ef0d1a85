package stats

import (
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

// BenchmarkRead answers three years by week over the counters a busy
// association accumulates in three years: 60 reporting members, 6
// products, every week and month and day with figures, 4 purposes. What a
// read costs depends on these counters, not on the number of attestations
// behind them (ten million or more): nothing reads the ledger.
func BenchmarkRead(b *testing.B) {
	db, err := badger.Open(badger.DefaultOptions(b.TempDir()).WithLogger(nil))
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	start := time.Date(2024, 1, 1, 0, 0, 0, 0, Zone)
	end := start.AddDate(3, 0, -1)
	wb := db.NewWriteBatch()
	set := func(k []byte, n uint64) {
		if err := wb.Set(k, store.Uint64Bytes(n)); err != nil {
			b.Fatal(err)
		}
	}
	products := []string{"credit-card", "mortgage", "consumer", "business", "other", ""}
	period := func(pk string) {
		for _, m := range []string{"def", "set", "rev"} {
			set(store.StatsCounters.Key(pk, m, "t", ""), 5000)
			for r := 0; r < 60; r++ {
				set(store.StatsCounters.Key(pk, m, "r", fmt.Sprintf("Bank%02dMSP", r)), 80)
			}
			for _, p := range products {
				set(store.StatsCounters.Key(pk, m, "p", p), 800)
			}
		}
		for _, v := range []string{"1", "2", "3+"} {
			set(store.StatsCounters.Key(pk, "drc", "n", v), 1000)
		}
		for _, v := range []string{"opened", "answered", "late"} {
			set(store.StatsCounters.Key(pk, "dsp", v, ""), 30)
		}
	}
	for d := start; !d.After(end); d = d.AddDate(0, 0, 1) {
		day := d.Format(time.DateOnly)
		if d.Weekday() == time.Monday {
			period("w" + weekOf(d))
		}
		if d.Day() == 1 {
			period("m" + monthOf(d))
		}
		set(store.StatsListedDays.Key(day), 250000)
		set(store.StatsCounters.Key("d"+day, "lst", "in", ""), 200)
		set(store.StatsCounters.Key("d"+day, "lst", "out", ""), 150)
		set(store.StatsLookups.Key(day, "t", ""), 300000)
		for _, p := range []string{"loan-approval", "post-loan", "guarantor-check", "dispute-handling"} {
			set(store.StatsLookups.Key(day, "p", p), 75000)
		}
		for r := 0; r < 60; r++ {
			set(store.StatsLookups.Key(day, "m", fmt.Sprintf("Bank%02dMSP", r)), 5000)
		}
	}
	if err := wb.Flush(); err != nil {
		b.Fatal(err)
	}
	c, err := Open(Options{DB: db})
	if err != nil {
		b.Fatal(err)
	}
	for _, bc := range []struct {
		name string
		q    Query
	}{
		{"3y-by-week", Query{From: start.Format(time.DateOnly), To: start.AddDate(0, 0, MaxDays-1).Format(time.DateOnly), Granularity: ByWeek}},
		{"12m-by-month", Query{From: end.AddDate(0, -12, 1).Format(time.DateOnly), To: end.Format(time.DateOnly), Granularity: ByMonth}},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				st, err := c.Read(bc.q, end)
				if err != nil || len(st.Periods) < 12 || st.Periods[10].Defaults.Total != 5000 || st.Days[5].Lookups.Total != 300000 {
					b.Fatalf("%v %d", err, len(st.Periods))
				}
			}
		})
	}
}
