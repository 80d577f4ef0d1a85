package main

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

func lastBody(t *testing.T, f *fakeAPI, method, path string, v any) {
	t.Helper()
	reqs := f.sent(method, path)
	if len(reqs) == 0 {
		t.Fatalf("no %s %s", method, path)
	}
	if err := json.Unmarshal(reqs[len(reqs)-1].Body, v); err != nil {
		t.Fatalf("%s %s body %q: %v", method, path, reqs[len(reqs)-1].Body, err)
	}
}

func TestMembers(t *testing.T) {
	f := newFake(t)
	prefix := filepath.Join(t.TempDir(), "bank3")
	if code, _, stderr := runCLI(t, "", "keygen", "--out", prefix); code != exitOK {
		t.Fatal(stderr)
	}

	code, out, stderr := f.cli(t, "", "members", "list")
	if code != exitOK || !strings.Contains(out, "Bank2MSP") || !strings.Contains(out, "reporter,querier") {
		t.Fatalf("list: exit %d\n%s\n%s", code, out, stderr)
	}

	code, out, stderr = f.cli(t, "", "members", "admit", "--msp", "Bank3MSP", "--legal-name", "Bank Three", "--credit-code", "91110000X",
		"--roles", "reporter, querier", "--pubkey", prefix+".pub", "--kid", "bank3-2026")
	if code != exitOK || !strings.Contains(out, "THUMBPRINT") {
		t.Fatalf("admit: exit %d\n%s\n%s", code, out, stderr)
	}
	var admit contract.AdmitMemberRequest
	lastBody(t, f, "POST", "/v1/members", &admit)
	if admit.MSPID != "Bank3MSP" || strings.Join(admit.Roles, ",") != "reporter,querier" || len(admit.Keys) != 1 ||
		admit.Keys[0].KID != "bank3-2026" || admit.Keys[0].PublicKey != mustRead(t, prefix+".pub") {
		t.Errorf("admit body %+v", admit)
	}
	if code, _, _ := f.cli(t, "", "members", "admit", "--msp", "B", "--legal-name", "B", "--credit-code", "C", "--roles", "reporter",
		"--pubkey", prefix+".key", "--kid", "k"); code != exitRefused {
		t.Errorf("admit with a private key as --pubkey: exit %d", code)
	}

	for _, action := range []string{"suspend", "reinstate", "expel"} {
		if code, _, stderr := f.cli(t, "", "members", action, "Bank2MSP", "--reason", "board decision"); code != exitOK {
			t.Fatalf("%s: exit %d\n%s", action, code, stderr)
		}
		var body map[string]string
		lastBody(t, f, "POST", "/v1/members/Bank2MSP/"+action, &body)
		if body["reason"] != "board decision" {
			t.Errorf("%s body %v", action, body)
		}
	}

	if code, _, stderr := f.cli(t, "", "members", "add-key", "Bank1MSP", "--kid", "k2", "--pubkey", prefix+".pub"); code != exitOK {
		t.Fatalf("add-key: exit %d\n%s", code, stderr)
	}
	var key contract.KeyRequest
	lastBody(t, f, "POST", "/v1/members/Bank1MSP/keys", &key)
	if key.KID != "k2" || !strings.HasPrefix(key.PublicKey, "-----BEGIN PUBLIC KEY-----") {
		t.Errorf("add-key body %+v", key)
	}

	if code, _, stderr := f.cli(t, "", "members", "revoke-key", "Bank1MSP", "k/1", "--reason", "rotated"); code != exitOK {
		t.Fatalf("revoke-key: exit %d\n%s", code, stderr)
	}
	var rev map[string]string
	lastBody(t, f, "DELETE", "/v1/members/Bank1MSP/keys/k/1", &rev)
	if rev["reason"] != "rotated" {
		t.Errorf("revoke body %v", rev)
	}
}

