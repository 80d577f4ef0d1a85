// Package l10n is the one place messages meet languages: the gateway's
// problem documents (by the request's Accept-Language) and blctl's messages
// and tables (by --lang or LANG) come in English or Simplified Chinese.
//
// Messages live in a golang.org/x/text/message catalogue. Each package
// registers its own entries at init as {key, English, Chinese}; the key is
// a stable name ("problem.title.forbidden"), never shown. Formatting goes
// through message.Printer, so verbs (%d, %s, %q) work the same in both
// languages. A test in each registering package checks that every key has
// both texts and that the two use the same verbs.
//
// Language negotiation uses x/text/language's matcher over the supported
// tags, so "zh-CN", "zh-Hans", "zh_CN.UTF-8" and "zh-TW;q=0.9, en;q=0.8"
// are all understood; anything unmatched is English.
package l10n

import (
	"fmt"
	"regexp"
	"sort"
	"strings"
	"sync"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
	"golang.org/x/text/message/catalog"
)

// The supported languages; the first is the fallback.
var (
	English = language.English
	Chinese = language.SimplifiedChinese
)

var (
	matcher = language.NewMatcher([]language.Tag{English, Chinese})

	mu      sync.RWMutex
	builder = catalog.NewBuilder(catalog.Fallback(English))
	entries = map[string]Entry{}
)

// Entry is one message in both languages.
type Entry struct {
	Key, EN, ZH string
}

// Register adds entries to the catalogue. A key registered twice with
// different texts is a programming error.
func Register(es ...Entry) {
	mu.Lock()
	defer mu.Unlock()
	for _, e := range es {
		if old, dup := entries[e.Key]; dup && old != e {
			panic("l10n: message " + e.Key + " registered twice with different texts")
		}
		entries[e.Key] = e
		if err := builder.SetString(English, e.Key, e.EN); err != nil {
			panic(err)
		}
		if err := builder.SetString(Chinese, e.Key, e.ZH); err != nil {
			panic(err)
		}
	}
}

// Entries lists the registered messages whose keys start with prefix,
// sorted by key: what the completeness tests walk.
func Entries(prefix string) []Entry {
	mu.RLock()
	defer mu.RUnlock()
	var out []Entry
	for k, e := range entries {
		if strings.HasPrefix(k, prefix) {
			out = append(out, e)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	return out
}

// Has reports whether key is registered.
func Has(key string) bool {
	mu.RLock()
	defer mu.RUnlock()
	_, ok := entries[key]
	return ok
}

// Printer formats catalogue messages in tag's language.
func Printer(tag language.Tag) *message.Printer {
	return message.NewPrinter(tag, message.Catalog(builder))
}

// Match picks the supported language for preferences, each an
// Accept-Language header value or a POSIX locale (LANG=zh_CN.UTF-8). The
// first preference that names a language decides; none: English.
func Match(prefs ...string) language.Tag {
	for _, p := range prefs {
		p = strings.TrimSpace(p)
		if p == "" {
			continue
		}
		var tags []language.Tag
		if strings.ContainsAny(p, ",;") {
			tags, _, _ = language.ParseAcceptLanguage(p)
		} else {
			if i := strings.IndexAny(p, ".@"); i >= 0 {
				p = p[:i] // zh_CN.UTF-8, de_DE@euro
			}
			if p == "C" || p == "POSIX" {
				return English
			}
			if t, err := language.Parse(strings.ReplaceAll(p, "_", "-")); err == nil {
				tags = []language.Tag{t}
			}
		}
		if len(tags) == 0 {
			continue
		}
		_, i, conf := matcher.Match(tags...)
		if conf == language.No {
			return English
		}
		return []language.Tag{English, Chinese}[i]
	}
	return English
}

// IsChinese reports whether tag is the Chinese of this package.
func IsChinese(tag language.Tag) bool { return tag == Chinese }

var (
	verb     = regexp.MustCompile(`%[-+# 0-9.]*(\[\d+\])?[-+# 0-9.]*[a-zA-Z%]`)
	argIndex = regexp.MustCompile(`\[\d+\]`)
)

// Verbs lists the formatting verbs of a text, argument indexes dropped and
// sorted (a translation may reorder its arguments with %[2]s), for the
// tests that check both languages of a message take the same arguments.
func Verbs(s string) string {
	vs := verb.FindAllString(s, -1)
	for i, v := range vs {
		vs[i] = argIndex.ReplaceAllString(v, "")
	}
	sort.Strings(vs)
	return fmt.Sprint(vs)
}
