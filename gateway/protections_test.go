package gateway

import (
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// Refusals first: no credentials, each role that may not, a suspended
// member, a foreign member removing, a bad reason code, a raw ID in caseRef.
func TestProtectionRefusals(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	victim := sha("victim")
	body := map[string]string{"subject": victim, "reasonCode": "documents-stolen", "caseRef": sha("case")}
	for _, r := range []struct{ method, path, wrong string }{
		{"POST", "/v1/protections", "auditor"},
		{"POST", "/v1/protections", "analyst"},
		{"POST", "/v1/protections/" + victim + "/renew", "auditor"},
		{"DELETE", "/v1/protections/" + victim, "analyst"},
		{"GET", "/v1/protections?purpose=loan-approval&subject=" + victim, "auditor"},
		{"GET", "/v1/protections?purpose=loan-approval&subject=" + victim, "analyst"},
	} {
		e.expect(r.method, r.path, "", nil, 401, "unauthenticated")
		e.expect(r.method, r.path, r.wrong, body, 403, "forbidden")
	}
	e.expect("POST", "/v1/protections", "bank1-app", map[string]string{"subject": victim, "reasonCode": "lost-wallet", "caseRef": sha("c")}, 422, "invalid-argument")
	e.expect("POST", "/v1/protections", "bank1-app", map[string]string{"subject": victim, "reasonCode": "impersonation", "caseRef": "11010519491231002X"}, 422, "invalid-argument")
	e.expect("POST", "/v1/protections", "bank1-app", map[string]string{"reasonCode": "impersonation", "caseRef": sha("c")}, 422, "invalid-argument")
	e.expect("POST", "/v1/protections", "bank1-app", map[string]string{"subject": victim, "idType": "cn-ric", "idNumber": "11010519491231002X", "reasonCode": "impersonation", "caseRef": sha("c")}, 422, "invalid-argument")
	e.expect("POST", "/v1/protections", "bank1-app", map[string]string{"subject": victim, "reasonCode": "impersonation", "caseRef": sha("c"), "note": "x"}, 400, "malformed-request")
	e.expect("GET", "/v1/protections?subject="+victim, "bank1-app", nil, 422, "bad-purpose")

	e.expect("POST", "/v1/protections", "bank1-app", body, 201, "")
	e.expect("DELETE", "/v1/protections/"+victim, "bank2-app", nil, 403, "forbidden")
	e.expect("POST", "/v1/protections/"+victim+"/renew", "bank2-app", nil, 403, "forbidden")
	e.expect("POST", "/v1/protections", "bank2-app", body, 409, "conflict")
	e.expect("POST", "/v1/protections/"+victim+"/renew", "bank1-app", map[string]string{"months": "6"}, 400, "malformed-request")

	// A suspended member's clients are refused before the ledger is asked.
	if st, _ := e.call("POST", "/v1/members/Bank2MSP/suspend", "assoc-admin", map[string]string{"reason": "audit"}, nil); st != 200 {
		t.Fatalf("suspend: %d", st)
	}
	e.expect("POST", "/v1/protections", "bank2-app", map[string]string{"subject": sha("other"), "reasonCode": "data-breach", "caseRef": sha("c")}, 403, "forbidden")
	e.expect("GET", "/v1/protections?purpose=loan-approval&subject="+victim, "bank2-app", nil, 403, "forbidden")
}

// From what a person types: a raw identity number registered by Bank1,
// seen by Bank2 in lookups and history, renewed, removed by the
// association.
func TestProtectionsOverHTTP(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	id := "11010519491231002X"
	var p contract.Protection
	if st, _ := e.call("POST", "/v1/protections", "bank1-app", map[string]string{"idType": "cn-ric", "idNumber": id, "reasonCode": "documents-lost", "caseRef": sha("police report 17")}, &p); st != 201 {
		t.Fatalf("register: %d %+v", st, p)
	}
	key := e.subjectKey(id)
	if p.Subject != key || p.RegisteredBy != "Bank1MSP" || p.State != contract.ProtectionActive {
		t.Fatalf("registered: %+v", p)
	}
	var st struct {
		Listed    bool                `json:"listed"`
		Protected *contract.Protected `json:"protected"`
	}
	e.call("GET", "/v1/subjects/"+key+"?purpose=loan-approval", "bank2-app", nil, &st)
	if st.Listed || st.Protected == nil || st.Protected.Until != p.Until || st.Protected.ReasonCode != "documents-lost" {
		t.Fatalf("status seen by Bank2: %+v", st)
	}
	var lk struct {
		Results []contract.Status `json:"results"`
	}
	e.call("POST", "/v1/lookups", "bank2-app", map[string]any{"purpose": "loan-approval", "ids": []map[string]string{{"idType": "cn-ric", "idNumber": id}}}, &lk)
	if len(lk.Results) != 1 || lk.Results[0].Protected == nil {
		t.Fatalf("lookup by ID: %+v", lk)
	}
	var h contract.History
	e.call("GET", "/v1/subjects/"+key+"/history?purpose=loan-approval", "bank2-app", nil, &h)
	if h.Protected == nil {
		t.Fatalf("history: %+v", h)
	}
	// A default on the protected subject: accepted, with the warning.
	var sub struct {
		Results []contract.ItemResult `json:"results"`
	}
	if code, _ := e.call("POST", "/v1/attestations/batch", "bank2-app", map[string]any{"items": []any{map[string]any{"attestation": defaultPayload(key, "fraud")}}}, &sub); code != 200 || len(sub.Results) != 1 ||
		sub.Results[0].Status != "accepted" || len(sub.Results[0].Warnings) != 1 || sub.Results[0].Warnings[0] != "subject-protected" {
		t.Fatalf("default on a protected subject: %d %+v", code, sub)
	}
	var one struct {
		Status   string   `json:"status"`
		Warnings []string `json:"warnings"`
	}
	if code, _ := e.call("POST", "/v1/attestations", "bank1-app", map[string]any{"attestation": defaultPayload(key, "fraud-2")}, &one); code != 201 ||
		len(one.Warnings) != 1 || one.Warnings[0] != "subject-protected" {
		t.Fatalf("single default on a protected subject: %d %+v", code, one)
	}
	var renewed contract.Protection
	if code, _ := e.call("POST", "/v1/protections/"+key+"/renew", "bank1-app", nil, &renewed); code != 200 || renewed.Renewals != 1 {
		t.Fatalf("renew: %d %+v", code, renewed)
	}
	var removed contract.Protection
	if code, _ := e.call("DELETE", "/v1/protections/"+key, "assoc-admin", nil, &removed); code != 200 || removed.RemovedBy != "AssocMSP" {
		t.Fatalf("remove: %d %+v", code, removed)
	}
	var l struct {
		contract.Protections
		AsOf uint64 `json:"asOf"`
	}
	if code, _ := e.call("GET", "/v1/protections?purpose=dispute-handling&subject="+key, "bank2-app", nil, &l); code != 200 || l.Protected != nil ||
		len(l.Protections.Protections) != 1 || l.Protections.Protections[0].State != contract.ProtectionEnded || l.AsOf == 0 {
		t.Fatalf("list: %d %+v", code, l)
	}
	e.expect("DELETE", "/v1/protections/"+key, "bank1-app", nil, 404, "not-found")
}
