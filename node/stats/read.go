package stats

import (
	"bytes"
	"encoding/binary"
	"strings"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

// Read answers q from the counters; now decides which open disputes are
// overdue. It reads in one badger transaction with one iterator per kind
// of counter (periods, listed days, listing changes, lookups), each over
// the query's range only: three years by week answer in a few
// milliseconds (BenchmarkRead).
func (c *Counter) Read(q Query, now time.Time) (Statistics, error) {
	sp, err := q.span()
	if err != nil {
		return Statistics{}, err
	}
	out := Statistics{From: q.From, To: q.To, By: sp.by, TimeZone: ZoneName, Periods: periodsOf(sp.from, sp.to, sp.by)}
	err = c.DB.View(func(txn *badger.Txn) error {
		var v uint64
		if _, err := store.Get(txn, store.StatsPos.Bytes(), store.Uint64(&v)); err != nil {
			return err
		}
		out.AsOf = v
		v = 0
		if _, err := store.Get(txn, store.StatsListedNow.Bytes(), store.Uint64(&v)); err != nil {
			return err
		}
		out.ListedNow = int64(v)
		overdue, open, err := openDisputes(txn, now)
		if err != nil {
			return err
		}
		out.OpenDisputes = open
		if err := readPeriods(txn, sp.by, out.Periods); err != nil {
			return err
		}
		for i := range out.Periods {
			out.Periods[i].Disputes.Overdue += overdue[periodKey(sp.by, out.Periods[i].Period)]
		}
		out.Days, err = readDays(txn, sp)
		return err
	})
	return out, err
}

// openDisputes counts the open disputes, and those overdue at now by the
// week and month of their due time.
func openDisputes(txn *badger.Txn, now time.Time) (overdue map[string]int64, open int64, err error) {
	overdue = map[string]int64{}
	err = store.ScanKeys(txn, store.StatsDisputesDue.Bytes(), nil, func(rest []byte) error {
		open++
		due, _, _ := strings.Cut(string(rest), "/")
		t, err := time.Parse(time.RFC3339, due)
		if err != nil || !t.Before(now) {
			return nil
		}
		overdue["w"+weekOf(t)]++
		overdue["m"+monthOf(t)]++
		return nil
	})
	return overdue, open, err
}

// readPeriods fills periods (in order) from their counters, in one scan:
// period keys sort in time order ("w2026-W09" < "w2026-W10").
func readPeriods(txn *badger.Txn, by Granularity, periods []Period) error {
	index := make(map[string]int, len(periods))
	for i, p := range periods {
		index[periodKey(by, p.Period)] = i
	}
	first := periodKey(by, periods[0].Period)
	last := periodKey(by, periods[len(periods)-1].Period)
	prefix := store.StatsCounters.Key(first[:1])
	// Values are 8 bytes, kept in the LSM tree with their keys: reading
	// them in place costs less than prefetching them on goroutines.
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix})
	defer it.Close()
	for it.Seek(store.StatsCounters.Key(first, "")); it.ValidForPrefix(prefix); it.Next() {
		parts := strings.SplitN(first[:1]+string(it.Item().Key()[len(prefix):]), "/", 4)
		if len(parts) != 4 {
			continue
		}
		if parts[0] > last {
			break
		}
		i, ok := index[parts[0]]
		if !ok {
			continue
		}
		var n int64
		err := it.Item().Value(func(v []byte) error {
			if len(v) == 8 {
				n = int64(binary.BigEndian.Uint64(v))
			}
			return nil
		})
		if err != nil {
			return err
		}
		count(&periods[i], parts[1], parts[2], parts[3], n)
	}
	return nil
}

// count puts one counter into p.
func count(p *Period, metric, dim, val string, n int64) {
	var b *Breakdown
	switch metric {
	case "def":
		b = &p.Defaults
	case "set":
		b = &p.Settlements
	case "rev":
		b = &p.Revocations
	case "lk":
		switch dim {
		case "t":
			p.Lookups.Total = n
		case "p":
			p.Lookups.ByPurpose[val] = n
		case "m":
			p.Lookups.ByMember[val] = n
		}
		return
	case "drc":
		switch val {
		case "1":
			p.DefaultsByReporters.One = n
		case "2":
			p.DefaultsByReporters.Two = n
		case "3+":
			p.DefaultsByReporters.ThreeOrMore = n
		}
		return
	case "dsp":
		switch dim {
		case "opened":
			p.Disputes.Opened = n
		case "answered":
			p.Disputes.Answered = n
		case "late":
			p.Disputes.Overdue += n
		}
		return
	default:
		return
	}
	switch dim {
	case "t":
		b.Total = n
	case "r":
		b.ByReporter[val] = n
	case "p":
		b.ByProduct[val] = n
	}
}

