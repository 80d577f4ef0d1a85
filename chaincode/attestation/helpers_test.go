package attestation

import (
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"
)

const (
	testKid     = "bank-a/2026-01"
	testSubject = "3f1c9a0d5b7e2c4a6f8091b3d5e7f9a1c3e5b7d9f1a3c5e7091b2d4f6a8c0e2b"
	testLoanRef = "a94a8fe5ccb19ba61c4c0873d391e987982fbbd3a94a8fe5ccb19ba61c4c0873"
	testDefault = "0f0e0d0c0b0a09080706050403020100f0e0d0c0b0a090807060504030201000"
)

var (
	keyOnce sync.Once
	keyA    *ecdsa.PrivateKey
	keyB    *ecdsa.PrivateKey
)

// testKeys returns two fixed-for-the-run P-256 keys: A is the registered
// signer, B stands in for any other member.
func testKeys(t testing.TB) (*ecdsa.PrivateKey, *ecdsa.PrivateKey) {
	t.Helper()
	keyOnce.Do(func() {
		var err error
		if keyA, err = GenerateKey(); err != nil {
			panic(err)
		}
		if keyB, err = GenerateKey(); err != nil {
			panic(err)
		}
	})
	return keyA, keyB
}

func i64(v int64) *int64 { return &v }
func iptr(v int) *int    { return &v }

func validDefault() *Payload {
	return &Payload{
		V:            1,
		Type:         TypeDefault,
		Reporter:     "BankAMSP",
		Subject:      testSubject,
		IssuedAt:     "2026-03-01T10:00:00Z",
		LoanRef:      testLoanRef,
		Product:      "consumer",
		Amount:       i64(1_250_000),
		Currency:     "EUR",
		OverdueSince: "2025-11-20",
		DaysPastDue:  iptr(100), // 2025-11-20 + 100 days = 2026-02-28
		NoticeDate:   "2026-02-15",
	}
}

func validSettlement() *Payload {
	return &Payload{
		V:         1,
		Type:      TypeSettlement,
		Reporter:  "BankAMSP",
		Subject:   testSubject,
		IssuedAt:  "2026-03-01T10:00:00+01:00",
		RefersTo:  testDefault,
		SettledOn: "2026-02-27",
		Kind:      "negotiated",
		Amount:    i64(900_000),
	}
}

func validRevocation() *Payload {
	return &Payload{
		V:        1,
		Type:     TypeRevocation,
		Reporter: "BankAMSP",
		Subject:  testSubject,
		IssuedAt: "2026-03-01T10:00:00Z",
		RefersTo: testDefault,
		Reason:   "filed against the wrong subject key",
	}
}

func mustJSON(t testing.TB, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// wantErr checks that err is an *Error with the given code whose message
// contains substr. An empty code means err must be nil.
func wantErr(t *testing.T, err error, code, substr string) {
	t.Helper()
	if code == "" {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if err == nil {
		t.Fatalf("expected %s error containing %q, got nil", code, substr)
	}
	var e *Error
	if !errors.As(err, &e) {
		t.Fatalf("error is %T, want *Error: %v", err, err)
	}
	if e.Code != code {
		t.Fatalf("code = %q, want %q (msg: %s)", e.Code, code, e.Msg)
	}
	if !strings.Contains(e.Msg, substr) {
		t.Fatalf("message %q does not contain %q", e.Msg, substr)
	}
}

func b64u(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rawES256 builds a compact JWS by hand from an arbitrary header and payload
// and a real ES256 signature, to craft tokens Sign would never produce.
func rawES256(t testing.TB, key *ecdsa.PrivateKey, header string, payload []byte) string {
	t.Helper()
	input := b64u([]byte(header)) + "." + b64u(payload)
	digest := sha256.Sum256([]byte(input))
	r, s, err := ecdsa.Sign(rand.Reader, key, digest[:])
	if err != nil {
		t.Fatal(err)
	}
	size := (key.Curve.Params().BitSize + 7) / 8
	sig := make([]byte, 2*size)
	r.FillBytes(sig[:size])
	s.FillBytes(sig[size:])
	return input + "." + b64u(sig)
}

func es256Header(kid string) string {
	k, _ := json.Marshal(kid)
	return `{"alg":"ES256","kid":` + string(k) + `}`
}
