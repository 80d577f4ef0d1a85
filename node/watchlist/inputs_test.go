package watchlist

import (
	"strings"
	"testing"
)

// An import line that repeats a key, or a label with bidi or other
// invisible characters, is refused like any bad line; the message names
// the key or the code point, never the label.
func TestImportRefusesRepeatedKeysAndControlCharacters(t *testing.T) {
	w := open(t)
	in := `{"subjectKey":"` + hexOf("a") + `","label":"ok","label":"other"}` + "\n" +
		`{"subjectKey":"` + hexOf("b") + `","label":"invoice` + "\u202e" + `fdp"}` + "\n" +
		`{"subjectKey":"` + hexOf("c") + `","label":"客户 12"}` + "\n"
	res, err := w.Import("Bank1MSP", strings.NewReader(in), NDJSON, ImportOptions{})
	if err != nil || res.Imported != 1 || res.Rejected != 2 {
		t.Fatalf("%+v %v", res, err)
	}
	if m := res.Errors[0].Message; !strings.Contains(m, `duplicate key "label"`) {
		t.Errorf("line 1: %q", m)
	}
	if m := res.Errors[1].Message; !strings.Contains(m, "U+202E") || strings.Contains(m, "invoice") {
		t.Errorf("line 2: %q", m)
	}
	if err := Check(hexOf("d"), "a\u2066b"); err == nil {
		t.Error("Check accepts a bidi isolate")
	}
}
