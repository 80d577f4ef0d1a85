package console

import (
	"bytes"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // Asia/Shanghai without the system's zone files

	"golang.org/x/text/currency"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/assoc-ledger/blacklist/internal/l10n"
	"github.com/assoc-ledger/blacklist/node"
)

// shanghai is the zone every time on a page is shown in.
var shanghai = func() *time.Location {
	l, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		return time.FixedZone("CST", 8*3600)
	}
	return l
}()

// parsePages parses each page template with the layout.
func parsePages() map[string]*template.Template {
	pages := map[string]*template.Template{}
	names, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		panic(err)
	}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".html")
		if base == "layout" {
			continue
		}
		pages[base] = template.Must(template.New(base).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", name))
	}
	return pages
}

var funcs = template.FuncMap{
	"short": func(s string) string {
		if len(s) > 12 {
			return s[:12] + "…"
		}
		return s
	},
	"add": func(a, b int) int { return a + b },
	// dict pairs keys and values for a range (the filings pager)
	"dict": func(kv ...any) map[string]any {
		m := map[string]any{}
		for i := 0; i+1 < len(kv); i += 2 {
			m[kv[i].(string)] = kv[i+1]
		}
		return m
	},
}

// view is what every page template gets.
type view struct {
	q     *req
	Page  string
	Lang  string
	Path  string
	CSRF  string
	User  *node.Client
	Nav   []pageLink
	Data  map[string]any
	Flash string
}

// T renders a catalogue message in the page's language.
func (v *view) T(key string, args ...any) string { return v.q.T(key, args...) }

// Time shows an RFC 3339 time in Asia/Shanghai.
func (v *view) Time(s string) string { return fmtTime(s) }

// Money shows minor units with their currency.
func (v *view) Money(minor int64, cur string) string { return fmtMoney(minor, cur) }

// MoneyP is Money of an optional amount.
func (v *view) MoneyP(minor *int64, cur string) string {
	if minor == nil {
		return "—"
	}
	return fmtMoney(*minor, cur)
}

// Major shows minor units as the plain number an input takes ("12500.00").
func (v *view) Major(minor int64, cur string) string {
	m := fmtMoney(minor, cur)
	return strings.ReplaceAll(strings.TrimSuffix(m, " "+cur), ",", "")
}

// Other is the language the switch offers.
func (v *view) Other() string {
	if v.Lang == "zh" {
		return "en"
	}
	return "zh"
}

// Active reports whether p is the page shown.
func (v *view) Active(p string) bool { return v.Path == p || strings.HasPrefix(v.Path, p+"/") }

func (q *req) T(key string, args ...any) string {
	return l10n.Printer(q.lang).Sprintf("console."+key, args...)
}

func (q *req) printer() *message.Printer { return l10n.Printer(q.lang) }

func langCode(t language.Tag) string {
	if l10n.IsChinese(t) {
		return "zh"
	}
	return "en"
}

// render writes page with data.
func (s *server) render(q *req, status int, page string, data map[string]any) {
	t, ok := s.pages[page]
	if !ok {
		panic("console: no page " + page)
	}
	v := &view{q: q, Page: page, Lang: langCode(q.lang), Path: q.path, User: q.client, Nav: s.nav(q), Data: data}
	if q.client != nil {
		v.CSRF = q.sess.CSRF
	}
	if f, ok := data["Flash"].(string); ok {
		v.Flash = f
	}
	var b bytes.Buffer
	if err := t.ExecuteTemplate(&b, "layout", v); err != nil {
		s.log.Error("console: template", "page", page, "error", err)
		http.Error(q.w, "internal error", http.StatusInternalServerError)
		return
	}
	q.w.Header().Set("Content-Type", "text/html; charset=utf-8")
	q.w.Header().Set("Content-Language", map[string]string{"zh": "zh-CN", "en": "en"}[v.Lang])
	q.w.WriteHeader(status)
	_, _ = q.w.Write(b.Bytes())
}

// fmtTime shows an RFC 3339 time (or a date) in Asia/Shanghai.
func fmtTime(s string) string {
	if s == "" {
		return "—"
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return s // a date-only field is already a calendar date
	}
	return t.In(shanghai).Format("2006-01-02 15:04")
}

// fmtMoney shows an amount in minor units with its currency, to the
// currency's standard number of decimals, grouped in thousands
// ("12,500.00 CNY").
func fmtMoney(minor int64, cur string) string {
	scale := 2
	if u, err := currency.ParseISO(cur); err == nil {
		scale, _ = currency.Standard.Rounding(u)
	}
	neg := minor < 0
	if neg {
		minor = -minor
	}
	digits := strconv.FormatInt(minor, 10)
	for len(digits) <= scale {
		digits = "0" + digits
	}
	whole, frac := digits[:len(digits)-scale], digits[len(digits)-scale:]
	var g strings.Builder
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			g.WriteByte(',')
		}
		g.WriteRune(r)
	}
	out := g.String()
	if scale > 0 {
		out += "." + frac
	}
	if neg {
		out = "-" + out
	}
	return out + " " + cur
}

// parseMoney reads an amount typed in major units ("12500", "12,500.5")
// as minor units of cur.
func parseMoney(s, cur string) (int64, error) {
	scale := 2
	if u, err := currency.ParseISO(cur); err == nil {
		scale, _ = currency.Standard.Rounding(u)
	}
	s = strings.ReplaceAll(strings.TrimSpace(s), ",", "")
	whole, frac, _ := strings.Cut(s, ".")
	if whole == "" || len(frac) > scale || strings.Trim(whole+frac, "0123456789") != "" || len(whole) > 15 {
		return 0, fmt.Errorf("amount %q: a number with at most %d decimals", s, scale)
	}
	frac += strings.Repeat("0", scale-len(frac))
	return strconv.ParseInt(whole+frac, 10, 64)
}
