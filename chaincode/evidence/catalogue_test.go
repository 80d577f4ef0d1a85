package evidence

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestCatalogue: every message has both languages taking the same
// arguments, and every key the code uses is in the catalogue.
func TestCatalogue(t *testing.T) {
	han := regexp.MustCompile(`\p{Han}`)
	for k, m := range messages {
		if k == "a.none" {
			continue
		}
		n := strings.Count(m[0], "%s") + strings.Count(m[0], "%q") + strings.Count(m[0], "%v")
		args := make([]string, n)
		for i := range args {
			args[i] = fmt.Sprintf("<%d>", i)
		}
		tx := Text{Key: k, Args: args}
		en, zh := tx.In(English), tx.In(Chinese)
		for i := range args {
			if !strings.Contains(en, args[i]) || !strings.Contains(zh, args[i]) {
				t.Errorf("%s: argument %d missing: %q / %q", k, i, en, zh)
			}
		}
		if strings.Contains(en+zh, "%!") || han.MatchString(en) || (!han.MatchString(zh) && k != "r.error" && k != "r.jws-invalid" && k != "r.tx-mismatch") {
			t.Errorf("%s: %q / %q", k, en, zh)
		}
	}
	used := regexp.MustCompile(`text\("([a-z.-]+)"`)
	for _, f := range []string{"verify.go", "fabric.go", "content.go"} {
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range used.FindAllStringSubmatch(string(src), -1) {
			if _, ok := messages[m[1]]; !ok {
				t.Errorf("%s: %s is not in the catalogue", f, m[1])
			}
		}
	}
}