func TestDisputes(t *testing.T) {
	f := newFake(t)
	statement := filepath.Join(t.TempDir(), "statement.txt")
	os.WriteFile(statement, []byte("I paid."), 0o644)
	code, out, stderr := f.cli(t, "", "dispute", "open", "--attestation", "a1", "--reason-code", "already-paid", "--statement-file", statement)
	if code != exitOK || !strings.Contains(out, "d1") {
		t.Fatalf("open: exit %d\n%s\n%s", code, out, stderr)
	}
	var open contract.OpenDisputeRequest
	lastBody(t, f, "POST", "/v1/disputes", &open)
	sum := sha256.Sum256([]byte("I paid."))
	if open.StatementDigest != hex.EncodeToString(sum[:]) || open.AttestationID != "a1" || open.ReasonCode != "already-paid" {
		t.Errorf("open body %+v", open)
	}
	upper := strings.ToUpper(hex.EncodeToString(sum[:]))
	if code, _, _ := f.cli(t, "", "dispute", "open", "--attestation", "a1", "--reason-code", "other", "--statement-digest", upper); code != exitOK {
		t.Fatalf("open with digest: exit %d", code)
	}
	lastBody(t, f, "POST", "/v1/disputes", &open)
	if open.StatementDigest != hex.EncodeToString(sum[:]) {
		t.Errorf("digest not lower-cased: %s", open.StatementDigest)
	}

	if code, out, _ := f.cli(t, "", "dispute", "list", "--state", "overdue"); code != exitOK || !strings.Contains(out, "overdue") {
		t.Errorf("list: exit %d\n%s", code, out)
	}
	if r := f.sent("GET", "/v1/disputes"); r[len(r)-1].Query != "state=overdue" {
		t.Errorf("list query %q", r[len(r)-1].Query)
	}

	if code, _, stderr := f.cli(t, "", "dispute", "resolve", "d1", "--outcome", "upheld", "--note", "paid"); code != exitOK {
		t.Fatalf("resolve: exit %d\n%s", code, stderr)
	}
	var res map[string]string
	lastBody(t, f, "POST", "/v1/disputes/d1/resolve", &res)
	if res["outcome"] != "upheld" || res["note"] != "paid" {
		t.Errorf("resolve body %v", res)
	}
}

func TestPolicy(t *testing.T) {
	f := newFake(t)
	code, out, _ := f.cli(t, "", "policy", "show")
	if code != exitOK || !strings.Contains(out, "90") {
		t.Fatalf("show: exit %d\n%s", code, out)
	}
	code, out, stderr := f.cli(t, "", "policy", "set", "--min-days-past-due", "60", "--retention-years", "3", "--dispute-answer-days", "15",
		"--min-amount", "CNY=100000", "--min-amount", "usd=20000", "--daily-derivations", "500")
	if code != exitOK || !strings.Contains(out, "1,000.00 CNY, 200.00 USD") {
		t.Fatalf("set: exit %d\n%s\n%s", code, out, stderr)
	}
	var p contract.Policy
	lastBody(t, f, "PUT", "/v1/policy", &p)
	if p.MinDaysPastDue != 60 || p.RetentionYears != 3 || p.DisputeAnswerDays != 15 || p.MinAmount["USD"] != 20000 || len(p.MinAmount) != 2 ||
		p.DailyDerivations != 500 || p.DailyLookups != 0 {
		t.Errorf("policy body %+v", p)
	}
	if code, _, _ := f.cli(t, "", "policy", "set", "--min-days-past-due", "60", "--retention-years", "3", "--dispute-answer-days", "15",
		"--daily-lookups", "-1"); code != exitUsage {
		t.Errorf("a negative budget: exit %d", code)
	}
}

func TestAuditFollowsNext(t *testing.T) {
	f := newFake(t)
	for i := 1; i <= 5; i++ {
		f.audit = append(f.audit, map[string]any{"seq": i, "time": "2026-03-01T00:00:00Z", "client": "risk-app", "member": testMember,
			"subject": hex64("s", i), "purpose": "post-loan", "kind": "status", "hash": hex64("h", i)})
	}
	code, out, stderr := f.cli(t, "", "--output", "json", "audit", "--member", testMember, "--from", "2026-03-01T00:00:00+08:00")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	var ans struct {
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil || len(ans.Entries) != 5 || ans.Entries[4]["hash"] != hex64("h", 5) {
		t.Fatalf("entries %q: %v", out, err)
	}
	reqs := f.sent("GET", "/v1/audit/queries")
	if len(reqs) != 3 || !strings.Contains(reqs[2].Query, "after=4") || !strings.Contains(reqs[2].Query, "member="+testMember) {
		t.Errorf("requests: %+v", reqs)
	}
	code, out, _ = f.cli(t, "", "audit")
	if code != exitOK || len(tableKeys(out)) != 5 {
		t.Errorf("table: exit %d\n%s", code, out)
	}
}

func TestAttestationShow(t *testing.T) {
	f := newFake(t)
	if code, _, stderr := f.cli(t, "", "attestation", "show", "abc"); code != exitUsage || !strings.Contains(stderr, "purpose") {
		t.Fatalf("no purpose: exit %d\n%s", code, stderr)
	}
	code, out, stderr := f.cli(t, "", "attestation", "show", "--purpose", "dispute-handling", "abc")
	if code != exitOK || !strings.Contains(out, "120000") || !strings.Contains(out, "active") {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	if reqs := f.sent("GET", "/v1/attestations/abc"); len(reqs) == 0 || !strings.Contains(reqs[len(reqs)-1].Query, "purpose=dispute-handling") {
		t.Fatalf("the purpose was not sent: %+v", reqs)
	}
	code, out, _ = f.cli(t, "", "--output", "json", "attestation", "show", "--purpose", "post-loan", "abc")
	if code != exitOK || !strings.Contains(out, `"jws": "x.y.z"`) {
		t.Errorf("json: exit %d\n%s", code, out)
	}
}
