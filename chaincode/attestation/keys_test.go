package attestation

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"strings"
	"testing"
)

func pemOf(t *testing.T, typ string, der []byte, err error) string {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der}))
}

func TestKeyPEMRoundTrip(t *testing.T) {
	a, _ := testKeys(t)
	if a.Curve != elliptic.P256() {
		t.Fatal("GenerateKey did not return a P-256 key")
	}

	pubPEM, err := MarshalPublicKeyPEM(&a.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(pubPEM, "-----BEGIN PUBLIC KEY-----\n") {
		t.Fatalf("unexpected public PEM:\n%s", pubPEM)
	}
	pub, err := ParsePublicKeyPEM(pubPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !pub.Equal(&a.PublicKey) {
		t.Fatal("public key changed in round trip")
	}

	privPEM, err := MarshalPrivateKeyPEM(a)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(privPEM, "-----BEGIN PRIVATE KEY-----\n") {
		t.Fatalf("unexpected private PEM header")
	}
	priv, err := ParsePrivateKeyPEM(privPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !priv.Equal(a) {
		t.Fatal("private key changed in round trip")
	}

	der, err := x509.MarshalECPrivateKey(a)
	sec1, err := ParsePrivateKeyPEM(pemOf(t, "EC PRIVATE KEY", der, err))
	if err != nil {
		t.Fatal(err)
	}
	if !sec1.Equal(a) {
		t.Fatal("SEC 1 key differs")
	}

	// Whitespace around the block is what files and form fields add.
	if _, err := ParsePublicKeyPEM("\n\n  " + pubPEM + "\n\n"); err != nil {
		t.Fatal(err)
	}

	// A key that went through PEM verifies what the original signed.
	compact, _, err := Sign(validDefault(), priv, testKid)
	if err != nil {
		t.Fatal(err)
	}
	p, err := Parse(compact)
	if err != nil {
		t.Fatal(err)
	}
	wantErr(t, p.Verify(pub), "", "")
}

func TestParseKeyPEMRefusals(t *testing.T) {
	a, _ := testKeys(t)
	pubPEM, _ := MarshalPublicKeyPEM(&a.PublicKey)
	privPEM, _ := MarshalPrivateKeyPEM(a)

	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	edPub, edPriv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	pkix := func(k any) string {
		der, err := x509.MarshalPKIXPublicKey(k)
		return pemOf(t, "PUBLIC KEY", der, err)
	}
	pkcs8 := func(k any) string {
		der, err := x509.MarshalPKCS8PrivateKey(k)
		return pemOf(t, "PRIVATE KEY", der, err)
	}
	sec1P384, err := x509.MarshalECPrivateKey(p384)

	withHeaders := string(pem.EncodeToMemory(&pem.Block{
		Type: "PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"},
		Bytes: []byte{1, 2, 3},
	}))

	pubCases := []struct{ name, in, code, msg string }{
		{"RSA", pkix(&rsaKey.PublicKey), CodeBadAlgorithm, "public key is *rsa.PublicKey, want ECDSA P-256"},
		{"P-384", pkix(&p384.PublicKey), CodeBadAlgorithm, "key must be on curve P-256, got P-384"},
		{"Ed25519", pkix(edPub), CodeBadAlgorithm, "public key is ed25519.PublicKey"},
		{"garbage", "hello world", CodeMalformed, "input is not a PEM block"},
		{"empty", "", CodeMalformed, "input is not a PEM block"},
		{"leading text", "my key:\n" + pubPEM, CodeMalformed, "input is not a PEM block"},
		{"trailing text", pubPEM + "and more", CodeMalformed, "unexpected data after the PEM block"},
		{"two blocks", pubPEM + pubPEM, CodeMalformed, "unexpected data after the PEM block"},
		{"truncated", pubPEM[:len(pubPEM)-20], CodeMalformed, "not a valid PEM block"},
		{"private key", privPEM, CodeMalformed, `PEM block is "PRIVATE KEY", want "PUBLIC KEY"`},
		{"certificate type", strings.ReplaceAll(pubPEM, "PUBLIC KEY", "CERTIFICATE"), CodeMalformed, `PEM block is "CERTIFICATE"`},
		{"headers", strings.ReplaceAll(withHeaders, "PRIVATE KEY", "PUBLIC KEY"), CodeMalformed, "PEM headers are not supported"},
		{"bad DER", pemOf(t, "PUBLIC KEY", []byte{0x30, 0x03, 1, 2, 3}, nil), CodeMalformed, "PUBLIC KEY block does not parse"},
	}
	for _, tc := range pubCases {
		t.Run("public/"+tc.name, func(t *testing.T) {
			k, err := ParsePublicKeyPEM(tc.in)
			wantErr(t, err, tc.code, tc.msg)
			if k != nil {
				t.Fatal("key returned with error")
			}
		})
	}

	rsaPKCS1 := pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey), nil)
	privCases := []struct{ name, in, code, msg string }{
		{"RSA PKCS8", pkcs8(rsaKey), CodeBadAlgorithm, "private key is *rsa.PrivateKey, want ECDSA P-256"},
		{"RSA PKCS1", rsaPKCS1, CodeMalformed, `PEM block is "RSA PRIVATE KEY"`},
		{"P-384 PKCS8", pkcs8(p384), CodeBadAlgorithm, "key must be on curve P-256, got P-384"},
		{"P-384 SEC1", pemOf(t, "EC PRIVATE KEY", sec1P384, err), CodeBadAlgorithm, "got P-384"},
		{"Ed25519", pkcs8(edPriv), CodeBadAlgorithm, "private key is ed25519.PrivateKey"},
		{"garbage", "-----BEGIN PRIVATE KEY-----\nnot base64!\n-----END PRIVATE KEY-----\n", CodeMalformed, "not a valid PEM block"},
		{"public key", pubPEM, CodeMalformed, `PEM block is "PUBLIC KEY", want "PRIVATE KEY\" or \"EC PRIVATE KEY"`},
		{"encrypted", withHeaders, CodeMalformed, "PEM headers are not supported"},
		{"two blocks", privPEM + privPEM, CodeMalformed, "unexpected data after the PEM block"},
		{"bad PKCS8", pemOf(t, "PRIVATE KEY", []byte{0x30, 0}, nil), CodeMalformed, "PRIVATE KEY block does not parse"},
		{"bad SEC1", pemOf(t, "EC PRIVATE KEY", []byte{0x30, 0}, nil), CodeMalformed, "EC PRIVATE KEY block does not parse"},
	}
	for _, tc := range privCases {
		t.Run("private/"+tc.name, func(t *testing.T) {
			k, err := ParsePrivateKeyPEM(tc.in)
			wantErr(t, err, tc.code, tc.msg)
			if k != nil {
				t.Fatal("key returned with error")
			}
		})
	}
}

