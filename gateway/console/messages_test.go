package console

import (
	"io/fs"
	"regexp"
	"testing"

	"github.com/assoc-ledger/blacklist/internal/l10n"
)

// Every message a template or handler names exists in both languages with
// the same verbs.
func TestEveryPageStringIsInBothLanguages(t *testing.T) {
	for _, e := range l10n.Entries("console.") {
		if e.EN == "" || e.ZH == "" || l10n.Verbs(e.EN) != l10n.Verbs(e.ZH) {
			t.Errorf("%s: %q / %q", e.Key, e.EN, e.ZH)
		}
	}
	used := regexp.MustCompile(`\.T "([a-z.A-Z-]+)"|q\.T\("([a-z.A-Z-]+)"`)
	files, _ := fs.Glob(templateFS, "templates/*.html")
	for _, f := range files {
		b, _ := fs.ReadFile(templateFS, f)
		for _, m := range used.FindAllStringSubmatch(string(b), -1) {
			if !l10n.Has("console." + m[1]) {
				t.Errorf("%s uses %q, which is not in the catalogue", f, m[1])
			}
		}
	}
}
