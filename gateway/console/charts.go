package console

import (
	"fmt"
	"html"
	"html/template"
	"slices"
	"sort"
	"strings"
)

// Charts are inline SVG drawn here, on the server: no script, no chart
// library, nothing fetched. Colours come from the stylesheet's c0…c5
// classes (the CSP allows no inline styles); every bar has a <title>, so
// a pointer or a screen reader gets its exact value.

// series is one named row of values, one per label.
type series struct {
	Name   string
	Values []int64
	// Mark flags values drawn in the alarm colour (a jump).
	Mark []bool
}

const (
	chartW, chartH         = 520, 220
	padL, padR, padT, padB = 40, 8, 10, 38
	maxSeries              = 6
)

// topSeries keeps the maxSeries-1 largest series and folds the rest into
// one named other.
func topSeries(all []series, other string) []series {
	sort.SliceStable(all, func(i, j int) bool { return sum(all[i].Values) > sum(all[j].Values) })
	if len(all) <= maxSeries {
		return all
	}
	rest := series{Name: other, Values: make([]int64, len(all[0].Values))}
	for _, s := range all[maxSeries-1:] {
		for i, v := range s.Values {
			rest.Values[i] += v
		}
	}
	return append(all[:maxSeries-1:maxSeries-1], rest)
}

func sum(vs []int64) (t int64) {
	for _, v := range vs {
		t += v
	}
	return t
}

// niceMax rounds a maximum up to 1, 2 or 5 times a power of ten.
func niceMax(m int64) int64 {
	if m <= 0 {
		return 1
	}
	p := int64(1)
	for p*10 <= m {
		p *= 10
	}
	for _, f := range []int64{1, 2, 5, 10} {
		if f*p >= m {
			return f * p
		}
	}
	return 10 * p
}

// stackedBars draws one bar per label, the series stacked in it.
func stackedBars(id, title string, labels []string, ss []series) template.HTML {
	totals := make([]int64, len(labels))
	for _, s := range ss {
		for i, v := range s.Values {
			totals[i] += v
		}
	}
	top := niceMax(slices.Max(append(totals, 0)))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-label="%s">`, id, chartW, chartH, html.EscapeString(title))
	axes(&b, top)
	n := max(len(labels), 1)
	slot := float64(chartW-padL-padR) / float64(n)
	bw := slot * 0.7
	for i, label := range labels {
		x := float64(padL) + slot*float64(i) + (slot-bw)/2
		y := float64(chartH - padB)
		for k, s := range ss {
			v := s.Values[i]
			if v == 0 {
				continue
			}
			h := float64(v) / float64(top) * float64(chartH-padT-padB)
			y -= h
			class := fmt.Sprintf("c%d", k%maxSeries)
			if s.Mark != nil && s.Mark[i] {
				class = "jump"
			}
			fmt.Fprintf(&b, `<rect class="%s" x="%.1f" y="%.1f" width="%.1f" height="%.1f"><title>%s · %s: %d</title></rect>`,
				class, x, y, bw, h, html.EscapeString(label), html.EscapeString(s.Name), v)
		}
		if n <= 16 || i%(n/8+1) == 0 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x+bw/2, chartH-padB+14, html.EscapeString(shortLabel(label)))
		}
	}
	b.WriteString(`</svg>`)
	b.WriteString(legend(ss))
	return template.HTML(b.String())
}

// line draws one series as a line over the labels.
func line(id, title string, labels []string, values []int64) template.HTML {
	top := niceMax(slices.Max(append(values, 0)))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" id="%s" viewBox="0 0 %d %d" role="img" aria-label="%s">`, id, chartW, chartH, html.EscapeString(title))
	axes(&b, top)
	n := max(len(values)-1, 1)
	var pts []string
	for i, v := range values {
		x := float64(padL) + float64(chartW-padL-padR)*float64(i)/float64(n)
		y := float64(chartH-padB) - float64(v)/float64(top)*float64(chartH-padT-padB)
		pts = append(pts, fmt.Sprintf("%.1f,%.1f", x, y))
		if i%(len(values)/6+1) == 0 || i == len(values)-1 {
			fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, x, chartH-padB+14, html.EscapeString(shortLabel(labels[i])))
		}
	}
	fmt.Fprintf(&b, `<polyline class="line" points="%s"/>`, strings.Join(pts, " "))
	if len(values) > 0 {
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="end">%d</text>`, chartW-padR, padT+10, values[len(values)-1])
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func axes(b *strings.Builder, top int64) {
	fmt.Fprintf(b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, padL, chartH-padB, chartW-padR, chartH-padB)
	for _, f := range []int64{0, 1, 2} {
		v := top * f / 2
		y := float64(chartH-padB) - float64(v)/float64(top)*float64(chartH-padT-padB)
		fmt.Fprintf(b, `<line class="grid" x1="%d" y1="%.1f" x2="%d" y2="%.1f"/><text x="%d" y="%.1f" text-anchor="end">%d</text>`,
			padL, y, chartW-padR, y, padL-4, y+4, v)
	}
}

func legend(ss []series) string {
	var b strings.Builder
	b.WriteString(`<p class="legend">`)
	for k, s := range ss {
		fmt.Fprintf(&b, `<span><svg width="10" height="10" aria-hidden="true"><rect class="c%d" width="10" height="10"/></svg> %s</span>`, k%maxSeries, html.EscapeString(s.Name))
	}
	b.WriteString(`</p>`)
	return b.String()
}

// shortLabel drops the year of "2026-W48" and "2026-11-30".
func shortLabel(s string) string {
	if len(s) > 5 && s[4] == '-' {
		return s[5:]
	}
	return s
}
