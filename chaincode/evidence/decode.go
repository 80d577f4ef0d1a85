package evidence

import (
	"fmt"

	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

// maxDocument bounds a bundle or trust root read into memory: a Fabric
// bundle carries whole blocks, a few megabytes at most.
const maxDocument = 256 << 20

// DecodeBundle parses a bundle strictly: unknown or repeated fields,
// invalid UTF-8 and trailing data are refused, so that two readers never
// disagree on what a bundle says.
func DecodeBundle(b []byte) (*Bundle, error) {
	if len(b) > maxDocument {
		return nil, fmt.Errorf("bundle: %d bytes, more than %d", len(b), maxDocument)
	}
	var out Bundle
	if err := strictjson.Decode(b, &out); err != nil {
		return nil, fmt.Errorf("bundle: %v", err)
	}
	return &out, nil
}

// DecodeTrustRoot parses a trust root strictly.
func DecodeTrustRoot(b []byte) (*TrustRoot, error) {
	if len(b) > maxDocument {
		return nil, fmt.Errorf("trust root: %d bytes, more than %d", len(b), maxDocument)
	}
	var out TrustRoot
	if err := strictjson.Decode(b, &out); err != nil {
		return nil, fmt.Errorf("trust root: %v", err)
	}
	return &out, nil
}
