package gateway

import (
	"strings"
	"testing"
)

// Input rules of docs/decisions/0010-input-rules.md, as a client meets them.

// A node-signed attestation whose reporter is another member is a question
// of who may, not of state: 403, alone or in a batch.
func TestForeignReporterIsForbidden(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	p := defaultPayload(sha("subject"), "F")
	p["reporter"] = "Bank2MSP"
	e.expect("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": p}, 403, "forbidden")
	var batch batchResponse
	if st, _ := e.call("POST", "/v1/attestations/batch", "bank1-app", map[string]any{"items": []any{map[string]any{"attestation": p}}}, &batch); st != 200 ||
		len(batch.Results) != 1 || batch.Results[0].Code != "forbidden" {
		t.Fatalf("batch: %d %+v", st, batch)
	}
}

// A repeated key is refused wherever it is, and the problem names it: with
// "last wins" the node would sign something other than what a reviewer of
// the request body read.
func TestDuplicateKeysRefused(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	subj := sha("subject")
	for _, c := range []struct{ path, body, key string }{
		{"/v1/subject-keys", `{"idType":"cn-ric","idNumber":"11010519491231002X","idType":"passport"}`, "idType"},
		{"/v1/attestations", `{"attestation":{"type":"default","subject":"` + subj + `","loanRef":"` + sha("L") +
			`","product":"consumer","amount":100,"amount":100000000,"currency":"CNY","overdueSince":"2025-01-01","daysPastDue":120,"noticeDate":"2025-02-01"}}`, "amount"},
		{"/v1/attestations/batch", `{"items":[{"jws":"a"}],"items":[]}`, "items"},
		{"/v1/lookups", `{"purpose":"loan-approval","subjects":["` + subj + `"],"purpose":"post-loan"}`, "purpose"},
	} {
		client := "bank1-app"
		p := e.expect("POST", c.path, client, c.body, 400, "malformed-request")
		if !strings.Contains(p.Detail, `duplicate key "`+c.key+`"`) {
			t.Errorf("%s: detail %q does not name the key %q", c.path, p.Detail, c.key)
		}
	}
}

// A submit in which nothing is accepted commits nothing: the height does
// not grow on garbage or on repeats.
func TestNothingAcceptedCommitsNothing(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	height := func() float64 {
		var r map[string]any
		e.call("GET", "/readyz", "", nil, &r)
		return r["height"].(float64)
	}
	var first submitResponse
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(sha("s"), "G")}, &first); st != 201 {
		t.Fatalf("first: %d", st)
	}
	h := height()
	var batch batchResponse
	items := []map[string]any{{"jws": "garbage"}, {"jws": strings.Repeat("x", 10) + "." + "y" + "." + "z"}}
	if st, _ := e.call("POST", "/v1/attestations/batch", "bank1-app", map[string]any{"items": items}, &batch); st != 200 || batch.Rejected != 2 {
		t.Fatalf("garbage batch: %d %+v", st, batch)
	}
	if got := height(); got != h {
		t.Fatalf("height %v after a garbage batch, was %v", got, h)
	}
	var again submitResponse
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(sha("s"), "G")}, &again); st != 200 || again.Status != "duplicate" {
		t.Fatalf("repeat: %d %+v", st, again)
	}
	if got := height(); got != h {
		t.Fatalf("height %v after a duplicate, was %v", got, h)
	}
}

// Free text with bidi or other invisible controls is refused at every
// entry: a watchlist label, a node-signed revocation reason, a member's
// suspension reason.
func TestFreeTextControlsRefused(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	e.expect("PUT", "/v1/watchlist/"+sha("w"), "bank1-app", map[string]string{"label": "cust-1\u202eexe.pdf"}, 422, "invalid-argument")
	e.expect("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "late \u2066fees"}, 422, "invalid-argument")
	var first submitResponse
	if st, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(sha("s"), "T")}, &first); st != 201 {
		t.Fatalf("default: %d", st)
	}
	rev := map[string]any{"type": "revocation", "refersTo": first.ID, "reason": "filed in error\u200f"}
	e.expect("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": rev}, 422, "rejected")
}

// The date rules hold for node-signed attestations too: an offset no real
// zone has, and a date before 1990, are refused before anything is signed.
func TestNodeSignedDateRules(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	p := defaultPayload(sha("subject"), "D")
	p["issuedAt"] = "2026-03-02T00:59:00+23:59"
	if pr := e.expect("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": p}, 422, "rejected"); !strings.Contains(pr.Detail, "offset +23:59") {
		t.Errorf("offset: %s", pr.Detail)
	}
	p = defaultPayload(sha("subject"), "D")
	p["overdueSince"] = "1900-01-01"
	if pr := e.expect("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": p}, 422, "rejected"); !strings.Contains(pr.Detail, "before 1990-01-01") {
		t.Errorf("1900: %s", pr.Detail)
	}
}

// TestBodyErrorsInPlainWords: the two refusals the issue met, as an
// integration engineer reads them: the field, what was expected, what was
// given, and no Go type.
func TestBodyErrorsInPlainWords(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	subj := sha("subject")
	for _, c := range []struct{ path, body, want string }{
		{"/v1/attestations", `{"attestation":{"type":"default","subject":"` + subj + `","amount":12500.00}}`,
			`body: field "attestation.amount": expected a whole number, got 12500.00 (amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000)`},
		{"/v1/attestations", `{"type":"default","subject":"` + subj + `"}`,
			`body: unknown field "type"; expected one of: attestation, jws; a payload goes inside {"attestation": {...}}, a signed one in {"jws": "..."}`},
		{"/v1/attestations/batch", `{"items":[{"attestation":{"type":"default","amout":1}}]}`,
			`body: unknown field "amout" in items[0].attestation (did you mean "amount"?)`},
		{"/v1/lookups", `{"purpse":"loan-approval"}`, `body: unknown field "purpse" (did you mean "purpose"?); expected one of: ids, purpose, subjects`},
	} {
		p := e.expect("POST", c.path, "bank1-app", c.body, 400, "malformed-request")
		if !strings.Contains(p.Detail, c.want) {
			t.Errorf("%s %s:\n got %s\nwant %s", c.path, c.body, p.Detail, c.want)
		}
		for _, leak := range []string{"Go struct", "int64", "json:"} {
			if strings.Contains(p.Detail, leak) {
				t.Errorf("%s: detail shows %q: %s", c.path, leak, p.Detail)
			}
		}
	}
}

// TestFirstGenerationResidentIDs: a 15-digit number from an older loan file
// and its 18-character successor are one subject; a bad one is refused
// without its digits in the answer.
func TestFirstGenerationResidentIDs(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	if k15, k18 := e.subjectKey("110105491231002"), e.subjectKey("11010519491231002X"); k15 != k18 {
		t.Fatalf("15-digit form %s, 18-character form %s", k15, k18)
	}
	p := e.expect("POST", "/v1/subject-keys", "bank1-app", map[string]string{"idType": "cn-ric", "idNumber": "110105491331002"}, 422, "invalid-argument")
	if !strings.Contains(p.Detail, "first-generation") || strings.Contains(p.Detail, "491331") || strings.Contains(p.Detail, "110105") {
		t.Fatalf("detail %q", p.Detail)
	}
}
