package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func write(t *testing.T, path, text string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestReport renders a run with interleaved repetitions, a skipped suite, a
// benchmark no row names and existing notes.
func TestReport(t *testing.T) {
	dir := t.TempDir()
	res := filepath.Join(dir, "results")
	os.Mkdir(res, 0o755)
	write(t, filepath.Join(res, "facts.txt"), "mode: full\nruns: 3\nstore-small: 10000\nstore-large: 10000000\n")
	// Three runs, verify and submit alternating; run 2 is slow for both,
	// as a burst of load from a neighbour makes it.
	write(t, filepath.Join(res, "submit.txt"), `# command: go test ./node/embedded -bench X
# runs: 3, one process each
goos: linux
BenchmarkES256Verify-2   	 2000	  100000 ns/op	 10000 verifies/s
BenchmarkSubmit/batch=1-2	 2000	  250000 ns/op	  4000 attestations/s
BenchmarkSubmit/batch=100-2	 2000	  125000 ns/op	  8000 attestations/s
PASS
BenchmarkES256Verify-2   	 2000	  200000 ns/op	  5000 verifies/s
BenchmarkSubmit/batch=1-2	 2000	  500000 ns/op	  2000 attestations/s
BenchmarkSubmit/batch=100-2	 2000	  250000 ns/op	  4000 attestations/s
BenchmarkES256Verify-2   	 2000	  100000 ns/op	 10000 verifies/s
BenchmarkSubmit/batch=1-2	 2000	  200000 ns/op	  5000 attestations/s
BenchmarkSubmit/batch=100-2	 2000	  125000 ns/op	  8000 attestations/s
BenchmarkSomethingNew-2	 10	  1500 ns/op
`)
	write(t, filepath.Join(res, "fabric-submit.txt"), "# skipped: needs a running Fabric network\n")
	write(t, filepath.Join(res, "status.txt"), "# command: go test ./node/embedded -bench SubjectStatus\n"+
		"BenchmarkSubjectStatus/stored=10000000/batch=10000-2\t5\t150000000 ns/op\t150.0 ms/batch\n"+
		"BenchmarkSubjectStatus/stored=10000/batch=10000-2\t5\t100000000 ns/op\t100.0 ms/batch\n")
	out := filepath.Join(dir, "benchmarks.md")
	write(t, out, "# old report\n\n"+NotesMarker+"\n## Notes\n\nKept by hand.\n")

	var stdout, stderr bytes.Buffer
	if code := run([]string{"--results", res, "--out", out}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	b, _ := os.ReadFile(out)
	report := string(b)
	for _, want := range []string{
		// Medians, the largest distance from them, and the per-run ratios
		// (40%, 40%, 50%), not the ratio of the medians.
		"| submit, 1 attestation per transaction, 16 concurrent submitters | 4,000 attestations/s ±50% (n=3) | bare ES256 verify: 10,000 verifies/s ±50% (n=3) | 40% ±25% | >= 50% of bare verify | **no** | `go test ./node/embedded -bench X`, 3 runs, one process each |",
		"| submit, 100 attestations per transaction, 4 concurrent submitters | 8,000 attestations/s ±50% (n=3) | bare ES256 verify: 10,000 verifies/s ±50% (n=3) | 80% ±0% | >= 50% of bare verify | yes |",
		"## Lookups by store size: 10,000 against 10,000,000 stored attestations",
		"| 150 ms (n=1) | 10,000 stored: 100 ms (n=1) | 1.50× | < 100 ms | **no** |",
		"| unbatched submit, 1 attestation per transaction, 32 submitters | not measured: needs a running Fabric network |",
		"| SomethingNew | 1.50 µs (n=1) | `go test ./node/embedded -bench X`, 3 runs, one process each |",
		NotesMarker + "\n## Notes\n\nKept by hand.\n",
	} {
		if !strings.Contains(report, want) {
			t.Errorf("report lacks %q\n%s", want, report)
		}
	}
	if strings.Contains(report, "# old report") {
		t.Error("the generated part of the old report survived")
	}

	// Without the marker the notes cannot be told from the generated part.
	write(t, out, "# hand-edited, no marker\n")
	if code := run([]string{"--results", res, "--out", out}, &stdout, &stderr); code == 0 {
		t.Fatal("a report without the notes marker was overwritten")
	}
}

func TestSigfig(t *testing.T) {
	for v, want := range map[float64]string{11257: "11,300", 0.0734: "0.0734", 2.634: "2.63", 1234567: "1,230,000", 100: "100", 9.996: "10.0"} {
		if got := sigfig(v, 3); got != want {
			t.Errorf("sigfig(%v) = %q, want %q", v, got, want)
		}
	}
}
