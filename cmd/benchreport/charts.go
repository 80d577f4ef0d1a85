package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Scaling curves: the store-size benchmarks of scripts/bench-store.sh run
// at every size it was given (SMALL, MIDS, LARGE), and the report draws
// each figure against the number of stored attestations, on a logarithmic
// axis, as an SVG file beside the report (no outside tools: the SVG is
// written here).

type point struct{ x, y float64 }

type series struct {
	name string
	pts  []point
}

type chart struct {
	file, title, ylabel string
	series              []series
	// xlabel names the x axis (default: stored attestations); xticks,
	// when set, are the ticks drawn on it instead of the powers of ten.
	xlabel string
	xticks []float64
}

var (
	storeLookupRe = regexp.MustCompile(`^StoreLookup/stored=(\d+)/batch=(\d+)$`)
	storeRSSRe    = regexp.MustCompile(`^StoreRSS/stored=(\d+)$`)
)

// storeCharts gathers the curves from the store suite; a curve needs two
// store sizes at least. used records the benchmarks drawn.
func storeCharts(rs *results, used map[string]bool) []chart {
	s := rs.suites["store"]
	if s == nil {
		return nil
	}
	single := series{name: "single lookup, p50 (16 connections)"}
	batch := series{name: "10,000-subject lookup, p50 (1 connection)"}
	anon := series{name: "RssAnon (the node's own memory)"}
	rss := series{name: "VmRSS (with the mapped tables)"}
	add := func(sr *series, bench, unit string, x float64) {
		if v := s.samples[bench][unit]; len(v) > 0 {
			sr.pts = append(sr.pts, point{x, median(v)})
			used["store\x00"+bench] = true
		}
	}
	for _, bench := range s.order {
		if m := storeLookupRe.FindStringSubmatch(bench); m != nil {
			n, _ := strconv.ParseFloat(m[1], 64)
			switch m[2] {
			case "1":
				add(&single, bench, "p50-ms", n)
			case "10000":
				add(&batch, bench, "p50-ms", n)
			}
		} else if m := storeRSSRe.FindStringSubmatch(bench); m != nil {
			n, _ := strconv.ParseFloat(m[1], 64)
			add(&anon, bench, "RssAnon-MB", n)
			add(&rss, bench, "VmRSS-MB", n)
		}
	}
	var out []chart
	keep := func(c chart) {
		var ss []series
		for _, sr := range c.series {
			slices.SortFunc(sr.pts, func(a, b point) int { return int(math.Copysign(1, a.x-b.x)) })
			if len(sr.pts) >= 2 {
				ss = append(ss, sr)
			}
		}
		if len(ss) > 0 {
			c.series = ss
			out = append(out, c)
		}
	}
	keep(chart{file: "benchmarks-lookup-single.svg", title: "Single lookup over HTTP by store size", ylabel: "ms", series: []series{single}})
	keep(chart{file: "benchmarks-lookup-10000.svg", title: "10,000-subject lookup over HTTP by store size", ylabel: "ms", series: []series{batch}})
	keep(chart{file: "benchmarks-memory.svg", title: "blacklistd memory by store size", ylabel: "MB", series: []series{anon, rss}})
	return out
}

// write saves the chart as dir/c.file and shows it in b.
func (c *chart) write(b *strings.Builder, dir string) error {
	if err := os.WriteFile(filepath.Join(dir, c.file), []byte(c.svg()), 0o644); err != nil {
		return err
	}
	fmt.Fprintf(b, "![%s](%s)\n\n", c.title, c.file)
	return nil
}

// renderCharts writes the charts into dir and a section that shows them
// with their points.
func renderCharts(b *strings.Builder, rs *results, dir string, used map[string]bool) error {
	charts := storeCharts(rs, used)
	if len(charts) == 0 {
		return nil
	}
	b.WriteString("## Scaling with the store\n\n")
	b.WriteString("The store-size benchmarks above at every size `scripts/bench-store.sh` generated (medians over the repetitions; logarithmic store-size axis).\n\n")
	for _, c := range charts {
		if err := c.write(b, dir); err != nil {
			return err
		}
		b.WriteString("| stored |")
		for _, sr := range c.series {
			fmt.Fprintf(b, " %s (%s) |", sr.name, c.ylabel)
		}
		b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(c.series)) + "\n")
		for i, p := range c.series[0].pts {
			fmt.Fprintf(b, "| %s |", count(p.x))
			for _, sr := range c.series {
				if i < len(sr.pts) {
					fmt.Fprintf(b, " %s |", sigfig(sr.pts[i].y, 3))
				} else {
					b.WriteString(" |")
				}
			}
			b.WriteString("\n")
		}
		b.WriteString("\n")
	}
	return nil
}

