package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSaturationSweep: the in-flight levels of the saturation benchmarks
// become a peak row per kind (the highest rate of each repetition, with
// the level it was reached at), a table of every level with its failures,
// and SVG charts of throughput against concurrency; the levels are not
// listed again among the other benchmarks.
func TestSaturationSweep(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	os.Mkdir(res, 0o755)
	write(t, filepath.Join(res, "facts.txt"), "mode: full\nruns: 2\n")
	write(t, filepath.Join(res, "fabric-saturation.txt"), `# command: go test ./node/fabric -run '^$' -bench '^BenchmarkFabricSaturation$' -benchtime 1024x
# runs: 2
BenchmarkFabricSaturation/noop/inflight=8-2	1024	1 ns/op	0 attestations/s	0 endorse-failures	400 p50-ms	600 p99-ms	50 tx/s
BenchmarkFabricSaturation/noop/inflight=64-2	1024	1 ns/op	0 attestations/s	0 endorse-failures	900 p50-ms	1600 p99-ms	120 tx/s
BenchmarkFabricSaturation/noop/inflight=512-2	1024	1 ns/op	0 attestations/s	148 endorse-failures	5000 p50-ms	9000 p99-ms	90 tx/s
BenchmarkFabricSaturation/unbatched/inflight=8-2	1024	1 ns/op	20 attestations/s	0 endorse-failures	380 p50-ms	530 p99-ms	20 tx/s
BenchmarkFabricSaturation/unbatched/inflight=64-2	1024	1 ns/op	86 attestations/s	0 endorse-failures	700 p50-ms	1100 p99-ms	86 tx/s
BenchmarkFabricSaturation/unbatched/inflight=512-2	1024	1 ns/op	100 attestations/s	390 endorse-failures	5000 p50-ms	5800 p99-ms	100 tx/s
BenchmarkFabricSaturation/noop/inflight=8-2	1024	1 ns/op	0 attestations/s	0 endorse-failures	400 p50-ms	600 p99-ms	40 tx/s
BenchmarkFabricSaturation/noop/inflight=64-2	1024	1 ns/op	0 attestations/s	0 endorse-failures	900 p50-ms	1600 p99-ms	80 tx/s
BenchmarkFabricSaturation/noop/inflight=512-2	1024	1 ns/op	0 attestations/s	0 endorse-failures	5000 p50-ms	9000 p99-ms	100 tx/s
BenchmarkFabricSaturation/unbatched/inflight=8-2	1024	1 ns/op	20 attestations/s	0 endorse-failures	380 p50-ms	530 p99-ms	20 tx/s
BenchmarkFabricSaturation/unbatched/inflight=64-2	1024	1 ns/op	90 attestations/s	0 endorse-failures	700 p50-ms	1100 p99-ms	90 tx/s
BenchmarkFabricSaturation/unbatched/inflight=512-2	1024	1 ns/op	80 attestations/s	0 endorse-failures	5000 p50-ms	5800 p99-ms	80 tx/s
`)
	write(t, filepath.Join(res, "fabric-saturation-batched.txt"), `# runs: 1
BenchmarkFabricSaturationBatched/batched-100/inflight=2-2	64	1 ns/op	126 attestations/s	0 mvcc-failures	1.26 tx/s
BenchmarkFabricSaturationBatched/batched-100/inflight=16-2	64	1 ns/op	302 attestations/s	3 mvcc-failures	3.02 tx/s
`)
	out := filepath.Join(dir, "benchmarks.md")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"--results", res, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(out)
	report := string(b)
	for _, want := range []string{
		// Peaks per repetition: unbatched 100 (at 512) and 90 (at 64),
		// median 95; noop 120 and 100, median 110.
		"| unbatched at saturation: peak committed tx/s over the in-flight sweep (1 attestation per transaction) | 95",
		"## Fabric throughput against concurrency",
		"![Fabric: committed transactions/s against transactions in flight](benchmarks-fabric-saturation-tx.svg)",
		"| noop | 512 | 95.0 | 0 | 5,000 | 9,000 | 74.0 |",
		"| batched-100 | 16 | 3.02 | 302 |",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q\n%s", want, report)
		}
	}
	if strings.Contains(report, "| FabricSaturation/unbatched/inflight=64") {
		t.Error("a swept level is listed again among the others")
	}
	for file, points := range map[string]int{"benchmarks-fabric-saturation-tx.svg": 8, "benchmarks-fabric-saturation-attestations.svg": 5} {
		svg, err := os.ReadFile(filepath.Join(dir, file))
		if err != nil {
			t.Fatal(err)
		}
		if n := strings.Count(string(svg), "<circle"); n != points {
			t.Errorf("%s: %d points, want %d", file, n, points)
		}
		if !strings.Contains(string(svg), "transactions in flight") {
			t.Errorf("%s: no x axis label", file)
		}
	}
}
