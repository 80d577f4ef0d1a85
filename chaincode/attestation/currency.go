package attestation

import (
	_ "embed"
	"strings"
)

// The list is data, not code, so that a reviewer can diff it against the ISO
// publication line by line.
//
//go:embed iso4217.txt
var iso4217Text string

var currencies = parseCurrencyList(iso4217Text)

// parseCurrencyList panics on a bad line: the file is compiled in, so a bad
// line is a build defect, and silently dropping a code would make peers built
// from different trees disagree.
func parseCurrencyList(text string) map[string]struct{} {
	set := make(map[string]struct{}, 200)
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if !isCurrencyShape(line) {
			panic("attestation: bad line in embedded iso4217.txt: " + quote(line))
		}
		if _, dup := set[line]; dup {
			panic("attestation: duplicate code in embedded iso4217.txt: " + line)
		}
		set[line] = struct{}{}
	}
	return set
}

func isCurrencyShape(s string) bool {
	if len(s) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if s[i] < 'A' || s[i] > 'Z' {
			return false
		}
	}
	return true
}

// IsCurrency reports whether code is an accepted ISO 4217 alphabetic code.
// Exported so the CLI can check user input before building a payload.
func IsCurrency(code string) bool {
	_, ok := currencies[code]
	return ok
}
