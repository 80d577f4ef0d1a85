package sealedsecret

import (
	"bytes"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

func fixture(t *testing.T) ([]byte, string, *ecdhKey) {
	t.Helper()
	secret, err := NewSecret()
	if err != nil {
		t.Fatal(err)
	}
	k, err := GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	return secret, KeyCheck(secret), k
}

func TestRoundTrip(t *testing.T) {
	secret, kcv, k := fixture(t)
	env, err := Seal(secret, k.PublicKey(), "Bank1MSP", kcv)
	if err != nil {
		t.Fatal(err)
	}
	if err := env.Check(); err != nil {
		t.Fatal(err)
	}
	got, err := Open(env, k, "Bank1MSP", kcv)
	if err != nil || !bytes.Equal(got, secret) {
		t.Fatalf("open: %x %v", got, err)
	}
	// Two seals of the same secret differ: the ephemeral key is fresh.
	env2, _ := Seal(secret, k.PublicKey(), "Bank1MSP", kcv)
	if env2.Ciphertext == env.Ciphertext || env2.EphemeralKey == env.EphemeralKey {
		t.Fatal("two seals are identical")
	}
	b, _ := json.Marshal(env)
	if bytes.Contains(b, []byte(base64.RawURLEncoding.EncodeToString(secret))) || bytes.Contains(b, secret) {
		t.Fatal("the envelope shows the secret")
	}
}

func TestOpenWithAnotherKeyFails(t *testing.T) {
	secret, kcv, k := fixture(t)
	other, _ := GenerateKey()
	env, _ := Seal(secret, k.PublicKey(), "Bank1MSP", kcv)
	if _, err := Open(env, other, "Bank1MSP", kcv); !errors.Is(err, ErrOpen) {
		t.Fatalf("opened with another key: %v", err)
	}
}

func TestTamperedEnvelopeFails(t *testing.T) {
	secret, kcv, k := fixture(t)
	env, _ := Seal(secret, k.PublicKey(), "Bank1MSP", kcv)
	ct, _ := base64.RawURLEncoding.DecodeString(env.Ciphertext)
	for i := range ct {
		bad := append([]byte(nil), ct...)
		bad[i] ^= 1
		e := env
		e.Ciphertext = base64.RawURLEncoding.EncodeToString(bad)
		if _, err := Open(e, k, "Bank1MSP", kcv); !errors.Is(err, ErrOpen) {
			t.Fatalf("byte %d flipped: %v", i, err)
		}
	}
	// Another ephemeral key (a valid point) gives another shared secret.
	eph, _ := GenerateKey()
	e := env
	e.EphemeralKey = base64.RawURLEncoding.EncodeToString(eph.PublicKey().Bytes())
	if _, err := Open(e, k, "Bank1MSP", kcv); !errors.Is(err, ErrOpen) {
		t.Fatalf("swapped epk: %v", err)
	}
	e = env
	e.Alg = "A128GCM"
	if e.Check() == nil {
		t.Fatal("unknown alg accepted")
	}
	if _, err := Open(e, k, "Bank1MSP", kcv); !errors.Is(err, ErrOpen) {
		t.Fatalf("unknown alg: %v", err)
	}
	e = env
	e.Ciphertext = env.Ciphertext[:20]
	if e.Check() == nil {
		t.Fatal("short ciphertext accepted")
	}
	e = env
	e.EphemeralKey = "AAAA"
	if e.Check() == nil {
		t.Fatal("an epk that is not a point accepted")
	}
}

func TestWrongBindingFails(t *testing.T) {
	secret, kcv, k := fixture(t)
	env, _ := Seal(secret, k.PublicKey(), "Bank1MSP", kcv)
	other, _ := NewSecret()
	for name, c := range map[string]struct{ msp, kcv string }{
		"another member":          {"Bank2MSP", kcv},
		"another key-check value": {"Bank1MSP", KeyCheck(other)},
		"prefix of the member":    {"Bank1MS", kcv},
	} {
		if _, err := Open(env, k, c.msp, c.kcv); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: %v", name, err)
		}
	}
}

