package gateway

import (
	"errors"
	"regexp"
	"strings"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
	"github.com/assoc-ledger/blacklist/internal/l10n"
)

// Problem documents speak the request's language (decision 0015): the
// title, and the detail, are Simplified Chinese when Accept-Language asks
// for it (zh-CN, zh-Hans, zh), English otherwise. The type, status, items'
// codes and every other field stay as they are: programs branch on those.
//
// A detail is Chinese in one of three ways, best first: the call site gave
// a catalogue message (failMsg) or a structured error (strictjson's, the
// subject-key checks') that is rendered in the language; or the English
// detail matches a known message; or, for free text from deeper down (the
// ledger's rules), the type's Chinese explanation followed by the English
// original, so that nothing is lost in translation.

// localizer renders a detail in a language.
type localizer func(p *message.Printer) string

const localizerKey = "blacklist.localizer"

// requestLang is the language the request asked for.
func requestLang(c *gin.Context) language.Tag {
	return l10n.Match(c.GetHeader("Accept-Language"))
}

// failMsg is fail with a catalogue message as the detail.
func failMsg(c *gin.Context, code, key string, args ...any) {
	c.Set(localizerKey, localizer(func(p *message.Printer) string { return p.Sprintf(key, args...) }))
	fail(c, code, l10n.Printer(l10n.English).Sprintf(key, args...))
}

// localize returns the title and detail of a problem in the request's
// language.
func localize(c *gin.Context, code, title, detail string) (string, string) {
	tag := requestLang(c)
	c.Header("Vary", "Accept-Language")
	if !l10n.IsChinese(tag) {
		c.Header("Content-Language", "en")
		return title, detail
	}
	c.Header("Content-Language", "zh-CN")
	p := l10n.Printer(tag)
	title = p.Sprintf("problem.title." + code)
	if v, ok := c.Get(localizerKey); ok {
		if f, ok := v.(localizer); ok {
			return title, f(p)
		}
	}
	if zh, ok := knownDetail(p, detail); ok {
		return title, zh
	}
	if detail == "" {
		return title, p.Sprintf("problem.about." + code)
	}
	return title, p.Sprintf("problem.about."+code) + p.Sprintf("problem.original", detail)
}

// detailPatterns are English details with a catalogue message of the same
// meaning: the submatches are its arguments, in order.
var detailPatterns = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^(cn-ric|passport): (.*)$`), "detail.idnumber"},
	{regexp.MustCompile(`^purpose must be one of \[(.*)\]$`), "detail.purpose"},
	{regexp.MustCompile(`^at most (\d+) subjects per lookup$`), "detail.toomany"},
}

// idReasons are subjectkey's refusal reasons (see its ValidationError).
var idReasons = []struct {
	re  *regexp.Regexp
	key string
}{
	{regexp.MustCompile(`^must not contain spaces$`), "id.spaces"},
	{regexp.MustCompile(`^must be 18 characters \(or 15 digits, the first-generation form\), got (\d+)$`), "id.length"},
	{regexp.MustCompile(`^character 18 must be a digit or X$`), "id.last"},
	{regexp.MustCompile(`^character (\d+) must be a digit$`), "id.digit"},
	{regexp.MustCompile(`^character (\d+) must be a digit \(a 15-character number is the first-generation form: 15 digits\)$`), "id.digit15"},
	{regexp.MustCompile(`^unknown province-level region code \(characters 1-2\)$`), "id.region"},
	{regexp.MustCompile(`^characters 7-14 are not a real date \(YYYYMMDD\)$`), "id.date"},
	{regexp.MustCompile(`^characters 7-12 are not a real date \(YYMMDD, first-generation form\)$`), "id.date15"},
	{regexp.MustCompile(`^birth date \(characters 7-14\) is before 1900$`), "id.before1900"},
	{regexp.MustCompile(`^birth date \(characters 7-14\) is in the future$`), "id.future"},
	{regexp.MustCompile(`^check character does not match`), "id.check"},
	{regexp.MustCompile(`^must start with a 3-letter ISO 3166-1 alpha-3 country code$`), "id.country3"},
	{regexp.MustCompile(`^unknown ISO 3166-1 alpha-3 country code$`), "id.country"},
	{regexp.MustCompile(`^number may contain only ASCII letters and digits$`), "id.ppchars"},
	{regexp.MustCompile(`^number must be at least (\d+) characters, got (\d+)$`), "id.ppshort"},
	{regexp.MustCompile(`^number must be at most (\d+) characters, got (\d+)$`), "id.pplong"},
	{regexp.MustCompile(`^unknown id type \(supported: (.*)\)$`), "id.type"},
}

func knownDetail(p *message.Printer, detail string) (string, bool) {
	if zh, ok := matchReason(p, idReasons, detail); ok {
		return zh, true
	}
	if m := detailPatterns[0].re.FindStringSubmatch(detail); m != nil {
		if reason, ok := matchReason(p, idReasons, m[2]); ok {
			return p.Sprintf("detail.idnumber", m[1], reason), true
		}
		return "", false
	}
	for _, dp := range detailPatterns[1:] {
		if m := dp.re.FindStringSubmatch(detail); m != nil {
			return p.Sprintf(dp.key, toArgs(m[1:])...), true
		}
	}
	return "", false
}

func matchReason(p *message.Printer, table []struct {
	re  *regexp.Regexp
	key string
}, s string) (string, bool) {
	for _, r := range table {
		if m := r.re.FindStringSubmatch(s); m != nil {
			return p.Sprintf(r.key, toArgs(m[1:])...), true
		}
	}
	return "", false
}

func toArgs(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

// bodyLocalizer renders a strictjson refusal of a request body.
func bodyLocalizer(err error, wrapperHint bool) localizer {
	return func(p *message.Printer) string {
		var te *strictjson.TypeError
		var ue *strictjson.UnknownFieldError
		var de *strictjson.DuplicateKeyError
		var s string
		switch {
		case errors.As(err, &te):
			s = p.Sprintf("json.type", te.Field, jsonPhrase(p, te.Expected), jsonPhrase(p, te.Got))
			if te.Hint != "" {
				s += p.Sprintf("json.amounthint")
			}
		case errors.As(err, &ue):
			if ue.Path == "" {
				s = p.Sprintf("json.unknown.top", ue.Key, strings.Join(ue.Allowed, ", "))
			} else {
				s = p.Sprintf("json.unknown", ue.Key, ue.Path, strings.Join(ue.Allowed, ", "))
			}
		case errors.As(err, &de):
			s = p.Sprintf("json.duplicate", de.Key)
		case errors.Is(err, strictjson.ErrTrailingData):
			s = p.Sprintf("json.trailing")
		case errors.Is(err, strictjson.ErrInvalidUTF8):
			s = p.Sprintf("json.utf8")
		default:
			s = p.Sprintf("json.syntax", err.Error())
		}
		if wrapperHint {
			s += p.Sprintf("json.wrapperhint")
		}
		return p.Sprintf("json.body", s)
	}
}

// jsonPhrase translates strictjson's fixed phrases ("a whole number"); a
// literal value (12500.00) stays as it is.
func jsonPhrase(p *message.Printer, s string) string {
	base, inRange := strings.CutSuffix(s, " in range")
	key := "json.kind." + base
	if !l10n.Has(key) {
		return s
	}
	out := p.Sprintf(key)
	if inRange {
		out += p.Sprintf("json.inrange")
	}
	return out
}
