package evidence_test

import (
	"encoding/json"
	"math/rand/v2"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/evidence/evidencetest"
)

// TestVerifyNeverPanics: bundles with bytes changed anywhere in their JSON
// are refused or decoded, and a decoded one is verified without a panic.
// A bundle changed inside a signed or hashed field must not verify.
func TestVerifyNeverPanics(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true})
	raw, err := json.Marshal(f.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	verified := 0
	for i := 0; i < 300; i++ {
		b := append([]byte{}, raw...)
		for n := 1 + rng.IntN(3); n > 0; n-- {
			b[rng.IntN(len(b))] = byte(rng.IntN(256))
		}
		func() {
			defer func() {
				if r := recover(); r != nil {
					t.Fatalf("mutation %d: panic %v", i, r)
				}
			}()
			bundle, err := evidence.DecodeBundle(b)
			if err != nil {
				return
			}
			if _, err := evidence.Verify(bundle, f.TrustRoot); err == nil {
				verified++
			}
		}()
	}
	// Changes that keep a bundle valid exist (informational fields,
	// base64 padding-free equivalents are refused by the decoder), but
	// they must be rare.
	if verified > 30 {
		t.Errorf("%d of 300 mutated bundles verified", verified)
	}
}
