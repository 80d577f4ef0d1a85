package main

import (
	"fmt"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Fabric at saturation: node/fabric's BenchmarkFabricSaturation and
// BenchmarkFabricSaturationBatched run one sub-benchmark per kind and
// number of transactions in flight (FabricSaturation/unbatched/inflight=64).
// The figure a row shows is the peak: in each repetition, the highest
// committed rate over the levels swept (the rate at which throughput
// stopped rising), as a synthetic benchmark KIND/peak with the units of
// the levels plus "inflight", the level the peak was reached at. The
// section after the tables lists every level and draws throughput against
// concurrency.

var saturationRe = regexp.MustCompile(`^(FabricSaturation(?:Batched)?/[^/]+)/inflight=(\d+)$`)

// saturationLevels are the swept benchmarks of a suite by kind, each
// kind's levels in ascending order.
func saturationLevels(s *suite) (kinds []string, levels map[string][]int) {
	levels = map[string][]int{}
	for _, bench := range s.order {
		m := saturationRe.FindStringSubmatch(bench)
		if m == nil {
			continue
		}
		n, _ := strconv.Atoi(m[2])
		if levels[m[1]] == nil {
			kinds = append(kinds, m[1])
		}
		levels[m[1]] = append(levels[m[1]], n)
	}
	for _, k := range kinds {
		slices.Sort(levels[k])
	}
	return kinds, levels
}

func levelBench(kind string, n int) string { return fmt.Sprintf("%s/inflight=%d", kind, n) }

// addSaturationPeaks adds KIND/peak to every suite with swept levels.
func addSaturationPeaks(rs *results) {
	for _, s := range rs.suites {
		kinds, levels := saturationLevels(s)
		for _, kind := range kinds {
			peak := map[string][]float64{}
			for rep := 0; ; rep++ {
				best, at := -1.0, 0
				var bestOf map[string][]float64
				for _, n := range levels[kind] {
					v := s.samples[levelBench(kind, n)]
					if rep < len(v["tx/s"]) && v["tx/s"][rep] > best {
						best, at, bestOf = v["tx/s"][rep], n, v
					}
				}
				if bestOf == nil {
					break
				}
				for unit, v := range bestOf {
					if rep < len(v) {
						peak[unit] = append(peak[unit], v[rep])
					}
				}
				peak["inflight"] = append(peak["inflight"], float64(at))
			}
			if len(peak) > 0 {
				s.samples[kind+"/peak"] = peak
			}
		}
	}
}

// saturationCharts draws committed transactions/s and attestations/s
// against the number in flight, one line per kind (medians over the
// repetitions), and marks every level used.
func saturationCharts(rs *results, used map[string]bool) (charts []chart, tables []string) {
	txs := chart{file: "benchmarks-fabric-saturation-tx.svg", title: "Fabric: committed transactions/s against transactions in flight",
		ylabel: "tx/s", xlabel: "transactions in flight"}
	atts := chart{file: "benchmarks-fabric-saturation-attestations.svg", title: "Fabric: committed attestations/s against transactions in flight",
		ylabel: "attestations/s", xlabel: "transactions in flight"}
	var ticks []float64
	var names []string
	for n := range rs.suites {
		names = append(names, n)
	}
	slices.Sort(names)
	var t strings.Builder
	for _, name := range names {
		s := rs.suites[name]
		kinds, levels := saturationLevels(s)
		for _, kind := range kinds {
			label := kind[strings.Index(kind, "/")+1:]
			tx, att := series{name: label}, series{name: label}
			for _, n := range levels[kind] {
				bench := levelBench(kind, n)
				v := s.samples[bench]
				used[name+"\x00"+bench] = true
				x := float64(n)
				if !slices.Contains(ticks, x) {
					ticks = append(ticks, x)
				}
				tx.pts = append(tx.pts, point{x, median(v["tx/s"])})
				a := median(orZero(v["attestations/s"]))
				if a > 0 {
					att.pts = append(att.pts, point{x, a})
				}
				fails := 0.0
				for unit, vs := range v {
					if strings.HasSuffix(unit, "-failures") {
						fails += median(vs)
					}
				}
				fmt.Fprintf(&t, "| %s | %d | %s | %s | %s | %s | %s |\n", label, n, sigfig(median(v["tx/s"]), 3),
					sigfig(a, 3), sigfig(median(orZero(v["p50-ms"])), 3), sigfig(median(orZero(v["p99-ms"])), 3), sigfig(fails, 3))
			}
			txs.series = append(txs.series, tx)
			if len(att.pts) > 0 {
				atts.series = append(atts.series, att)
			}
		}
	}
	slices.Sort(ticks)
	for _, c := range []chart{txs, atts} {
		var ss []series
		for _, sr := range c.series {
			slices.SortFunc(sr.pts, func(a, b point) int { return int(math.Copysign(1, a.x-b.x)) })
			if len(sr.pts) >= 2 {
				ss = append(ss, sr)
			}
		}
		if len(ss) > 0 {
			c.series, c.xticks = ss, ticks
			charts = append(charts, c)
		}
	}
	if t.Len() > 0 {
		tables = append(tables, t.String())
	}
	return charts, tables
}

func orZero(v []float64) []float64 {
	if len(v) == 0 {
		return []float64{0}
	}
	return v
}

// renderSaturation writes the charts into dir and a section with every
// level's figures.
func renderSaturation(b *strings.Builder, rs *results, dir string, used map[string]bool) error {
	charts, tables := saturationCharts(rs, used)
	if len(tables) == 0 {
		return nil
	}
	b.WriteString("## Fabric throughput against concurrency\n\n")
	b.WriteString("`BenchmarkFabricSaturation` and `BenchmarkFabricSaturationBatched` of node/fabric: a fixed number of transactions kept in flight (endorsed, ordered, waiting for their own commit status, as Hyperledger Caliper's fixed-load controller does), swept until the committed rate stops rising; every commit status is checked, and transactions that did not commit VALID are counted as failures (endorse, order, status, mvcc, invalid), not as throughput. Medians over the repetitions; the Fabric table's saturation rows show the peak.\n\n")
	for _, c := range charts {
		if err := c.write(b, dir); err != nil {
			return err
		}
	}
	b.WriteString("| kind | in flight | tx/s | attestations/s | p50 ms | p99 ms | failures |\n| --- | --- | --- | --- | --- | --- | --- |\n")
	for _, t := range tables {
		b.WriteString(t)
	}
	b.WriteString("\n")
	return nil
}
