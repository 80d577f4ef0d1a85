package main

import (
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// TestIDPrefixes: the 12 characters a table shows are accepted back; a
// prefix of two ids is refused (exit 2) listing both; one of none too.
func TestIDPrefixes(t *testing.T) {
	f := newFake(t)
	one, two, three := "abcdef0123"+strings.Repeat("1", 54), "abcdef0123"+strings.Repeat("2", 54), "9876543210"+strings.Repeat("3", 54)
	f.moreDisputes = []contract.Dispute{{ID: one, AttestationID: three}, {ID: two, AttestationID: three}}

	code, _, stderr := f.cli(t, "", "dispute", "resolve", one[:12], "--outcome", "upheld", "--note", "paid")
	if code != exitOK || len(f.sent("POST", "/v1/disputes/"+one+"/resolve")) != 1 {
		t.Fatalf("unique prefix: exit %d\n%s", code, stderr)
	}
	code, _, stderr = f.cli(t, "", "dispute", "resolve", "ABCDEF0123", "--outcome", "upheld", "--note", "paid")
	if code != exitUsage || !strings.Contains(stderr, "dispute id prefix ABCDEF0123 is ambiguous; it matches:\n  "+one+"\n  "+two) {
		t.Fatalf("ambiguous prefix: exit %d\n%s", code, stderr)
	}
	code, _, stderr = f.cli(t, "", "--lang", "zh", "dispute", "resolve", "ABCDEF0123", "--outcome", "upheld", "--note", "paid")
	if code != exitUsage || !strings.Contains(stderr, "异议编号前缀 ABCDEF0123 不唯一，匹配到：\n  "+one) {
		t.Fatalf("ambiguous prefix in Chinese: exit %d\n%s", code, stderr)
	}
	code, _, stderr = f.cli(t, "", "dispute", "resolve", "fedcba98", "--outcome", "upheld", "--note", "paid")
	if code != exitUsage || !strings.Contains(stderr, "no dispute id known to this client starts with fedcba98") {
		t.Fatalf("unknown prefix: exit %d\n%s", code, stderr)
	}
	code, _, stderr = f.cli(t, "", "dispute", "open", "--attestation", three[:12], "--reason-code", "other", "--statement-digest", hex64("s"))
	var open contract.OpenDisputeRequest
	lastBody(t, f, "POST", "/v1/disputes", &open)
	if code != exitOK || open.AttestationID != three {
		t.Fatalf("attestation prefix: exit %d %+v\n%s", code, open, stderr)
	}
	code, _, _ = f.cli(t, "", "attestation", "show", "--purpose", "dispute-handling", three[:12])
	if code != exitOK || len(f.sent("GET", "/v1/attestations/"+three)) != 1 {
		t.Fatalf("attestation show by prefix: exit %d", code)
	}
	// --full-ids: tables show whole ids.
	code, out, _ := f.cli(t, "", "dispute", "list", "--full-ids")
	if code != exitOK || !strings.Contains(out, one) {
		t.Fatalf("--full-ids: exit %d\n%s", code, out)
	}
	if _, out, _ := f.cli(t, "", "dispute", "list"); strings.Contains(out, one) || !strings.Contains(out, one[:12]) {
		t.Fatalf("short ids:\n%s", out)
	}
}

// TestCommandLineHelp: typos get a suggestion, global flags work after the
// command, a missing required flag names its allowed values.
func TestCommandLineHelp(t *testing.T) {
	f := newFake(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"lokup"}, `blctl: unknown command "lokup" (did you mean "lookup"?)`},
		{[]string{"lookup", "--purpse", "post-loan", hex64("k")}, "blctl lookup: unknown flag --purpse (did you mean --purpose?)"},
		{[]string{"lookup", "--colour", "x"}, "blctl lookup: unknown flag --colour (the flags of lookup are listed by 'blctl lookup --help')"},
		{[]string{"--ouput", "json", "members", "list"}, "blctl: unknown flag --ouput (did you mean --output?)"},
		{[]string{"dispute", "reslove", "x"}, `blctl dispute: unknown subcommand "reslove" (did you mean "resolve"?)`},
		{[]string{"lookup", hex64("k")}, "blctl lookup: --purpose is required (why: loan-approval, post-loan, guarantor-check or dispute-handling)"},
		{[]string{"dispute", "open", "--attestation", "a1"}, "--reason-code is required (not-mine, amount-wrong, already-paid, no-notice, dates-wrong or other)"},
		{[]string{"submit", "--batch", "many", "x.ndjson"}, `blctl submit: --batch: "many" is not a valid value (attestations per request, 1 to 1000)`},
	} {
		code, _, stderr := f.cli(t, "", c.args...)
		if code != exitUsage || !strings.Contains(stderr, c.want) {
			t.Errorf("%q: exit %d\n%s\nwant %s", c.args, code, stderr, c.want)
		}
		if strings.Contains(stderr, "flag provided but not defined") {
			t.Errorf("%q: Go's own message shown:\n%s", c.args, stderr)
		}
	}
	// Global flags after the command, and after its arguments.
	code, out, stderr := f.cli(t, "", "members", "list", "--output", "json")
	if code != exitOK || !strings.HasPrefix(out, "{") {
		t.Fatalf("--output after the command: exit %d\n%s\n%s", code, out, stderr)
	}
	code, out, _ = f.cli(t, "", "lookup", "--purpose", "post-loan", hex64("k"), "--output=json")
	if code != exitOK || !strings.Contains(out, `"subjectKey"`) {
		t.Fatalf("--output= after the arguments: exit %d\n%s", code, out)
	}
	// After "--" nothing is a flag.
	if code, _, stderr := f.cli(t, "", "lookup", "--purpose", "post-loan", "--", "--output"); code != exitUsage || !strings.Contains(stderr, "argument 1") {
		t.Fatalf("after --: exit %d\n%s", code, stderr)
	}
}
