package attestation

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"reflect"
	"strings"
	"testing"

	jose "github.com/go-jose/go-jose/v4"
)

func TestSignParseVerifyRoundTrip(t *testing.T) {
	a, _ := testKeys(t)
	for _, p := range []*Payload{validDefault(), validSettlement(), validRevocation()} {
		t.Run(p.Type, func(t *testing.T) {
			compact, id, err := Sign(p, a, testKid)
			if err != nil {
				t.Fatal(err)
			}
			if len(compact) > MaxJWSBytes {
				t.Fatalf("signed JWS is %d bytes", len(compact))
			}
			parsed, err := Parse(compact)
			if err != nil {
				t.Fatal(err)
			}
			if err := parsed.Verify(&a.PublicKey); err != nil {
				t.Fatal(err)
			}
			if parsed.ID != id {
				t.Errorf("Parse ID %s != Sign id %s", parsed.ID, id)
			}
			sum := sha256.Sum256(parsed.PayloadBytes)
			if parsed.ID != hex.EncodeToString(sum[:]) {
				t.Errorf("ID is not sha256 of PayloadBytes")
			}
			if parsed.KeyID != testKid {
				t.Errorf("KeyID = %q", parsed.KeyID)
			}
			if parsed.Compact != compact {
				t.Errorf("Compact not preserved")
			}
			if !reflect.DeepEqual(parsed.Payload, p) {
				t.Errorf("payload changed in transit:\n got %+v\nwant %+v", parsed.Payload, p)
			}
		})
	}
}

func TestSignedHeaderIsMinimal(t *testing.T) {
	a, _ := testKeys(t)
	compact, _, err := Sign(validDefault(), a, testKid)
	if err != nil {
		t.Fatal(err)
	}
	header, err := b64.DecodeString(strings.SplitN(compact, ".", 2)[0])
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(header), es256Header(testKid); got != want {
		t.Fatalf("header = %s, want %s", got, want)
	}
}

func TestIDStableAcrossSignatures(t *testing.T) {
	a, _ := testKeys(t)
	c1, id1, err := Sign(validDefault(), a, testKid)
	if err != nil {
		t.Fatal(err)
	}
	c2, id2, err := Sign(validDefault(), a, testKid)
	if err != nil {
		t.Fatal(err)
	}
	if c1 == c2 {
		t.Fatal("two ECDSA signatures were identical; signing is not randomized?")
	}
	if id1 != id2 {
		t.Fatalf("ids differ: %s vs %s", id1, id2)
	}
	// A bank tool that encodes the same statement itself gets the id of its
	// own bytes, through SignBytes and through Parse.
	b := mustJSON(t, validDefault())
	c3, id3, err := SignBytes(b, a, "another-kid")
	if err != nil {
		t.Fatal(err)
	}
	p3, err := Parse(c3)
	if err != nil {
		t.Fatal(err)
	}
	if id3 != id1 || p3.ID != id1 {
		t.Fatalf("id depends on signature or kid: %s %s %s", id1, id3, p3.ID)
	}
}

func TestTampering(t *testing.T) {
	a, _ := testKeys(t)
	compact, _, err := Sign(validDefault(), a, testKid)
	if err != nil {
		t.Fatal(err)
	}
	segs := strings.Split(compact, ".")

	otherPayload := validDefault()
	otherPayload.Amount = i64(1)
	swappedPayload := segs[0] + "." + b64u(mustJSON(t, otherPayload)) + "." + segs[2]

	sig, _ := b64.DecodeString(segs[2])
	sig[10] ^= 0x01
	flippedSig := segs[0] + "." + segs[1] + "." + b64u(sig)

	swappedKid := b64u([]byte(es256Header("bank-b/2026-01"))) + "." + segs[1] + "." + segs[2]

	for name, tok := range map[string]string{
		"payload":   swappedPayload,
		"signature": flippedSig,
		"kid":       swappedKid,
	} {
		t.Run(name, func(t *testing.T) {
			p, err := Parse(tok)
			if err != nil {
				t.Fatalf("tampered token should still parse (it is well formed): %v", err)
			}
			wantErr(t, p.Verify(&a.PublicKey), CodeBadSignature, "signature does not verify")
		})
	}

	t.Run("truncated signature", func(t *testing.T) {
		_, err := Parse(segs[0] + "." + segs[1] + "." + b64u(sig[:63]))
		wantErr(t, err, CodeMalformed, "signature is 63 bytes, ES256 signatures are 64")
	})
	t.Run("signature from another token", func(t *testing.T) {
		c2, _, err := Sign(validRevocation(), a, testKid)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Parse(segs[0] + "." + segs[1] + "." + strings.Split(c2, ".")[2])
		if err != nil {
			t.Fatal(err)
		}
		wantErr(t, p.Verify(&a.PublicKey), CodeBadSignature, "")
	})
}

