// Command benchreport writes docs/benchmarks.md from the raw results of a
// `make bench` run (scripts/bench.sh).
//
// # The model
//
// Every figure is measured beside a baseline in the same run: a trivial gin
// handler beside a lookup, the bare ES256 verify rate beside submits, a
// 10,000-attestation store beside a 10,000,000 one. On shared machines the
// absolute numbers move by 10-20% from one run to the next, while the ratio
// of a figure to a baseline measured alongside it moves much less, so the
// ratio is what a target is checked against. scripts/bench.sh runs each
// figure and its baseline interleaved (A B A B ..., one process per
// repetition, not A A B B) so that a burst of load from a neighbour hits
// both.
//
// The input is a directory of text files in Go benchmark format, one per
// suite (the output of `go test -bench`, and the scripts print the same
// format), with '#' lines that say how they were made:
//
//	# command: go test ./node/embedded -run '^$' -bench ... -benchtime 2000x
//	# runs: 5
//	# skipped: no Fabric network (set BLACKLIST_FABRIC_RUN)
//
// and facts.txt ("key: value" lines: mode, commit, store sizes, load). A
// figure is the median over the repetitions, with its spread: the largest
// distance of a repetition from the median, in percent of it. A ratio is
// the median of the per-repetition ratios (repetition i of the figure over
// repetition i of the baseline), because those pairs ran side by side.
//
// What the report shows is declared in rows.go: each row names its suite,
// benchmark and metric, its baseline, and its target. A row whose
// benchmark is absent says "not measured" and why (the suite's skipped
// line), so rows for benchmarks that are yet to be written, or that need
// a Fabric network, have their place already. Benchmarks that no row
// names are listed in a last table, so nothing that ran goes unreported.
//
// docs/benchmarks.md ends with hand-written notes (what was profiled and
// changed); everything from the notes marker on is carried over unchanged.
package main

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// NotesMarker starts the hand-written part of the report.
const NotesMarker = "<!-- Hand-written notes follow. make bench keeps everything below this line. -->"

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("benchreport", flag.ContinueOnError)
	fs.SetOutput(stderr)
	results := fs.String("results", "", "directory of raw results (suite files and facts.txt) written by scripts/bench.sh")
	out := fs.String("out", "docs/benchmarks.md", "report to write; its hand-written notes (below the notes marker) are kept")
	notesFrom := fs.String("notes-from", "", "take the notes from this file instead of --out (e.g. when writing a quick report elsewhere)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: benchreport --results DIR [--out FILE] [--notes-from FILE]

Writes the benchmark report: machine facts, then one table per area, each
row a figure (median and spread over the repetitions), the baseline measured
in the same run, their ratio, the target and the exact command. The rows are
declared in rows.go; see 'go doc ./cmd/benchreport'.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if *results == "" || fs.NArg() > 0 {
		fs.Usage()
		return 2
	}
	if *notesFrom == "" {
		*notesFrom = *out
	}
	rs, err := load(*results)
	if err != nil {
		fmt.Fprintln(stderr, "benchreport:", err)
		return 1
	}
	notes, err := readNotes(*notesFrom)
	if err != nil {
		fmt.Fprintln(stderr, "benchreport:", err)
		return 1
	}
	var b strings.Builder
	// The charts go beside the report, which links them by name.
	if err := render(&b, rs, notes, filepath.Dir(*out)); err != nil {
		fmt.Fprintln(stderr, "benchreport:", err)
		return 1
	}
	tmp := *out + ".tmp"
	if err := os.WriteFile(tmp, []byte(b.String()), 0o644); err != nil {
		fmt.Fprintln(stderr, "benchreport:", err)
		return 1
	}
	if err := os.Rename(tmp, *out); err != nil {
		fmt.Fprintln(stderr, "benchreport:", err)
		return 1
	}
	return 0
}

// readNotes returns the marker line and everything after it, or a fresh
// marker if the file or the marker is missing.
func readNotes(path string) (string, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		return NotesMarker + "\n", nil
	}
	if err != nil {
		return "", err
	}
	s := string(b)
	i := strings.Index(s, NotesMarker)
	if i < 0 {
		return "", fmt.Errorf("%s has no notes marker %q: add it above the hand-written part", path, NotesMarker)
	}
	return s[i:], nil
}