func TestMarshalKeyPEMRefusals(t *testing.T) {
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, err = MarshalPublicKeyPEM(&p384.PublicKey)
	wantErr(t, err, CodeBadAlgorithm, "got P-384")
	_, err = MarshalPublicKeyPEM(nil)
	wantErr(t, err, CodeBadAlgorithm, "got none")
	_, err = MarshalPrivateKeyPEM(p384)
	wantErr(t, err, CodeBadAlgorithm, "got P-384")
	_, err = MarshalPrivateKeyPEM(nil)
	wantErr(t, err, CodeBadAlgorithm, "got none")
}

func TestKeyThumbprint(t *testing.T) {
	a, b := testKeys(t)
	// RFC 7638 section 3.2: the required EC members in lexicographic order,
	// no whitespace, coordinates as fixed-length base64url.
	x, y := make([]byte, 32), make([]byte, 32)
	a.PublicKey.X.FillBytes(x)
	a.PublicKey.Y.FillBytes(y)
	canonical := `{"crv":"P-256","kty":"EC","x":"` + b64u(x) + `","y":"` + b64u(y) + `"}`
	sum := sha256.Sum256([]byte(canonical))
	want := b64u(sum[:])

	got := KeyThumbprint(&a.PublicKey)
	if got != want {
		t.Fatalf("KeyThumbprint = %s, want %s", got, want)
	}
	if len(got) != 43 {
		t.Fatalf("thumbprint length %d, want 43", len(got))
	}
	if KeyThumbprint(&b.PublicKey) == got {
		t.Fatal("different keys share a thumbprint")
	}
	if KeyThumbprint(nil) != "" {
		t.Fatal("nil key has a thumbprint")
	}
	p384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	if KeyThumbprint(&p384.PublicKey) != "" {
		t.Fatal("P-384 key has a thumbprint")
	}
}
