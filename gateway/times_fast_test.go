package gateway

import (
	"strings"
	"testing"
)

// TestWholeSecondsInEveryTimeName: the quick check that lets answers
// without ledger times skip the rewrite never skips one that has them:
// every name the rewrite knows is still cut to whole seconds, and an
// answer without any is returned as it is.
func TestWholeSecondsInEveryTimeName(t *testing.T) {
	names := strings.Split("recordedAt|openedAt|dueBy|resolvedAt|statusChangedAt|admittedAt|registeredAt|revokedAt|updatedAt|failingSince|lastSuccess", "|")
	if !strings.Contains(ledgerTime.String(), strings.Join(names, "|")) {
		t.Fatalf("the rewrite's names changed: %s; update this test and timeKeyEnds", ledgerTime)
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
