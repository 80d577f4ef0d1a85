package main

import (
	"bytes"
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestScalingCharts: the store suite's figures at three store sizes become
// SVG charts beside the report (well-formed, one point per size), shown in
// a section with their values; one size alone draws nothing.
func TestScalingCharts(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	os.Mkdir(res, 0o755)
	write(t, filepath.Join(res, "facts.txt"), "mode: quick\nruns: 1\nstore-small: 10000\nstore-large: 1000000\n")
	write(t, filepath.Join(res, "store.txt"), `# command: scripts/bench-store.sh
BenchmarkStoreLookup/stored=10000/batch=1	100	1 ns/op	2.000 p50-ms	9.0 p99-ms
BenchmarkStoreLookup/stored=100000/batch=1	100	1 ns/op	2.500 p50-ms	9.0 p99-ms
BenchmarkStoreLookup/stored=1000000/batch=1	100	1 ns/op	3.000 p50-ms	9.0 p99-ms
BenchmarkStoreLookup/stored=10000/batch=10000	3	1 ns/op	90.000 p50-ms	99.0 p99-ms
BenchmarkStoreLookup/stored=100000/batch=10000	3	1 ns/op	120.000 p50-ms	99.0 p99-ms
BenchmarkStoreLookup/stored=1000000/batch=10000	3	1 ns/op	180.000 p50-ms	199.0 p99-ms
BenchmarkStoreRSS/stored=10000	1	400 VmRSS-MB	400 VmHWM-MB	350 RssAnon-MB	50 RssFile-MB
BenchmarkStoreRSS/stored=100000	1	500 VmRSS-MB	500 VmHWM-MB	360 RssAnon-MB	140 RssFile-MB
BenchmarkStoreRSS/stored=1000000	1	900 VmRSS-MB	900 VmHWM-MB	380 RssAnon-MB	520 RssFile-MB
`)
	out := filepath.Join(dir, "benchmarks.md")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--results", res, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(out)
	report := string(b)
	for _, want := range []string{
		"## Scaling with the store",
		"![10,000-subject lookup over HTTP by store size](benchmarks-lookup-10000.svg)",
		"| 100,000 | 120 |",
		"| 1,000,000 | 380 | 900 |",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q\n%s", want, report)
		}
	}
	if strings.Contains(report, "| StoreLookup/stored=100000") {
		t.Error("a charted benchmark is listed again among the others")
	}
	for file, points := range map[string]int{"benchmarks-lookup-single.svg": 3, "benchmarks-lookup-10000.svg": 3, "benchmarks-memory.svg": 6} {
		svg, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		d := xml.NewDecoder(bytes.NewReader(svg))
		circles := 0
		for {
			tok, err := d.Token()
			if err != nil {
				if err.Error() != "EOF" {
					t.Fatalf("%s is not well-formed: %v", file, err)
				}
				break
			}
			if se, ok := tok.(xml.StartElement); ok && se.Name.Local == "circle" {
				circles++
			}
		}
		if circles != points {
			t.Errorf("%s: %d points, want %d", file, circles, points)
		}
	}

	// One store size: no curve, no section.
	write(t, filepath.Join(res, "store.txt"), "BenchmarkStoreRSS/stored=10000\t1\t400 VmRSS-MB\t350 RssAnon-MB\n")
	os.Remove(filepath.Join(dir, "benchmarks-memory.svg"))
	if code := run([]string{"--results", res, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, _ = os.ReadFile(out)
	if strings.Contains(string(b), "Scaling with the store") {
		t.Error("a chart of one store size")
	}
	if _, err := os.Stat(filepath.Join(dir, "benchmarks-memory.svg")); err == nil {
		t.Error("a chart file for one store size")
	}
}
