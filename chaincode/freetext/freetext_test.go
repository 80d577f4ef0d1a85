package freetext

import (
	"errors"
	"strings"
	"testing"
	"unicode"
)

// The frozen table covers every control, format, separator and private-use
// character the running Go knows. A failure after a Go upgrade means Unicode
// added some: extend the table on purpose (all peers at once).
func TestTableCoversGoUnicodeTables(t *testing.T) {
	for _, tab := range []*unicode.RangeTable{unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp, unicode.Co, unicode.Noncharacter_Code_Point} {
		for r := rune(0); r <= unicode.MaxRune; r++ {
			if unicode.Is(tab, r) && !Refused(r) {
				t.Errorf("%U is a control/format/private-use character but not in the table", r)
			}
		}
	}
	for i := 1; i < len(refused); i++ {
		if refused[i][0] <= refused[i-1][1] || refused[i][0] > refused[i][1] {
			t.Fatalf("table not sorted or overlapping at %d", i)
		}
	}
}

func TestCheck(t *testing.T) {
	for _, ok := range []string{"", "Demo Bank One", "中国工商银行股份有限公司", "بنك", "בנק", "Zürich Kantonalbank", "café", "a—b «c» (d) 1,5 %", "👩", "名\uFE00"} {
		if err := Check(ok); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, c := range []struct {
		in string
		r  rune
		at int
	}{
		{"invoice\u202Efdp.exe", 0x202E, 7}, {"\u2066x", 0x2066, 0}, {"ab\u200F", 0x200F, 2}, {"a\u061Cb", 0x061C, 1},
		{"a\u200Bb", 0x200B, 1}, {"a\u200Db", 0x200D, 1}, {"a\u00ADb", 0x00AD, 1}, {"\uFEFFa", 0xFEFF, 0},
		{"a\tb", '\t', 1}, {"a\nb", '\n', 1}, {"a\x1b[31m", 0x1b, 1}, {"a\u0085", 0x85, 1}, {"a\u2028", 0x2028, 1},
		{"a\uE000", 0xE000, 1}, {"a\U000E0041", 0xE0041, 1}, {"a\uFFFF", 0xFFFF, 1}, {"a\U0001FFFE", 0x1FFFE, 1},
		{"名字\x00", 0, 2}, {"é\xffx", unicode.ReplacementChar, 1},
	} {
		err := Check(c.in)
		var e *Error
		if !errors.As(err, &e) || e.Rune != c.r || e.Index != c.at {
			t.Errorf("%q: got %v, want %U at %d", c.in, err, c.r, c.at)
		}
	}
	if msg := Check("secret\u202E").Error(); strings.Contains(msg, "secret") || !strings.Contains(msg, "U+202E") {
		t.Errorf("message %q", msg)
	}
}
