package attestation

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"fmt"
	"strings"

	jose "github.com/go-jose/go-jose/v4"
)

// GenerateKey returns a new P-256 key, the only curve ES256 allows.
func GenerateKey() (*ecdsa.PrivateKey, error) {
	return ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
}

// checkPublicKey refuses anything go-jose could not use for ES256, before
// go-jose sees it: it compares curves by identity and would dereference nil
// coordinates.
func checkPublicKey(pub *ecdsa.PublicKey) error {
	if pub == nil || pub.Curve == nil {
		return errorf(CodeBadAlgorithm, "key must be an ECDSA P-256 public key, got none")
	}
	if pub.Curve != elliptic.P256() {
		return errorf(CodeBadAlgorithm, "key must be on curve P-256, got %s", curveName(pub.Curve))
	}
	if pub.X == nil || pub.Y == nil {
		return errorf(CodeBadAlgorithm, "key has no public point")
	}
	if _, err := pub.Bytes(); err != nil {
		return errorf(CodeBadAlgorithm, "key is not a valid P-256 public key: %v", err)
	}
	return nil
}

func checkPrivateKey(key *ecdsa.PrivateKey) error {
	if key == nil {
		return errorf(CodeBadAlgorithm, "key must be an ECDSA P-256 private key, got none")
	}
	if err := checkPublicKey(&key.PublicKey); err != nil {
		return err
	}
	if key.D == nil {
		return errorf(CodeBadAlgorithm, "private key has no scalar")
	}
	if _, err := key.Bytes(); err != nil {
		return errorf(CodeBadAlgorithm, "key is not a valid P-256 private key: %v", err)
	}
	return nil
}

func curveName(c elliptic.Curve) string {
	if p := c.Params(); p != nil && p.Name != "" {
		return p.Name
	}
	return "an unnamed curve"
}

// MarshalPublicKeyPEM encodes pub as the PKIX "PUBLIC KEY" PEM block the
// association registers for a member.
func MarshalPublicKeyPEM(pub *ecdsa.PublicKey) (string, error) {
	if err := checkPublicKey(pub); err != nil {
		return "", err
	}
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		return "", errorf(CodeMalformed, "cannot encode public key: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// ParsePublicKeyPEM accepts exactly one PKIX "PUBLIC KEY" block holding a
// P-256 key. Anything else in the input is refused rather than skipped: a key
// registry entry with extra content is more likely a mistake (a certificate
// chain, two keys pasted together) than something to guess about.
func ParsePublicKeyPEM(s string) (*ecdsa.PublicKey, error) {
	block, err := singlePEMBlock(s, "PUBLIC KEY")
	if err != nil {
		return nil, err
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, errorf(CodeMalformed, "PUBLIC KEY block does not parse: %v", err)
	}
	pub, ok := k.(*ecdsa.PublicKey)
	if !ok {
		return nil, errorf(CodeBadAlgorithm, "public key is %s, want ECDSA P-256", keyTypeName(k))
	}
	if err := checkPublicKey(pub); err != nil {
		return nil, err
	}
	return pub, nil
}

// MarshalPrivateKeyPEM encodes k as a PKCS#8 "PRIVATE KEY" block.
func MarshalPrivateKeyPEM(k *ecdsa.PrivateKey) (string, error) {
	if err := checkPrivateKey(k); err != nil {
		return "", err
	}
	der, err := x509.MarshalPKCS8PrivateKey(k)
	if err != nil {
		return "", errorf(CodeMalformed, "cannot encode private key: %v", err)
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})), nil
}

// ParsePrivateKeyPEM accepts one PKCS#8 "PRIVATE KEY" or SEC 1 "EC PRIVATE
// KEY" block (what openssl ecparam -genkey writes) holding a P-256 key.
func ParsePrivateKeyPEM(s string) (*ecdsa.PrivateKey, error) {
	block, err := singlePEMBlock(s, "PRIVATE KEY", "EC PRIVATE KEY")
	if err != nil {
		return nil, err
	}
	var key *ecdsa.PrivateKey
	if block.Type == "EC PRIVATE KEY" {
		key, err = x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, errorf(CodeMalformed, "EC PRIVATE KEY block does not parse: %v", err)
		}
	} else {
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errorf(CodeMalformed, "PRIVATE KEY block does not parse: %v", err)
		}
		var ok bool
		if key, ok = k.(*ecdsa.PrivateKey); !ok {
			return nil, errorf(CodeBadAlgorithm, "private key is %s, want ECDSA P-256", keyTypeName(k))
		}
	}
	if err := checkPrivateKey(key); err != nil {
		return nil, err
	}
	return key, nil
}

func singlePEMBlock(s string, types ...string) (*pem.Block, error) {
	want := strings.Join(types, `" or "`)
	in := []byte(strings.TrimSpace(s))
	// pem.Decode silently skips text before the first block.
	if !bytes.HasPrefix(in, []byte("-----BEGIN ")) {
		return nil, errorf(CodeMalformed, "input is not a PEM block (want %q)", want)
	}
	block, rest := pem.Decode(in)
	if block == nil {
		return nil, errorf(CodeMalformed, "input is not a valid PEM block (want %q)", want)
	}
	if len(bytes.TrimSpace(rest)) != 0 {
		return nil, errorf(CodeMalformed, "unexpected data after the PEM block")
	}
	if len(block.Headers) != 0 {
		return nil, errorf(CodeMalformed, "PEM headers are not supported (encrypted keys must be decrypted first)")
	}
	for _, t := range types {
		if block.Type == t {
			return block, nil
		}
	}
	return nil, errorf(CodeMalformed, "PEM block is %s, want %q", quote(block.Type), want)
}

func keyTypeName(k any) string {
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		return "ECDSA " + curveName(k.Curve)
	case *ecdsa.PrivateKey:
		return "ECDSA " + curveName(k.Curve)
	}
	return fmt.Sprintf("%T", k)
}

// KeyThumbprint returns the RFC 7638 SHA-256 thumbprint of pub, base64url
// without padding. It gives operators a short, library-independent way to
// confirm that a registered key is the one a bank holds. It returns "" for a
// key that is not a valid P-256 key.
func KeyThumbprint(pub *ecdsa.PublicKey) string {
	if checkPublicKey(pub) != nil {
		return ""
	}
	tp, err := (&jose.JSONWebKey{Key: pub}).Thumbprint(crypto.SHA256)
	if err != nil {
		return ""
	}
	return base64.RawURLEncoding.EncodeToString(tp)
}