func TestSealRefusesAFalseKeyCheck(t *testing.T) {
	secret, _, k := fixture(t)
	other, _ := NewSecret()
	if _, err := Seal(secret, k.PublicKey(), "Bank1MSP", KeyCheck(other)); err == nil {
		t.Fatal("sealed under another secret's check value")
	}
	if _, err := Seal(secret[:16], k.PublicKey(), "Bank1MSP", KeyCheck(secret[:16])); err == nil {
		t.Fatal("sealed a 16-byte secret")
	}
}

func TestKeyCheck(t *testing.T) {
	a, _ := NewSecret()
	b, _ := NewSecret()
	if KeyCheck(a) == KeyCheck(b) || KeyCheck(a) != KeyCheck(append([]byte(nil), a...)) {
		t.Fatal("key-check values do not identify secrets")
	}
	// A fixed vector (computed independently with Python's hmac), so that
	// a change of label or MAC, which would orphan every ledger's check
	// value, is noticed.
	if got := KeyCheck(make([]byte, 32)); got != "fc2a359b9ba3a391d05034245df0ecdf28ec223ccc6e419187d25f2d70a84384" {
		t.Fatal(got)
	}
	for _, s := range []string{"", strings.Repeat("A", 64), strings.Repeat("a", 63), strings.Repeat("g", 64)} {
		if ValidKeyCheck(s) {
			t.Errorf("%q accepted", s)
		}
	}
	if !ValidKeyCheck(KeyCheck(a)) {
		t.Fatal("a key-check value refused")
	}
}

func TestPublicKeyFormats(t *testing.T) {
	k, _ := GenerateKey()
	pemText, err := MarshalPublicKeyPEM(k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	fromPEM, err := ParsePublicKey(pemText)
	if err != nil || !fromPEM.Equal(k.PublicKey()) {
		t.Fatalf("PEM: %v", err)
	}
	b := k.PublicKey().Bytes()
	enc := base64.RawURLEncoding
	j := `{"kty":"EC","crv":"P-256","x":"` + enc.EncodeToString(b[1:33]) + `","y":"` + enc.EncodeToString(b[33:]) + `"}`
	fromJWK, err := ParsePublicKey(j)
	if err != nil || !fromJWK.Equal(k.PublicKey()) || Thumbprint(fromJWK) != Thumbprint(fromPEM) {
		t.Fatalf("JWK: %v", err)
	}
	// An ECDSA P-256 key in PKIX form is the same point: accepted.
	ek, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecdhPub, _ := ek.PublicKey.ECDH()
	ecdsaPEM, _ := MarshalPublicKeyPEM(ecdhPub)
	if _, err := ParsePublicKey(ecdsaPEM); err != nil {
		t.Fatal(err)
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	for name, text := range map[string]string{
		"empty":       "",
		"garbage":     "hello",
		"private JWK": strings.Replace(j, `"kty"`, `"d":"AAAA","kty"`, 1),
		"P-384 JWK":   strings.Replace(j, "P-256", "P-384", 1),
		"short x":     strings.Replace(j, enc.EncodeToString(b[1:33]), "AAAA", 1),
		"off curve":   `{"kty":"EC","crv":"P-256","x":"` + enc.EncodeToString(make([]byte, 32)) + `","y":"` + enc.EncodeToString(make([]byte, 32)) + `"}`,
		"P-384 PEM":   pemOf(t, &p384.PublicKey),
		"two blocks":  pemText + pemText,
	} {
		if _, err := ParsePublicKey(text); err == nil {
			t.Errorf("%s accepted", name)
		}
	}
}

func TestPrivateKeyPEMRoundTrip(t *testing.T) {
	k, _ := GenerateKey()
	b, err := MarshalPrivateKeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParsePrivateKeyPEM(b)
	if err != nil || !back.Equal(k) {
		t.Fatalf("%v", err)
	}
	if _, err := ParsePrivateKeyPEM([]byte("nope")); err == nil {
		t.Fatal("garbage accepted")
	}
}

type ecdhKey = ecdh.PrivateKey

func pemOf(t *testing.T, k *ecdsa.PublicKey) string {
	der, err := x509.MarshalPKIXPublicKey(k)
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der}))
}
