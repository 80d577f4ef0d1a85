package gateway

import (
	"context"
	"fmt"
	"strings"
)

// oaEvidence drives the transparency log's routes (and later the trust
// root and evidence) through the documented answers.
func oaEvidence(e *oaEnv, b1, b2, admin, auditor, d1, s1, d2 string) {
	e.t.Helper()
	ctx := context.Background()
	tl := e.n.TransparencyLog()
	if _, err := tl.CatchUp(); err != nil {
		e.t.Fatal(err)
	}
	e.oaCall("GET", "/v1/log/checkpoint", b1, nil, 404) // nobody cosigned yet
	e.oaCall("GET", "/v1/evidence/"+d1+"?purpose=litigation", b1, nil, 409)
	if err := e.n.CosignCheckpoints(ctx); err != nil {
		e.t.Fatal(err)
	}
	note := string(e.oaCall("GET", "/v1/log/checkpoint", auditor, nil, 200))
	if !strings.HasPrefix(note, e.n.LogOrigin()+"\n") || strings.Count(note, "\n— ") != 3 {
		e.t.Fatalf("checkpoint note:\n%s", note)
	}
	size, _ := tl.Head()
	e.oaCall("GET", fmt.Sprintf("/v1/log/proof?index=0&size=%d", size), b2, nil, 200)
	e.oaCall("GET", "/v1/log/proof?index=1", admin, nil, 200)
	e.oaCall("GET", "/v1/log/proof?index=x", b1, nil, 400)
	e.oaCall("GET", "/v1/log/proof?index=-1", b1, nil, 400)
	e.oaCall("GET", "/v1/log/proof", b1, nil, 400)
	e.oaCall("GET", "/v1/log/proof?index=3&size=3", b1, nil, 400)
	e.oaCall("GET", "/v1/log/proof?index=3&size=0", b1, nil, 400)
	e.oaCall("GET", fmt.Sprintf("/v1/log/proof?index=0&size=%d", size+1000), b1, nil, 404)
	e.oaCall("GET", fmt.Sprintf("/v1/log/consistency?from=1&to=%d", size), b1, nil, 200)
	e.oaCall("GET", "/v1/log/consistency?from=0&to=3", b1, nil, 400)
	e.oaCall("GET", "/v1/log/consistency?from=4&to=3", b1, nil, 400)
	e.oaCall("GET", "/v1/log/consistency?from=1", b1, nil, 400)
	e.oaCall("GET", fmt.Sprintf("/v1/log/consistency?from=1&to=%d", size+1000), b1, nil, 404)
	oaEvidenceBundle(e, b1, b2, admin, auditor, d1, s1)
	// An expelled member's client reads nothing of the log.
	expelled, err := e.n.CreateClient("bank3-app", "Bank3MSP", []string{"querier", "reporter"})
	if err != nil {
		e.t.Fatal(err)
	}
	e.keys["bank3-app"] = expelled
	for _, path := range []string{"/v1/log/checkpoint", "/v1/log/proof?index=0", "/v1/trust-root", "/v1/evidence/" + d1 + "?purpose=litigation"} {
		e.oaCall("GET", path, "bank3-app", nil, 403)
	}
	e.oaCall("GET", "/v1/evidence/"+d2+"?purpose=litigation", admin, nil, 200) // disputed and upheld
}

// oaEvidenceBundle asks for the evidence of default id.
func oaEvidenceBundle(e *oaEnv, b1, b2, admin, auditor, id, settlement string) {
	e.t.Helper()
	e.oaCall("GET", "/v1/trust-root", b2, nil, 200)
	e.oaCall("GET", "/v1/evidence/"+id+"?purpose=litigation", b1, nil, 200)
	e.oaCall("GET", "/v1/evidence/"+id+"?purpose=litigation", auditor, nil, 200)
	e.oaCall("GET", "/v1/evidence/"+id+"?purpose=litigation", b2, nil, 403)
	e.oaCall("GET", "/v1/evidence/"+id+"?purpose=loan-approval", b1, nil, 422)
	e.oaCall("GET", "/v1/evidence/"+id, b1, nil, 422)
	e.oaCall("GET", "/v1/evidence/"+oaSHA("none")+"?purpose=litigation", b1, nil, 404)
	e.oaCall("GET", "/v1/evidence/NOT-HEX?purpose=litigation", b1, nil, 422)
	e.oaCall("POST", "/v1/evidence/defaults", b1, map[string]any{"activeOnly": true}, 200)
	e.oaCall("POST", "/v1/evidence/defaults", b1, map[string]any{"loanRefs": []string{oaSHA("L-1"), oaSHA("nothing")}}, 200)
	e.oaCall("POST", "/v1/evidence/defaults", b1, map[string]any{"loanRefs": []string{"L-1"}}, 422)
	e.oaCall("POST", "/v1/evidence/defaults", b1, `{"loanRefs": 1}`, 400)
	if settlement != "" {
		e.oaCall("GET", "/v1/evidence/"+settlement+"?purpose=litigation", b1, nil, 422)
	}
}
