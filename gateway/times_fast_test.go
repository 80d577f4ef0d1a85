package gateway

import (
	"regexp"
	"strings"
	"testing"
)

// ledgerTimeRE is the rewrite wholeSecondsIn makes, as the regular
// expression it was first written with: ReplaceAll(b, `"$1":"$2$3"`).
var ledgerTimeRE = regexp.MustCompile(`"(` + strings.Join(ledgerTimeNames, "|") + `)":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d+(Z|[+-]\d\d:\d\d)"`)

var wholeSecondsCases = []string{
	`{"recordedAt":"2026-11-30T18:00:00.123456789Z","x":{"updatedAt":"2026-11-30T18:00:00.5+08:00"}}`,
	`["updatedAt":"2026-11-30T18:00:00.1Z"","updatedAt":"2026-11-30T18:00:00.Z"]`,
	`{"updatedAt":"2026-11-30T18:00:00Z","dueBy":"2026-11-30 18:00:00.1Z","openedAt":"2026-11-30T18:00:00.1+0800"}`,
	`{"xupdatedAt":"2026-11-30T18:00:00.1Z","issuedAt":"2026-11-30T18:00:00.1Z","lastSuccess":"2026-11-30T18:00:00.999-05:30"}`,
	`{"failingSince":"2026-11-30T18:00:00.1Z"}{"failingSince":"2026-11-30T18:00:00.1Z`, `"updatedAt":"`, `"dueBy":"2026-11-30T18:00:00.1`,
	`{"a":"\"revokedAt\":\"2026-11-30T18:00:00.1Z\"","revokedAt":"2026-11-30T18:00:00.12Z"}`, `"""updatedAt":"2026-11-30T18:00:00.1Z"`,
}

// TestWholeSecondsInMatchesTheExpression holds the byte scan to the
// regular expression it replaced, on answers with and without times and on
// near misses.
func TestWholeSecondsInMatchesTheExpression(t *testing.T) {
	for _, c := range wholeSecondsCases {
		want := string(ledgerTimeRE.ReplaceAll([]byte(c), []byte(`"$1":"$2$3"`)))
		if got := string(wholeSecondsIn([]byte(c))); got != want {
			t.Errorf("%s:\n got  %s\n want %s", c, got, want)
		}
	}
}

func FuzzWholeSecondsIn(f *testing.F) {
	for _, c := range wholeSecondsCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		want := string(ledgerTimeRE.ReplaceAll(b, []byte(`"$1":"$2$3"`)))
		if got := string(wholeSecondsIn(b)); got != want {
			t.Errorf("%q:\n got  %q\n want %q", b, got, want)
		}
	})
}

// TestWholeSecondsInEveryTimeName: the quick check that lets answers
// without ledger times skip the rewrite never skips one that has them:
// every name the rewrite knows is still cut to whole seconds, and an
// answer without any is returned as it is.
func TestWholeSecondsInEveryTimeName(t *testing.T) {
	names := strings.Split("recordedAt|openedAt|dueBy|resolvedAt|statusChangedAt|admittedAt|registeredAt|revokedAt|updatedAt|failingSince|lastSuccess", "|")
	if strings.Join(ledgerTimeNames, "|") != strings.Join(names, "|") {
		t.Fatalf("the rewrite's names changed: %v; update this test and timeKeyEnds", ledgerTimeNames)
	}
	for _, n := range names {
		in := `{"x":1,"` + n + `":"2026-11-30T18:00:00.123456789Z","y":[]}`
		want := `{"x":1,"` + n + `":"2026-11-30T18:00:00Z","y":[]}`
		if got := string(wholeSecondsIn([]byte(in))); got != want {
			t.Errorf("%s: %s, want %s", n, got, want)
		}
	}
	status := `{"asOf":3,"results":[{"subjectKey":"ab","listed":true,"firstOverdueSince":"2025-09-01","reporters":["Bank1MSP"]}]}`
	if got := string(wholeSecondsIn([]byte(status))); got != status {
		t.Errorf("a status answer changed: %s", got)
	}
}
