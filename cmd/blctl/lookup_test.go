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
	if !strings.Contains(out, "yes") || !strings.Contains(out, "CNY 150000") || !strings.Contains(out, testMember) {
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

	mixed := filepath.Join(dir, "mixed")
	os.WriteFile(mixed, []byte(hex64("k")+"\n"+`{"idType":"cn-ric","idNumber":"1"}`+"\n"), 0o644)
	if code, _, _ := f.cli(t, "", "lookup", "--purpose", "post-loan", "--file", mixed); code != exitUsage {
		t.Errorf("mixed file: exit %d", code)
	}
}
