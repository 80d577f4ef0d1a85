package gateway

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
