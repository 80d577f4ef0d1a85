package gateway

import (
	"bytes"
	"strings"

	"github.com/getkin/kin-openapi/openapi3filter"

	"github.com/assoc-ledger/blacklist/chaincode/publication"
)

func init() {
	// A publication file is NDJSON under its own media type.
	openapi3filter.RegisterBodyDecoder(publication.MediaType, openapi3filter.PlainBodyDecoder)
}

// oaPublications drives the publication routes through the documented
// answers: refusals first, then two publications read by the agency.
func oaPublications(e *oaEnv, b1, admin, auditor string) {
	e.t.Helper()
	const agency = "agency"
	e.oaCall("POST", "/v1/publications", agency, nil, 403)
	e.oaCall("POST", "/v1/publications", b1, nil, 403)
	e.oaCall("POST", "/v1/publications", auditor, nil, 403)
	e.oaCall("GET", "/v1/publications", b1, nil, 403)
	e.oaCall("GET", "/v1/publications/1", b1, nil, 403)
	e.oaCall("GET", "/v1/publications/1", agency, nil, 404)
	e.oaCall("GET", "/v1/subjects/"+oaSHA("x")+"?purpose=loan-approval", agency, nil, 403)
	e.oaCall("GET", "/v1/members", agency, nil, 403)
	e.oaCall("GET", "/v1/members/AssocMSP", agency, nil, 403)
	e.oaCall("GET", "/v1/trust-root", agency, nil, 403)

	e.oaCall("POST", "/v1/publications", admin, nil, 201)
	e.oaCall("POST", "/v1/publications", admin, nil, 201)
	e.oaCall("GET", "/v1/publications", agency, nil, 200)
	e.oaCall("GET", "/v1/publications?limit=1", admin, nil, 200)
	e.oaCall("GET", "/v1/publications?limit=0", agency, nil, 400)
	e.oaCall("GET", "/v1/publications?limit=x", agency, nil, 400)
	full := e.oaCall("GET", "/v1/publications/2", agency, nil, 200)
	diff := e.oaCall("GET", "/v1/publications/2?view=diff", agency, nil, 200)
	e.oaCall("GET", "/v1/publications/1?view=full", admin, nil, 200)
	e.oaCall("GET", "/v1/publications/1?view=everything", agency, nil, 422)
	e.oaCall("GET", "/v1/publications/0", agency, nil, 400)
	e.oaCall("GET", "/v1/publications/01", agency, nil, 400)
	e.oaCall("GET", "/v1/publications/-1", agency, nil, 400)
	e.oaCall("GET", "/v1/publications/99", agency, nil, 404)
	// Push endpoints: agencies only; a private address is refused by the
	// destination policy (this node allows loopback only).
	ep := map[string]string{"url": "https://agency.example/hook", "secret": "0123456789abcdef"}
	e.oaCall("GET", "/v1/publication-endpoint", agency, nil, 404)
	e.oaCall("DELETE", "/v1/publication-endpoint", agency, nil, 404)
	e.oaCall("PUT", "/v1/publication-endpoint", admin, ep, 403)
	e.oaCall("PUT", "/v1/publication-endpoint", b1, ep, 403)
	e.oaCall("PUT", "/v1/publication-endpoint", agency, map[string]string{"url": "https://agency.example/hook", "secret": "short"}, 422)
	e.oaCall("PUT", "/v1/publication-endpoint", agency, map[string]string{"url": "http://10.0.0.1/x", "secret": "0123456789abcdef"}, 422)
	e.oaCall("PUT", "/v1/publication-endpoint", agency, `{"url": 1}`, 400)
	e.oaCall("PUT", "/v1/publication-endpoint", agency, ep, 200)
	e.oaCall("GET", "/v1/publication-endpoint", agency, nil, 200)
	e.oaCall("DELETE", "/v1/publication-endpoint", agency, nil, 204)
	for _, f := range [][]byte{full, diff} {
		rd, err := publication.NewReader(bytes.NewReader(f))
		if err != nil || rd.Preamble.Header.Number != 2 || !strings.HasPrefix(rd.Preamble.Note, publication.Format+"\n") {
			e.t.Fatalf("publication 2: %v\n%s", err, oaShort(f))
		}
	}
}
