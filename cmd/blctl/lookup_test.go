package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// tableKeys returns the first column of a table's rows, header skipped.
func tableKeys(out string) []string {
	var keys []string
	for i, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if i > 0 {
			keys = append(keys, strings.Fields(l)[0])
		}
	}
	return keys
}

func TestLookupKeepsInputOrderAcrossChunks(t *testing.T) {
	f := newFake(t)
	keys := []string{hex64("c"), hex64("a"), hex64("e"), hex64("b"), hex64("d")}
	f.listed[keys[2]] = true
	old := lookupChunk
	lookupChunk = 2
	defer func() { lookupChunk = old }()

	code, out, stderr := f.cli(t, "", append([]string{"lookup", "--purpose", "post-loan"}, keys...)...)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	got := tableKeys(out)
	if len(got) != len(keys) {
		t.Fatalf("table:\n%s", out)
	}
	for i, k := range keys {
		if got[i] != k[:12] {
			t.Errorf("row %d is %s, want %s", i, got[i], k[:12])
		}
	}
	if !strings.Contains(out, "yes") || !strings.Contains(out, "1,500.00 CNY") || !strings.Contains(out, testMember) {
		t.Errorf("listed row not shown:\n%s", out)
	}
	reqs := f.sent("POST", "/v1/lookups")
	if len(reqs) != 3 {
		t.Fatalf("%d lookup requests, want 3 chunks", len(reqs))
	}
	var first lookupRequest
	json.Unmarshal(reqs[0].Body, &first)
	if first.Purpose != "post-loan" || len(first.Subjects) != 2 || first.Subjects[0] != keys[0] {
		t.Errorf("first chunk %+v", first)
	}

	code, out, _ = f.cli(t, "", append([]string{"--output", "json", "lookup", "--purpose", "post-loan", "--fail-if-listed"}, keys...)...)
	if code != exitListed {
		t.Errorf("--fail-if-listed with a listed subject: exit %d", code)
	}
	var ans struct {
		AsOf    uint64 `json:"asOf"`
		Results []struct {
			SubjectKey string `json:"subjectKey"`
			Listed     bool   `json:"listed"`
		} `json:"results"`
	}
	if err := json.Unmarshal([]byte(out), &ans); err != nil || len(ans.Results) != len(keys) || ans.AsOf != 9 {
		t.Fatalf("json output %q: %v", out, err)
	}
	for i, k := range keys {
		if ans.Results[i].SubjectKey != k || ans.Results[i].Listed != (i == 2) {
			t.Errorf("json result %d: %+v", i, ans.Results[i])
		}
	}
}