func TestVerifyKeys(t *testing.T) {
	a, b := testKeys(t)
	compact, _, err := Sign(validDefault(), a, testKid)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(compact)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.Verify(&b.PublicKey), CodeBadSignature, `signature does not verify with the key given for kid "bank-a/2026-01"`)
	wantErr(t, p.Verify(nil), CodeBadAlgorithm, "got none")

	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.Verify(&p384.PublicKey), CodeBadAlgorithm, "key must be on curve P-256, got P-384")
	wantErr(t, p.Verify(&ecdsa.PublicKey{Curve: elliptic.P256()}), CodeBadAlgorithm, "key has no public point")
	offCurve := &ecdsa.PublicKey{Curve: elliptic.P256(), X: a.PublicKey.X, Y: a.PublicKey.X}
	wantErr(t, p.Verify(offCurve), CodeBadAlgorithm, "not a valid P-256 public key")

	wantErr(t, p.Verify(&a.PublicKey), "", "")
}

func TestVerifyMisuse(t *testing.T) {
	a, _ := testKeys(t)
	var nilParsed *Parsed
	wantErr(t, nilParsed.Verify(&a.PublicKey), CodeMalformed, "not produced by Parse")
	wantErr(t, (&Parsed{}).Verify(&a.PublicKey), CodeMalformed, "not produced by Parse")

	compact, _, err := Sign(validDefault(), a, testKid)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(compact)
	if err != nil {
		t.Fatal(err)
	}
	p.PayloadBytes = mustJSON(t, validRevocation())
	wantErr(t, p.Verify(&a.PublicKey), CodeBadSignature, "modified after Parse")

	p, _ = Parse(compact)
	p.ID = strings.Repeat("0", 64)
	wantErr(t, p.Verify(&a.PublicKey), CodeBadSignature, "modified after Parse")
}

