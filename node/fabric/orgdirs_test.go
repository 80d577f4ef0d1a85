package fabric

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestEachOrganisationKeepsToItsDirectory: every running process of the
// network is configured with, and has open, only files under its own
// organisation's directory of the run directory (network/.run/ORG), the
// directory its operator would copy to its own host (docs/operations.md).
// Files elsewhere (the binaries, the chaincode builder) are software, not
// data, and are not under the run directory.
func TestEachOrganisationKeepsToItsDirectory(t *testing.T) {
	run := networkDir(t)
	abs, err := filepath.Abs(run)
	if err != nil {
		t.Fatal(err)
	}
	pids, err := filepath.Glob(filepath.Join(abs, "*", "pids", "*.pid"))
	if err != nil || len(pids) == 0 {
		t.Fatalf("no pid files under %s/ORG/pids (%v)", abs, err)
	}
	underRun := regexp.MustCompile(regexp.QuoteMeta(abs) + `/[^/\s:,\]]+`)
	var checked []string
	defer func() { t.Logf("checked %d running processes: %s", len(checked), strings.Join(checked, " ")) }()
	for _, pf := range pids {
		org := filepath.Base(filepath.Dir(filepath.Dir(pf)))
		pid, err := os.ReadFile(pf)
		if err != nil {
			t.Fatal(err)
		}
		proc := filepath.Join("/proc", strings.TrimSpace(string(pid)))
		env, err := os.ReadFile(filepath.Join(proc, "environ"))
		if err != nil {
			continue // not running (a fault test stopped it): nothing to check
		}
		checked = append(checked, org+"/"+strings.TrimSuffix(filepath.Base(pf), ".pid"))
		seen := underRun.FindAllString(string(env), -1)
		fds, _ := os.ReadDir(filepath.Join(proc, "fd"))
		for _, fd := range fds {
			if target, err := os.Readlink(filepath.Join(proc, "fd", fd.Name())); err == nil {
				seen = append(seen, underRun.FindAllString(target, -1)...)
			}
		}
		for _, p := range seen {
			if p != filepath.Join(abs, org) {
				t.Errorf("%s (%s) uses %s, outside %s", filepath.Base(pf), org, p, filepath.Join(abs, org))
			}
		}
		if len(seen) == 0 {
			t.Errorf("%s: no file of the run directory seen in its environment or open files", filepath.Base(pf))
		}
	}
}
