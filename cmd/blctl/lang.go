package main

import (
	"fmt"
	"io"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/internal/l10n"
)

// blctl speaks English or Simplified Chinese (decision 0015): --lang en|zh,
// else the locale (LC_ALL, LC_MESSAGES, LANG: zh_CN.UTF-8 is Chinese). The
// language decides blctl's messages, table headers and labels, how amounts
// and times are shown, and the Accept-Language sent to the node, whose
// problem documents then come back in it, and its help: --help texts,
// command summaries and flag descriptions (help.go). Data
// stays as it is: codes (default, upheld), MSP ids, labels, keys.
//
// Times are shown as RFC 3339 with whole seconds and the offset, in the
// user's zone: Asia/Shanghai for Chinese, the local zone (TZ) otherwise.
// Amounts are shown in major units with the currency (money.go).
//
// Messages are in the l10n catalogue under "cli."; table labels under
// "cli.label." and "cli.note." keyed by their English text, so that a
// label without a translation still shows, in English, and a test finds it.

// setLang settles the language and zone from --lang or the locale.
func (e *env) setLang(flagValue string) error {
	switch flagValue {
	case "":
		e.lang = l10n.Match(os.Getenv("LC_ALL"), os.Getenv("LC_MESSAGES"), os.Getenv("LANG"))
	case "en":
		e.lang = l10n.English
	case "zh", "zh-CN", "zh_CN":
		e.lang = l10n.Chinese
	default:
		return fmt.Errorf("--lang must be en or zh, got %q", flagValue)
	}
	e.p = l10n.Printer(e.lang)
	e.loc = time.Local
	if l10n.IsChinese(e.lang) {
		e.loc = shanghai()
	}
	return nil
}

// shanghai is Beijing time; without the zone database (a minimal
// container) it is the fixed +08:00 China has kept since 1991.
func shanghai() *time.Location {
	if loc, err := time.LoadLocation("Asia/Shanghai"); err == nil {
		return loc
	}
	return time.FixedZone("CST", 8*3600)
}

// zh reports whether blctl speaks Chinese.
func (e *env) zh() bool { return l10n.IsChinese(e.lang) }

// langName is what blctl passes to moneyIn.
func (e *env) langName() string {
	if e.zh() {
		return "zh"
	}
	return "en"
}

// acceptLanguage is the header that asks the node for the same language.
func (e *env) acceptLanguage() string {
	if e.zh() {
		return "zh-CN, zh;q=0.9, en;q=0.5"
	}
	return "en"
}

// t formats a catalogue message.
func (e *env) t(key string, args ...any) string {
	if e.p == nil {
		return l10n.Printer(l10n.English).Sprintf(key, args...)
	}
	return e.p.Sprintf(key, args...)
}

// label translates a table label or note by its English text; one without
// a translation shows as it is.
func (e *env) label(kind, text string) string {
	key := "cli." + kind + "." + text
	if e.p == nil || !l10n.Has(key) {
		return text
	}
	return e.p.Sprintf(key)
}

// header writes a table's header row, translated.
func (e *env) header(w io.Writer, cols ...string) {
	out := make([]string, len(cols))
	for i, c := range cols {
		out[i] = e.label("label", c)
	}
	row(w, out...)
}

// row writes a label: value [note] row, the label and a fixed note
// translated.
func (e *env) row(w io.Writer, label string, cols ...string) {
	out := []string{e.label("label", label)}
	for _, c := range cols {
		out = append(out, e.label("note", c))
	}
	row(w, out...)
}

// yesNo is yes or no in the user's language.
func (e *env) yesNo(b bool) string {
	return e.label("note", yesNo(b))
}

// when shows an API time (RFC 3339, any precision) in the user's zone,
// whole seconds with the offset; what does not parse is shown as it is.
func (e *env) when(s string) string {
	if s == "" {
		return "-"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s
	}
	loc := e.loc
	if loc == nil {
		loc = time.Local
	}
	return t.In(loc).Format(time.RFC3339)
}

// money shows minor units of cur in the user's language.
func (e *env) money(cur string, minor int64) string { return moneyIn(e.langName(), cur, minor) }

// amounts shows currency -> minor units, sorted by currency.
func (e *env) amounts(m map[string]int64) string {
	if len(m) == 0 {
		return "-"
	}
	codes := make([]string, 0, len(m))
	for c := range m {
		codes = append(codes, c)
	}
	sort.Strings(codes)
	parts := make([]string, len(codes))
	for i, c := range codes {
		parts[i] = e.money(c, m[c])
	}
	return strings.Join(parts, ", ")
}
