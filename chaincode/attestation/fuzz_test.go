package attestation

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func FuzzParse(f *testing.F) {
	a, _ := testKeys(f)
	for _, p := range []*Payload{validDefault(), validSettlement(), validRevocation()} {
		c, _, err := Sign(p, a, testKid)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c)
		segs := strings.Split(c, ".")
		f.Add(segs[0] + "." + segs[1] + ".")                  // stripped signature
		f.Add(segs[0] + "." + segs[1] + "." + segs[2] + "==") // padded
		f.Add(segs[1] + "." + segs[0] + "." + segs[2])        // swapped segments
	}
	payload := []byte(defaultJSON)
	for _, h := range []string{
		`{"alg":"none","kid":"k"}`,
		`{"alg":"HS256","kid":"k"}`,
		`{"alg":"ES256"}`,
		`{"alg":"ES256","kid":"k","crit":["b64"],"b64":false}`,
		`{"alg":"ES256","kid":"k","alg":"ES256"}`,
		`{"alg":"ES256","kid":"k","jwk":{"kty":"EC","crv":"P-256"}}`,
	} {
		f.Add(rawES256(f, a, h, payload))
	}
	for _, body := range []string{
		withField(`"v":1`),
		withField(`"extra":{"nested":[1,2,3]}`),
		defaultJSON + "{}",
		`{"v":1}`,
		`[]`,
	} {
		c, _, err := SignBytes([]byte(body), a, testKid)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(c)
	}
	f.Add("")
	f.Add("..")
	f.Add("a.b.c")
	f.Add(strings.Repeat(".", 100))

	f.Fuzz(func(t *testing.T, s string) {
		p, err := Parse(s)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code == "" || e.Msg == "" {
				t.Fatalf("error is not a coded *Error: %T %v", err, err)
			}
			if p != nil {
				t.Fatal("Parsed returned together with an error")
			}
			return
		}
		sum := sha256.Sum256(p.PayloadBytes)
		if p.ID != hex.EncodeToString(sum[:]) {
			t.Fatalf("ID %s is not sha256(PayloadBytes)", p.ID)
		}
		if err := p.Payload.Validate(); err != nil {
			t.Fatalf("accepted payload does not re-validate: %v", err)
		}
		if _, err := DecodePayload(p.PayloadBytes); err != nil {
			t.Fatalf("accepted payload bytes do not re-decode: %v", err)
		}
		if p.KeyID == "" || p.Compact != s || len(s) > MaxJWSBytes || len(p.PayloadBytes) > MaxPayloadBytes {
			t.Fatalf("inconsistent Parsed: %+v", p)
		}
		if err := p.Verify(&a.PublicKey); err != nil {
			var e *Error
			if !errors.As(err, &e) || e.Code != CodeBadSignature {
				t.Fatalf("Verify error is not bad-signature: %v", err)
			}
		}
	})
}

// FuzzDecodePayload reaches the payload decoder directly; through Parse the
// fuzzer has to get base64 right before it can say anything about JSON.
func FuzzDecodePayload(f *testing.F) {
	f.Add([]byte(defaultJSON))
	f.Add(mustJSON(f, validSettlement()))
	f.Add(mustJSON(f, validRevocation()))
	f.Add([]byte(withField(`"v":1`)))
	f.Add([]byte(withField(`"\u0076":1`)))
	f.Add([]byte(withField(`"x":[{"a":null}]`)))
	f.Add([]byte(defaultJSON + " 1"))
	f.Add([]byte(`{"v":1e0,"amount":-0}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		p, err := DecodePayload(b)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || (e.Code != CodeInvalidPayload && e.Code != CodeTooLarge) {
				t.Fatalf("unexpected error: %T %v", err, err)
			}
			return
		}
		if err := p.Validate(); err != nil {
			t.Fatalf("accepted payload does not re-validate: %v", err)
		}
		// What we accept must survive our own encoder: Sign depends on it.
		if _, err := DecodePayload(mustJSON(t, p)); err != nil {
			t.Fatalf("re-encoded payload refused: %v", err)
		}
	})
}