func TestLookupSingleKeyUsesGET(t *testing.T) {
	f := newFake(t)
	key := hex64("x")
	code, out, stderr := f.cli(t, "", "lookup", key, "--purpose", "loan-approval", "--fail-if-listed")
	if code != exitOK || !strings.Contains(out, key[:12]) || strings.Contains(out, key) {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	reqs := f.sent("GET", "/v1/subjects/"+key)
	if len(reqs) != 1 || reqs[0].Query != "purpose=loan-approval" || f.sent("POST", "/v1/lookups") != nil {
		t.Fatalf("requests: %+v", f.requests)
	}
	code, out, _ = f.cli(t, "", "--output", "json", "lookup", "--purpose", "loan-approval", key)
	var s map[string]any
	if code != exitOK || json.Unmarshal([]byte(out), &s) != nil || s["subjectKey"] != key || s["asOf"] != 7.0 {
		t.Errorf("json: exit %d %s", code, out)
	}
}

func TestLookupFile(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	ids := filepath.Join(dir, "ids.ndjson")
	os.WriteFile(ids, []byte(`{"idType":"cn-ric","idNumber":"11010519491231002X"}`+"\n\n"+`{"idType":"passport","idNumber":"CHN E12345678"}`+"\n"), 0o644)
	code, out, stderr := f.cli(t, "", "lookup", "--purpose", "guarantor-check", "--file", ids)
	if code != exitOK || len(tableKeys(out)) != 2 {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	var req lookupRequest
	json.Unmarshal(f.sent("POST", "/v1/lookups")[0].Body, &req)
	if len(req.IDs) != 2 || req.Subjects != nil || req.IDs[1].IDNumber != "CHN E12345678" {
		t.Errorf("request %+v", req)
	}

	// One key in a file still goes through POST /v1/lookups.
	code, _, _ = f.cli(t, hex64("k")+"\n", "lookup", "--purpose", "post-loan", "--file", "-")
	if code != exitOK || len(f.sent("POST", "/v1/lookups")) != 2 {
		t.Errorf("key file on stdin: exit %d", code)
	}

	bad := filepath.Join(dir, "bad")
	os.WriteFile(bad, []byte(hex64("k")+"\n"+"not-an-id\n"), 0o644)
	if code, _, stderr := f.cli(t, "", "lookup", "--purpose", "post-loan", "--file", bad); code != exitUsage ||
		!strings.Contains(stderr, "line 2: neither a subject key nor a resident identity number") {
		t.Errorf("bad line: exit %d\n%s", code, stderr)
	}
}

// TestLookupWhatPeopleHaveInHand: identity numbers as arguments, in plain
// files and by --id-type/--id-number go to the node as ids (never as keys),
// mixed with keys in one file; the table shows each input's label next to
// its answer, in input order.
func TestLookupWhatPeopleHaveInHand(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	key := hex64("k")
	file := filepath.Join(dir, "book.txt")
	os.WriteFile(file, []byte("11010519491231002X,cust-1\n"+key+"\n110101900307447\tcust-3\n"+`{"idType":"passport","idNumber":"CHN E12345678","label":"cust-4"}`+"\n"), 0o644)
	code, out, stderr := f.cli(t, "", "lookup", "--purpose", "guarantor-check", "--file", file)
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	rows := tableKeys(out)
	if want := []string{"cust-1", key[:12], "cust-3", "cust-4"}; strings.Join(rows, " ") != strings.Join(want, " ") {
		t.Fatalf("INPUT column %v, want %v\n%s", rows, want, out)
	}
	reqs := f.sent("POST", "/v1/lookups")
	if len(reqs) != 2 {
		t.Fatalf("%d requests, want one for keys and one for ids", len(reqs))
	}
	var byKey, byID lookupRequest
	json.Unmarshal(reqs[0].Body, &byKey)
	json.Unmarshal(reqs[1].Body, &byID)
	if len(byKey.Subjects) != 1 || byKey.Subjects[0] != key || len(byID.IDs) != 3 || byID.IDs[0] != (idNumber{"cn-ric", "11010519491231002X"}) ||
		byID.IDs[1] != (idNumber{"cn-ric", "110101900307447"}) || byID.IDs[2].IDType != "passport" {
		t.Fatalf("requests %+v %+v", byKey, byID)
	}
	// The subject column of an id row is the key the node derived.
	if !strings.Contains(out, f.derive(t, "cn-ric", "11010519491231002X")[:12]) {
		t.Errorf("derived key not shown:\n%s", out)
	}

	// One number as an argument: sent as an id, shown masked.
	code, out, _ = f.cli(t, "", "lookup", "--purpose", "loan-approval", "11010519491231002X")
	if code != exitOK || !strings.Contains(out, "110105********002X") || strings.Contains(out, "11010519491231002X") {
		t.Fatalf("number argument: exit %d\n%s", code, out)
	}
	var one lookupRequest
	reqs = f.sent("POST", "/v1/lookups")
	json.Unmarshal(reqs[len(reqs)-1].Body, &one)
	if len(one.IDs) != 1 || one.Subjects != nil {
		t.Fatalf("number argument sent as %+v", one)
	}
	code, out, _ = f.cli(t, "", "lookup", "--purpose", "loan-approval", "--id-type", "passport", "--id-number", "CHN E12345678")
	if code != exitOK || !strings.Contains(out, "CHN E1***5678") {
		t.Fatalf("--id-number: exit %d\n%s", code, out)
	}
	if code, _, stderr := f.cli(t, "", "lookup", "--purpose", "loan-approval", "--id-number", "CHN E12345678"); code != exitUsage ||
		!strings.Contains(stderr, "--id-number needs --id-type (cn-ric or passport)") {
		t.Fatalf("--id-number alone: exit %d\n%s", code, stderr)
	}
}