// svg draws the chart: lines with their points, a log10 x axis with a
// tick per power of ten, a linear y axis from 0.
func (c chart) svg() string {
	const w, h, left, right, top, bottom = 640.0, 360.0, 70.0, 20.0, 40.0, 70.0
	minX, maxX, maxY := math.Inf(1), math.Inf(-1), 0.0
	for _, sr := range c.series {
		for _, p := range sr.pts {
			minX, maxX, maxY = math.Min(minX, p.x), math.Max(maxX, p.x), math.Max(maxY, p.y)
		}
	}
	lo, hi := math.Floor(math.Log10(minX)), math.Ceil(math.Log10(maxX))
	if hi == lo {
		hi++
	}
	if maxY <= 0 {
		maxY = 1
	}
	maxY = niceCeil(maxY)
	px := func(x float64) float64 { return left + (math.Log10(x)-lo)/(hi-lo)*(w-left-right) }
	py := func(y float64) float64 { return h - bottom - y/maxY*(h-top-bottom) }
	var s strings.Builder
	fmt.Fprintf(&s, `<svg xmlns="http://www.w3.org/2000/svg" width="%.0f" height="%.0f" viewBox="0 0 %.0f %.0f" font-family="sans-serif" font-size="12">`+"\n", w, h, w, h)
	fmt.Fprintf(&s, `<rect width="100%%" height="100%%" fill="white"/>`+"\n")
	fmt.Fprintf(&s, `<text x="%.0f" y="22" font-size="14" font-weight="bold">%s</text>`+"\n", left, esc(c.title))
	// axes and grid
	fmt.Fprintf(&s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, h-bottom, w-right, h-bottom)
	fmt.Fprintf(&s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="black"/>`+"\n", left, top, left, h-bottom)
	tick := func(v float64, label string) {
		x := px(v)
		fmt.Fprintf(&s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", x, top, x, h-bottom)
		fmt.Fprintf(&s, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", x, h-bottom+16, label)
	}
	if c.xticks != nil {
		for _, v := range c.xticks {
			tick(v, count(v))
		}
	} else {
		for e := lo; e <= hi; e++ {
			tick(math.Pow(10, e), fmt.Sprintf("10^%d", int(e)))
		}
	}
	xlabel := c.xlabel
	if xlabel == "" {
		xlabel = "stored attestations"
	}
	for i := 0; i <= 4; i++ {
		v := maxY * float64(i) / 4
		y := py(v)
		fmt.Fprintf(&s, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#ddd"/>`+"\n", left, y, w-right, y)
		fmt.Fprintf(&s, `<text x="%.1f" y="%.1f" text-anchor="end">%s</text>`+"\n", left-6, y+4, sigfig(v, 3))
	}
	fmt.Fprintf(&s, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`+"\n", (left+w-right)/2, h-bottom+34, esc(xlabel))
	fmt.Fprintf(&s, `<text x="16" y="%.1f" transform="rotate(-90 16 %.1f)" text-anchor="middle">%s</text>`+"\n", (top+h-bottom)/2, (top+h-bottom)/2, esc(c.ylabel))
	colours := []string{"#1f77b4", "#d62728", "#2ca02c", "#9467bd"}
	for i, sr := range c.series {
		col := colours[i%len(colours)]
		var pts []string
		for _, p := range sr.pts {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(p.x), py(p.y)))
		}
		fmt.Fprintf(&s, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>`+"\n", col, strings.Join(pts, " "))
		for _, p := range sr.pts {
			fmt.Fprintf(&s, `<circle cx="%.1f" cy="%.1f" r="3.5" fill="%s"><title>%s: %s</title></circle>`+"\n", px(p.x), py(p.y), col, count(p.x), sigfig(p.y, 3))
		}
		ly, lx := h-12, left+float64(i)*280 // the legend, under the axis
		fmt.Fprintf(&s, `<rect x="%.1f" y="%.1f" width="12" height="4" fill="%s"/><text x="%.1f" y="%.1f">%s</text>`+"\n", lx, ly-4, col, lx+16, ly, esc(sr.name))
	}
	s.WriteString("</svg>\n")
	return s.String()
}

// count formats a whole number with its thousands grouped.
func count(x float64) string { return sigfig(x, len(strconv.FormatFloat(x, 'f', 0, 64))) }

// niceCeil rounds v up to 1, 2 or 5 times a power of ten.
func niceCeil(v float64) float64 {
	p := math.Pow(10, math.Floor(math.Log10(v)))
	for _, m := range []float64{1, 2, 5, 10} {
		if m*p >= v {
			return m * p
		}
	}
	return 10 * p
}

func esc(s string) string {
	return strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;").Replace(s)
}