// TestAlgorithms hand-builds tokens for every algorithm other than ES256.
// Each must be refused as bad-algorithm by Parse, before any key is involved.
func TestAlgorithms(t *testing.T) {
	a, _ := testKeys(t)
	payload := mustJSON(t, validDefault())
	p := b64u(payload)
	hdr := func(alg string) string { return b64u([]byte(`{"alg":` + alg + `,"kid":"` + testKid + `"}`)) }

	// The classic confusion attack: HMAC keyed with the victim's public key.
	pubPEM, err := MarshalPublicKeyPEM(&a.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	hs := hdr(`"HS256"`)
	mac := hmac.New(sha256.New, []byte(pubPEM))
	mac.Write([]byte(hs + "." + p))
	hs256 := hs + "." + p + "." + b64u(mac.Sum(nil))

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rs := hdr(`"RS256"`)
	digest := sha256.Sum256([]byte(rs + "." + p))
	rsSig, err := rsa.SignPKCS1v15(rand.Reader, rsaKey, crypto.SHA256, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	rs256 := rs + "." + p + "." + b64u(rsSig)

	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	es384 := rawES256(t, p384, `{"alg":"ES384","kid":"`+testKid+`"}`, payload)

	es512 := hdr(`"ES512"`) + "." + p + "." + b64u(make([]byte, 132))
	fake := b64u(make([]byte, 64))

	cases := []struct {
		name, tok, msg string
	}{
		{"none empty signature", hdr(`"none"`) + "." + p + ".", `alg "none" is not accepted, only ES256`},
		{"none with signature", hdr(`"none"`) + "." + p + "." + fake, `alg "none" is not accepted`},
		{"None capitalised", hdr(`"None"`) + "." + p + ".", `alg "None" is not accepted`},
		{"HS256", hs256, `alg "HS256" is not accepted`},
		{"RS256", rs256, `alg "RS256" is not accepted`},
		{"ES384", es384, `alg "ES384" is not accepted`},
		{"ES512", es512, `alg "ES512" is not accepted`},
		{"PS256", hdr(`"PS256"`) + "." + p + "." + fake, `alg "PS256" is not accepted`},
		{"EdDSA", hdr(`"EdDSA"`) + "." + p + "." + fake, `alg "EdDSA" is not accepted`},
		{"lowercase es256", hdr(`"es256"`) + "." + p + "." + fake, `alg "es256" is not accepted`},
		{"empty alg", hdr(`""`) + "." + p + "." + fake, `alg "" is not accepted`},
		{"alg number", hdr(`256`) + "." + p + "." + fake, "alg must be a string, got a number"},
		{"alg null", hdr(`null`) + "." + p + "." + fake, "alg must be a string, got null"},
		{"alg missing", b64u([]byte(`{"kid":"`+testKid+`"}`)) + "." + p + "." + fake, "protected header has no alg"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			parsed, err := Parse(tc.tok)
			wantErr(t, err, CodeBadAlgorithm, tc.msg)
			if parsed != nil {
				t.Fatal("Parsed returned with error")
			}
		})
	}

	// go-jose is the second line of defence; pin down the error type that
	// Parse maps to bad-algorithm in case the header pre-check is bypassed.
	_, err = jose.ParseSignedCompact(hs256, es256Only)
	var unexpected *jose.ErrUnexpectedSignatureAlgorithm
	if !errors.As(err, &unexpected) || unexpected.Got != jose.HS256 {
		t.Fatalf("go-jose returned %T %v for HS256, want *ErrUnexpectedSignatureAlgorithm", err, err)
	}
}

func TestHeaderRules(t *testing.T) {
	a, _ := testKeys(t)
	payload := mustJSON(t, validDefault())
	cases := []struct {
		name, header, code, msg string
	}{
		{"minimal", `{"alg":"ES256","kid":"k"}`, "", ""},
		{"typ and cty allowed", `{"typ":"JOSE","alg":"ES256","cty":"json","kid":"k"}`, "", ""},
		{"kid 128", `{"alg":"ES256","kid":"` + strings.Repeat("k", 128) + `"}`, "", ""},
		{"kid missing", `{"alg":"ES256"}`, CodeMalformed, "protected header has no kid"},
		{"kid empty", `{"alg":"ES256","kid":""}`, CodeMalformed, "kid is empty"},
		{"kid 129", `{"alg":"ES256","kid":"` + strings.Repeat("k", 129) + `"}`, CodeMalformed, "kid is 129 characters, limit is 128"},
		{"kid number", `{"alg":"ES256","kid":7}`, CodeMalformed, "kid must be a string, got a number"},
		{"kid null", `{"alg":"ES256","kid":null}`, CodeMalformed, "kid must be a string, got null"},
		{"typ number", `{"alg":"ES256","kid":"k","typ":1}`, CodeMalformed, "typ must be a string"},
		{"crit", `{"alg":"ES256","kid":"k","crit":["exp"],"exp":1}`, CodeMalformed, "header crit is not supported"},
		{"crit empty", `{"alg":"ES256","kid":"k","crit":[]}`, CodeMalformed, "header crit is not supported"},
		{"b64", `{"alg":"ES256","kid":"k","b64":false}`, CodeMalformed, "header b64 is not supported"},
		{"embedded jwk", `{"alg":"ES256","kid":"k","jwk":{"kty":"EC"}}`, CodeMalformed, `header "jwk" is not allowed`},
		{"x5c", `{"alg":"ES256","kid":"k","x5c":["MII"]}`, CodeMalformed, `header "x5c" is not allowed`},
		{"unknown", `{"alg":"ES256","kid":"k","foo":"bar"}`, CodeMalformed, `header "foo" is not allowed`},
		{"duplicate alg", `{"alg":"ES256","kid":"k","alg":"none"}`, CodeMalformed, `duplicate header "alg"`},
		{"duplicate kid", `{"alg":"ES256","kid":"a","kid":"b"}`, CodeMalformed, `duplicate header "kid"`},
		{"not an object", `["ES256"]`, CodeMalformed, "protected header must be a JSON object"},
		{"not JSON", `alg=ES256`, CodeMalformed, "protected header is not valid JSON"},
		{"trailing data", `{"alg":"ES256","kid":"k"}x`, CodeMalformed, "trailing data after the protected header"},
		{"invalid utf-8", "{\"alg\":\"ES256\",\"kid\":\"k\xff\"}", CodeMalformed, "protected header is not valid UTF-8"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(rawES256(t, a, tc.header, payload))
			wantErr(t, err, tc.code, tc.msg)
			if tc.code == "" {
				// Hand-built tokens verify, so the refusals above are about
				// the header and not about a broken test signature.
				wantErr(t, p.Verify(&a.PublicKey), "", "")
			}
		})
	}
}

