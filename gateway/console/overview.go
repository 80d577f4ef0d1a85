package console

import (
	"html/template"
	"sort"
	"time"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/stats"
)

// The overview's charts come from the node's statistics (node.Statistics:
// counters kept as the ledger commits and the audit log appends), so a
// page costs a few prefix scans whatever the ledger's size, never a scan of
// the ledger.

const (
	overviewWeeks = 12
	lookupDays    = 30
	// A member's lookups "jump" on a day when they are at least jumpMin
	// and jumpFactor times its mean of the previous jumpWindow days.
	jumpMin    = 10
	jumpFactor = 3
	jumpWindow = 7
)

// jump is a member whose lookups jumped on a day.
type jump struct {
	Member string
	Day    string
	Count  int64
	Mean   float64
}

func (s *server) overviewData(q *req) map[string]any {
	data := map[string]any{}
	if ms, _, err := s.node.Members(q.ctx(), q.client); err == nil {
		by := map[string]int{}
		for _, m := range ms {
			if !m.Association {
				by[m.Status]++
			}
		}
		data["Members"] = by
	}
	today := time.Now().In(stats.Zone)
	st, err := s.node.Statistics(q.ctx(), q.client, node.StatisticsQuery{
		From: today.AddDate(0, 0, -7*overviewWeeks+1).Format(time.DateOnly), To: today.Format(time.DateOnly), Granularity: stats.ByWeek})
	if err != nil {
		p := problemOf(q, err)
		data["Problem"] = &p
		return data
	}
	data["ListedNow"], data["OpenDisputes"], data["AsOf"] = st.ListedNow, st.OpenDisputes, st.AsOf

	weeks := make([]string, len(st.Periods))
	for i, p := range st.Periods {
		weeks[i] = p.Period
	}
	byKey := func(get func(stats.Period) map[string]int64, name func(string) string) []series {
		idx := map[string]int{}
		var out []series
		for i, p := range st.Periods {
			for k, v := range get(p) {
				j, ok := idx[k]
				if !ok {
					j = len(out)
					idx[k] = j
					out = append(out, series{Name: name(k), Values: make([]int64, len(st.Periods))})
				}
				out[j].Values[i] += v
			}
		}
		return topSeries(out, q.T("chart.others"))
	}
	same := func(k string) string { return k }
	product := func(k string) string {
		if k == "" {
			k = "other"
		}
		return q.T("product." + k)
	}
	charts := []template.HTML{
		stackedBars("chart-defaults-member", q.T("chart.defaults.member"), weeks, byKey(func(p stats.Period) map[string]int64 { return p.Defaults.ByReporter }, same)),
		stackedBars("chart-settlements-member", q.T("chart.settlements.member"), weeks, byKey(func(p stats.Period) map[string]int64 { return p.Settlements.ByReporter }, same)),
		stackedBars("chart-defaults-product", q.T("chart.defaults.product"), weeks, byKey(func(p stats.Period) map[string]int64 { return p.Defaults.ByProduct }, product)),
	}
	days := make([]string, len(st.Days))
	listed := make([]int64, len(st.Days))
	for i, d := range st.Days {
		days[i], listed[i] = d.Date, d.Listed
	}
	charts = append(charts, line("chart-listed", q.T("chart.listed"), days, listed))

	recent := st.Days[max(0, len(st.Days)-lookupDays):]
	rdays := days[len(days)-len(recent):]
	purposes := map[string]*series{}
	members := map[string]*series{}
	var pOrder, mOrder []string
	for i, d := range recent {
		for k, v := range d.Lookups.ByPurpose {
			if purposes[k] == nil {
				purposes[k] = &series{Name: q.T("purpose." + k), Values: make([]int64, len(recent))}
				pOrder = append(pOrder, k)
			}
			purposes[k].Values[i] = v
		}
		for k, v := range d.Lookups.ByMember {
			if members[k] == nil {
				members[k] = &series{Name: k, Values: make([]int64, len(recent)), Mark: make([]bool, len(recent))}
				mOrder = append(mOrder, k)
			}
			members[k].Values[i] = v
		}
	}
	sort.Strings(pOrder)
	sort.Strings(mOrder)
	var ps, msr []series
	for _, k := range pOrder {
		ps = append(ps, *purposes[k])
	}
	var jumps []jump
	for _, k := range mOrder {
		m := members[k]
		// the member's daily volumes over the whole range, for the window
		all := make([]int64, len(st.Days))
		for i, d := range st.Days {
			all[i] = d.Lookups.ByMember[k]
		}
		off := len(st.Days) - len(recent)
		for i := range recent {
			if j, ok := jumpAt(all, off+i); ok {
				m.Mark[i] = true
				jumps = append(jumps, jump{Member: k, Day: rdays[i], Count: all[off+i], Mean: j})
			}
		}
		msr = append(msr, *m)
	}
	charts = append(charts,
		stackedBars("chart-lookups-purpose", q.T("chart.lookups.purpose"), rdays, topSeries(ps, q.T("chart.others"))),
		stackedBars("chart-lookups-member", q.T("chart.lookups.member"), rdays, topSeries(msr, q.T("chart.others"))))
	opened, answered, overdue := series{Name: q.T("chart.disputes.opened")}, series{Name: q.T("chart.disputes.answered")}, series{Name: q.T("chart.disputes.overdue")}
	for _, p := range st.Periods {
		opened.Values = append(opened.Values, p.Disputes.Opened)
		answered.Values = append(answered.Values, p.Disputes.Answered)
		overdue.Values = append(overdue.Values, p.Disputes.Overdue)
	}
	charts = append(charts, stackedBars("chart-disputes", q.T("chart.disputes"), weeks, []series{opened, answered, overdue}))
	data["Charts"] = charts
	data["ChartTitles"] = []string{q.T("chart.defaults.member"), q.T("chart.settlements.member"), q.T("chart.defaults.product"), q.T("chart.listed"),
		q.T("chart.lookups.purpose"), q.T("chart.lookups.member"), q.T("chart.disputes")}
	sort.Slice(jumps, func(i, j int) bool { return jumps[i].Day > jumps[j].Day })
	data["Jumps"] = jumps
	return data
}

// jumpAt reports whether vs[i] is a jump over the mean of the jumpWindow
// days before it, and that mean.
func jumpAt(vs []int64, i int) (float64, bool) {
	if vs[i] < jumpMin || i == 0 {
		return 0, false
	}
	from := max(0, i-jumpWindow)
	var t int64
	for _, v := range vs[from:i] {
		t += v
	}
	mean := float64(t) / float64(i-from)
	return mean, float64(vs[i]) >= jumpFactor*max(mean, 1)
}