// DayMembersMaxDays is the longest range whose days carry lookups by
// member; longer ranges give them per period (ByMember empty on days).
const DayMembersMaxDays = 366

// readLookups fills the lookups of days (consecutive), with one iterator:
// per day, everything, or from "p/" on (purposes and total) when members
// is false.
func readLookups(txn *badger.Txn, days []Day, members bool) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: store.StatsLookups.Bytes()})
	defer it.Close()
	for i := range days {
		dayPrefix := store.StatsLookups.Key(days[i].Date, "")
		start := dayPrefix
		if !members {
			start = store.StatsLookups.Key(days[i].Date, "p", "")
		}
		for it.Seek(start); it.ValidForPrefix(dayPrefix); it.Next() {
			dim, val, _ := strings.Cut(string(it.Item().Key()[len(dayPrefix):]), "/")
			var n int64
			err := it.Item().Value(func(v []byte) error {
				if len(v) == 8 {
					n = int64(binary.BigEndian.Uint64(v))
				}
				return nil
			})
			if err != nil {
				return err
			}
			switch dim {
			case "t":
				days[i].Lookups.Total = n
			case "p":
				days[i].Lookups.ByPurpose[val] = n
			case "m":
				days[i].Lookups.ByMember[val] = n
			}
		}
	}
	return nil
}

// readDays fills the days of sp: listed counts carried forward from the
// last day that changed them, listing changes and lookups.
func readDays(txn *badger.Txn, sp span) ([]Day, error) {
	days := make([]Day, sp.days)
	index := make(map[string]int, sp.days)
	for i := range days {
		d := sp.from.AddDate(0, 0, i).Format(time.DateOnly)
		days[i] = Day{Date: d, Lookups: newLookups()}
		index[d] = i
	}
	last := days[len(days)-1].Date
	// The listed count at the start: the last day before from that has one.
	var listed int64
	it := txn.NewIterator(badger.IteratorOptions{Prefix: store.StatsListedDays.Bytes(), Reverse: true})
	seek := store.StatsListedDays.Key(days[0].Date)
	for it.Seek(seek); it.ValidForPrefix(store.StatsListedDays.Bytes()); it.Next() {
		if bytes.Compare(it.Item().Key(), seek) < 0 {
			err := it.Item().Value(func(v []byte) error {
				if len(v) == 8 {
					listed = int64(binary.BigEndian.Uint64(v))
				}
				return nil
			})
			if err != nil {
				it.Close()
				return nil, err
			}
			break
		}
	}
	it.Close()
	changed := map[int]int64{}
	err := store.Scan(txn, store.StatsListedDays.Bytes(), store.StatsListedDays.Key(days[0].Date), func(rest, v []byte) error {
		i, ok := index[string(rest)]
		if !ok {
			return store.ErrStop
		}
		if len(v) == 8 {
			changed[i] = int64(binary.BigEndian.Uint64(v))
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range days {
		if n, ok := changed[i]; ok {
			listed = n
		}
		days[i].Listed = listed
	}
	// Listing changes: "d<day>/lst/in|out/", the only counters of days.
	err = store.Scan(txn, store.StatsCounters.Key("d"), store.StatsCounters.Key("d"+days[0].Date), func(rest, v []byte) error {
		parts := strings.SplitN(string(rest), "/", 4)
		if len(parts) != 4 || len(v) != 8 {
			return nil
		}
		if parts[0] > last {
			return store.ErrStop
		}
		i, ok := index[parts[0]]
		if !ok || parts[1] != "lst" {
			return nil
		}
		n := int64(binary.BigEndian.Uint64(v))
		switch parts[2] {
		case "in":
			days[i].NewlyListed = n
		case "out":
			days[i].Delisted = n
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return days, readLookups(txn, days, sp.days <= DayMembersMaxDays)
}