func TestMalformedStructure(t *testing.T) {
	a, _ := testKeys(t)
	good, _, err := Sign(validDefault(), a, testKid)
	if err != nil {
		t.Fatal(err)
	}
	segs := strings.Split(good, ".")
	// A 64-byte signature encodes to 86 characters; the last one carries 2
	// data bits and 4 padding bits. Setting a padding bit gives a different
	// string that a lenient decoder maps to the same bytes.
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
	last := strings.IndexByte(alphabet, segs[2][len(segs[2])-1])
	nonCanonical := segs[0] + "." + segs[1] + "." + segs[2][:len(segs[2])-1] + string(alphabet[last&0x30|0x01])

	cases := []struct {
		name, tok, code, msg string
	}{
		{"empty", "", CodeMalformed, "JWS is empty"},
		{"garbage", "not a jws", CodeMalformed, "must have 3 dot-separated segments, got 1"},
		{"two segments", segs[0] + "." + segs[1], CodeMalformed, "got 2"},
		{"four segments", good + "." + segs[2], CodeMalformed, "got 4"},
		{"only dots", "..", CodeMalformed, "header segment is empty"},
		{"many dots", ".....", CodeMalformed, "got 6"},
		{"empty payload", segs[0] + ".." + segs[2], CodeMalformed, "payload segment is empty"},
		{"empty signature", segs[0] + "." + segs[1] + ".", CodeMalformed, "signature segment is empty"},
		{"padding", segs[0] + "." + segs[1] + "." + segs[2] + "==", CodeMalformed, "signature segment has a byte outside the base64url alphabet"},
		{"standard base64 alphabet", segs[0] + "." + segs[1] + "+/." + segs[2], CodeMalformed, "payload segment has a byte outside the base64url alphabet"},
		{"embedded newline", segs[0] + "." + segs[1][:10] + "\n" + segs[1][10:] + "." + segs[2], CodeMalformed, "payload segment has a byte outside the base64url alphabet at offset 10"},
		{"leading space", " " + good, CodeMalformed, "header segment has a byte outside"},
		{"trailing newline", good + "\n", CodeMalformed, "signature segment has a byte outside"},
		{"non-canonical base64", nonCanonical, CodeMalformed, "signature segment is not canonical unpadded base64url"},
		{"impossible length", segs[0] + "." + segs[1] + "." + segs[2] + "AAA", CodeMalformed, "signature segment is not canonical"},
		{"65-byte signature", segs[0] + "." + segs[1] + "." + segs[2] + "A", CodeMalformed, "signature is 65 bytes"},
		{"header garbage", "Zm9v." + segs[1] + "." + segs[2], CodeMalformed, "protected header is not valid JSON"},
		{"JSON serialization", `{"payload":"` + segs[1] + `"}`, CodeMalformed, "got 1"},
		{"too large", strings.Repeat("A", MaxJWSBytes+1), CodeTooLarge, "JWS is 16385 bytes, limit is 16384"},
		{"too large valid prefix", good + strings.Repeat("A", MaxJWSBytes), CodeTooLarge, "limit is 16384"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.tok)
			wantErr(t, err, tc.code, tc.msg)
			if p != nil {
				t.Fatal("Parsed returned with error")
			}
		})
	}
}