// suite is one results file.
type suite struct {
	name    string
	command string
	runs    string
	skipped string
	// samples[benchmark][unit] in the order the repetitions ran.
	samples map[string]map[string][]float64
	order   []string // benchmarks in first-seen order
}

// results is everything a run produced.
type results struct {
	facts  map[string]string
	suites map[string]*suite
}

func load(dir string) (*results, error) {
	rs := &results{facts: map[string]string{}, suites: map[string]*suite{}}
	if b, err := os.ReadFile(filepath.Join(dir, "facts.txt")); err == nil {
		for _, line := range strings.Split(string(b), "\n") {
			if k, v, ok := strings.Cut(line, ":"); ok {
				rs.facts[strings.TrimSpace(k)] = strings.TrimSpace(v)
			}
		}
	}
	files, err := filepath.Glob(filepath.Join(dir, "*.txt"))
	if err != nil {
		return nil, err
	}
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".txt")
		if name == "facts" {
			continue
		}
		s, err := parseSuite(name, f)
		if err != nil {
			return nil, err
		}
		rs.suites[name] = s
	}
	if len(rs.suites) == 0 {
		return nil, fmt.Errorf("%s: no results", dir)
	}
	addSaturationPeaks(rs)
	return rs, nil
}

var procSuffix = regexp.MustCompile(`-\d+$`)

func parseSuite(name, path string) (*suite, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := &suite{name: name, samples: map[string]map[string][]float64{}}
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if rest, ok := strings.CutPrefix(line, "# command:"); ok {
			s.command = strings.TrimSpace(rest)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# runs:"); ok {
			s.runs = strings.TrimSpace(rest)
			continue
		}
		if rest, ok := strings.CutPrefix(line, "# skipped:"); ok {
			s.skipped = strings.TrimSpace(rest)
			continue
		}
		s.addLine(line)
	}
	return s, sc.Err()
}

// addLine takes a benchmark result line: name, iterations, then value-unit
// pairs. Anything else (PASS, goos:, logs) is ignored.
func (s *suite) addLine(line string) {
	f := strings.Fields(line)
	if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") || len(f)%2 != 0 {
		return
	}
	if _, err := strconv.ParseInt(f[1], 10, 64); err != nil {
		return
	}
	name := procSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
	m := s.samples[name]
	if m == nil {
		m = map[string][]float64{}
		s.samples[name] = m
		s.order = append(s.order, name)
	}
	for i := 2; i+1 < len(f); i += 2 {
		v, err := strconv.ParseFloat(f[i], 64)
		if err != nil {
			return
		}
		m[f[i+1]] = append(m[f[i+1]], v)
		if f[i+1] == "ns/op" && v > 0 {
			m["op/s"] = append(m["op/s"], 1e9/v)
		}
	}
}

// get returns the samples of a benchmark's metric, or nil.
func (rs *results) get(suiteName, bench, unit string) []float64 {
	s := rs.suites[suiteName]
	if s == nil {
		return nil
	}
	return s.samples[rs.expand(bench)][unit]
}

// expand fills {fact} placeholders (store sizes) from facts.txt.
func (rs *results) expand(s string) string {
	for k, v := range rs.facts {
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

// display fills placeholders for reading: numbers grouped by thousands.
func (rs *results) display(s string) string {
	for k, v := range rs.facts {
		if n, err := strconv.ParseFloat(v, 64); err == nil {
			v = sigfig(n, len(v))
		}
		s = strings.ReplaceAll(s, "{"+k+"}", v)
	}
	return s
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// spread is the largest distance of a sample from the median, in percent.
func spread(xs []float64) float64 {
	m := median(xs)
	if m == 0 {
		return 0
	}
	d := 0.0
	for _, x := range xs {
		d = max(d, abs(x-m)/abs(m))
	}
	return 100 * d
}

func abs(x float64) float64 {
	if x < 0 {
		return -x
	}
	return x
}

// pairedRatios divides repetition i of fig by repetition i of base. With
// unequal counts the repetitions cannot be paired, and the one ratio of
// the medians stands in.
func pairedRatios(fig, base []float64) []float64 {
	if len(fig) != len(base) {
		return []float64{median(fig) / median(base)}
	}
	out := make([]float64, len(fig))
	for i := range fig {
		out[i] = fig[i] / base[i]
	}
	return out
}
