package gateway

import "fmt"

// oaProtections exercises the protection routes against docs/openapi.yaml
// (called from TestOpenAPIResponses).
func oaProtections(e *oaEnv, b1, b2, admin, auditor string) {
	victim := oaSHA("oa-victim")
	reg := map[string]string{"subject": victim, "reasonCode": "documents-stolen", "caseRef": oaSHA("oa-case")}
	e.oaCall("POST", "/v1/protections", auditor, reg, 403)
	e.oaCall("POST", "/v1/protections", b1, map[string]string{"subject": victim, "reasonCode": "lost", "caseRef": oaSHA("c")}, 422)
	e.oaCall("POST", "/v1/protections", b1, `{"subject": 1}`, 400)
	e.oaCall("POST", "/v1/protections", b1, reg, 201)
	e.oaCall("POST", "/v1/protections", b2, reg, 409)
	e.oaCall("POST", "/v1/protections", b1, map[string]string{"idType": "cn-ric", "idNumber": "11010519491231002X", "reasonCode": "impersonation", "caseRef": oaSHA("c2")}, 201)
	e.oaCall("GET", "/v1/protections?purpose=loan-approval&subject="+victim, b2, nil, 200)
	e.oaCall("GET", "/v1/protections?subject="+victim, b2, nil, 422)
	e.oaCall("GET", "/v1/protections?purpose=loan-approval&subject="+victim, auditor, nil, 403)
	e.oaCall("POST", "/v1/attestations", b2, map[string]any{"attestation": oaDefault(victim, "oa-victim-loan")}, 201)
	e.oaCall("GET", "/v1/subjects/"+victim+"?purpose=loan-approval", b2, nil, 200)
	e.oaCall("GET", "/v1/subjects/"+victim+"/history?purpose=loan-approval", b2, nil, 200)
	e.oaCall("POST", "/v1/protections/"+victim+"/renew", b2, nil, 403)
	e.oaCall("POST", "/v1/protections/"+victim+"/renew", b1, `{"x": 1}`, 400)
	e.oaCall("POST", "/v1/protections/"+victim+"/renew", b1, nil, 200)
	e.oaCall("POST", "/v1/protections/NOT-HEX/renew", b1, nil, 422)
	e.oaCall("DELETE", "/v1/protections/"+victim, b2, nil, 403)
	e.oaCall("DELETE", "/v1/protections/"+victim, admin, nil, 200)
	e.oaCall("DELETE", "/v1/protections/"+victim, b1, nil, 404)
	e.oaCall("POST", "/v1/protections/"+victim+"/renew", b1, nil, 404)
	e.oaCall("GET", "/v1/protections?purpose=dispute-handling&subject="+victim, b2, nil, 200)
}

// oaPoolStatistics exercises POST /v1/pool-statistics against the
// document (called from TestOpenAPIResponses).
func oaPoolStatistics(e *oaEnv, b1 string) {
	const path = "/v1/pool-statistics?purpose=abs-due-diligence"
	var body []byte
	for i := 0; i < 40; i++ {
		body = append(body, []byte("{\"subjectKey\":\""+oaSHA(fmt.Sprint("oa-pool ", i))+"\"}\n")...)
	}
	keysOnly := len(body)
	body = append(body, []byte("{\"idType\":\"cn-ric\",\"idNumber\":\"11010519491231002X\"}\n")...)
	e.oaSend("main", "POST", path, "analyst", "application/x-ndjson", body, 200)
	e.oaSend("main", "POST", path, "analyst", "application/x-ndjson", body[:keysOnly], 409)
	e.oaSend("main", "POST", path, b1, "application/x-ndjson", body, 403)
	e.oaSend("main", "POST", path, "analyst", "text/csv", body, 415)
	e.oaSend("main", "POST", path, "analyst", "application/x-ndjson", []byte("{\"subjectKey\":1}\n"), 422)
	e.oaSend("main", "POST", "/v1/pool-statistics", "analyst", "application/x-ndjson", body, 422)
}