func TestParsePayloadRules(t *testing.T) {
	a, _ := testKeys(t)
	sign := func(payload string) string {
		c, _, err := SignBytes([]byte(payload), a, testKid)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	big := defaultJSON[:len(defaultJSON)-1] + strings.Repeat(" ", MaxPayloadBytes+1-len(defaultJSON)) + "}"
	cases := []struct {
		name, tok, code, msg string
	}{
		{"valid hand-written", sign(defaultJSON), "", ""},
		{"oversize payload", sign(big), CodeTooLarge, "payload is 8193 bytes, limit is 8192"},
		{"duplicate keys", sign(withField(`"amount":1`)), CodeInvalidPayload, "duplicate field amount"},
		{"unknown field", sign(withField(`"borrower":"x"`)), CodeInvalidPayload, `unknown field "borrower"`},
		{"field of another type", sign(withField(`"refersTo":"` + testDefault + `"`)), CodeInvalidPayload, "field refersTo is not allowed in a default attestation"},
		{"trailing data", sign(defaultJSON + " {}"), CodeInvalidPayload, "trailing data"},
		{"rule violation", sign(strings.Replace(defaultJSON, "2026-02-15", "2026-03-02", 1)), CodeInvalidPayload, "noticeDate 2026-03-02 is after issuedAt date 2026-03-01"},
		{"not JSON", sign("hello"), CodeInvalidPayload, "payload is not valid JSON"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := Parse(tc.tok)
			wantErr(t, err, tc.code, tc.msg)
			if tc.code == "" {
				if string(p.PayloadBytes) != defaultJSON {
					t.Fatal("PayloadBytes are not the signed bytes")
				}
				wantErr(t, p.Verify(&a.PublicKey), "", "")
			}
		})
	}
}

func TestSignRefusals(t *testing.T) {
	a, _ := testKeys(t)
	bad := validDefault()
	bad.NoticeDate = "2026-03-02"
	_, _, err := Sign(bad, a, testKid)
	wantErr(t, err, CodeInvalidPayload, "noticeDate 2026-03-02 is after issuedAt date 2026-03-01")
	_, _, err = Sign(nil, a, testKid)
	wantErr(t, err, CodeInvalidPayload, "payload is nil")

	_, _, err = Sign(validDefault(), a, "")
	wantErr(t, err, CodeMalformed, "kid is empty")
	_, _, err = SignBytes([]byte(defaultJSON), a, strings.Repeat("k", 129))
	wantErr(t, err, CodeMalformed, "kid is 129 characters")

	_, _, err = Sign(validDefault(), nil, testKid)
	wantErr(t, err, CodeBadAlgorithm, "got none")
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = Sign(validDefault(), p384, testKid)
	wantErr(t, err, CodeBadAlgorithm, "key must be on curve P-256, got P-384")
	noD := &ecdsa.PrivateKey{PublicKey: a.PublicKey}
	_, _, err = SignBytes([]byte(defaultJSON), noD, testKid)
	wantErr(t, err, CodeBadAlgorithm, "private key has no scalar")
}
