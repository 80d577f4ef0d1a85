// Package sealedsecret distributes the consortium's subject-key secret to
// member organisations' nodes through the ledger, without it ever being on
// the ledger in the clear.
//
// The model: the association creates the secret once (NewSecret) and records
// its key-check value (KeyCheck, an HMAC of a fixed label under the secret)
// at the ledger's Init. Each member's node generates an ECDH P-256 key pair
// and registers the public half on the ledger (PEM or JWK, identified by its
// RFC 7638 thumbprint). The association seals the secret to that key (Seal):
// an ephemeral P-256 key agreement, HKDF-SHA256 for the AES-256-GCM key and
// nonce, and additional data binding the member's MSP ID, the recipient
// key's thumbprint and the key-check value, so a sealed copy cannot be
// replayed for another member, key or secret. The member's node opens its
// copy (Open), which also checks the opened secret against the key-check
// value.
//
// The package is pure computation over the standard library, so the
// chaincode uses it to validate keys and envelopes and the node to seal and
// open them, exactly as both use package attestation.
package sealedsecret

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/ecdsa"
	"crypto/hkdf"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// SecretSize is the size of a consortium secret in bytes.
const SecretSize = 32

// KeyCheckLabel is the message whose HMAC under the secret is the
// key-check value. Changing it changes every ledger's check value.
const KeyCheckLabel = "blacklist/subject-key-check/v1"

// Alg names the sealing scheme in an Envelope.
const Alg = "ECDH-ES-P256+HKDF-SHA256+A256GCM"

// info is HKDF's context string and the start of the additional data.
const info = "blacklist/sealed-secret/v1"

// ErrOpen means a sealed secret does not open with the key and binding
// given: another recipient, another member or key-check value, or a
// tampered envelope. It deliberately says no more.
var ErrOpen = errors.New("sealedsecret: the sealed secret does not open with this node's key for this member and key-check value")

// NewSecret returns a fresh random consortium secret.
func NewSecret() ([]byte, error) {
	s := make([]byte, SecretSize)
	if _, err := rand.Read(s); err != nil {
		return nil, err
	}
	return s, nil
}

// KeyCheck is the key-check value of secret: lower-case hex
// HMAC-SHA256(secret, KeyCheckLabel). It identifies the secret without
// revealing it: it is safe on the ledger and in logs.
func KeyCheck(secret []byte) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(KeyCheckLabel))
	return hex.EncodeToString(mac.Sum(nil))
}

// ValidKeyCheck reports whether s has the shape of a key-check value: 64
// lower-case hex characters.
func ValidKeyCheck(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// GenerateKey returns a new node encryption key pair.
func GenerateKey() (*ecdh.PrivateKey, error) { return ecdh.P256().GenerateKey(rand.Reader) }

// MarshalPrivateKeyPEM encodes key as a PKCS #8 "PRIVATE KEY" PEM block.
func MarshalPrivateKeyPEM(key *ecdh.PrivateKey) ([]byte, error) {
	der, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, err
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der}), nil
}

// ParsePrivateKeyPEM decodes a PKCS #8 P-256 private key.
func ParsePrivateKeyPEM(b []byte) (*ecdh.PrivateKey, error) {
	block, _ := pem.Decode(b)
	if block == nil || block.Type != "PRIVATE KEY" {
		return nil, errors.New("sealedsecret: not a PEM \"PRIVATE KEY\" block")
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("sealedsecret: %w", err)
	}
	var priv *ecdh.PrivateKey
	switch k := k.(type) {
	case *ecdsa.PrivateKey:
		if priv, err = k.ECDH(); err != nil {
			return nil, fmt.Errorf("sealedsecret: %w", err)
		}
	case *ecdh.PrivateKey:
		priv = k
	default:
		return nil, fmt.Errorf("sealedsecret: a %T is not a P-256 key", k)
	}
	if priv.Curve() != ecdh.P256() {
		return nil, errors.New("sealedsecret: the key is not on P-256")
	}
	return priv, nil
}

// MarshalPublicKeyPEM encodes key as a PKIX "PUBLIC KEY" PEM block, the
// form the ledger stores.
func MarshalPublicKeyPEM(key *ecdh.PublicKey) (string, error) {
	der, err := x509.MarshalPKIXPublicKey(key)
	if err != nil {
		return "", err
	}
	return string(pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})), nil
}

// jwk is an EC public JSON Web Key (RFC 7517/7518). D is read only to
// refuse a private key given by mistake.
type jwk struct {
	Kty string `json:"kty"`
	Crv string `json:"crv"`
	X   string `json:"x"`
	Y   string `json:"y"`
	D   string `json:"d,omitempty"`
}

// ParsePublicKey reads a P-256 public key given as a PKIX PEM block or as
// an EC JWK ({"kty":"EC","crv":"P-256","x":...,"y":...}).
func ParsePublicKey(text string) (*ecdh.PublicKey, error) {
	t := strings.TrimSpace(text)
	if strings.HasPrefix(t, "{") {
		return parseJWK(t)
	}
	block, rest := pem.Decode([]byte(t))
	if block == nil || block.Type != "PUBLIC KEY" || len(bytes.TrimSpace(rest)) > 0 {
		return nil, errors.New("not one PEM \"PUBLIC KEY\" block or an EC JWK")
	}
	k, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	switch k := k.(type) {
	case *ecdsa.PublicKey:
		pub, err := k.ECDH()
		if err != nil || pub.Curve() != ecdh.P256() {
			return nil, errors.New("not a P-256 key")
		}
		return pub, nil
	case *ecdh.PublicKey:
		if k.Curve() != ecdh.P256() {
			return nil, errors.New("not a P-256 key")
		}
		return k, nil
	}
	return nil, fmt.Errorf("a %T is not a P-256 key", k)
}

func parseJWK(t string) (*ecdh.PublicKey, error) {
	var k jwk
	d := json.NewDecoder(strings.NewReader(t))
	if err := d.Decode(&k); err != nil {
		return nil, fmt.Errorf("JWK: %w", err)
	}
	if k.D != "" {
		return nil, errors.New("JWK: this is a private key (it has \"d\"); register the public key only")
	}
	if k.Kty != "EC" || k.Crv != "P-256" {
		return nil, fmt.Errorf("JWK: kty %q crv %q, want EC P-256", k.Kty, k.Crv)
	}
	x, errX := base64.RawURLEncoding.DecodeString(k.X)
	y, errY := base64.RawURLEncoding.DecodeString(k.Y)
	if errX != nil || errY != nil || len(x) != 32 || len(y) != 32 {
		return nil, errors.New("JWK: x and y must be 32 bytes each, base64url without padding")
	}
	pub, err := ecdh.P256().NewPublicKey(append(append([]byte{4}, x...), y...))
	if err != nil {
		return nil, errors.New("JWK: the point is not on P-256")
	}
	return pub, nil
}

// Thumbprint is the RFC 7638 JWK thumbprint of key (SHA-256, base64url):
// the same whether the key was registered as PEM or as JWK.
func Thumbprint(key *ecdh.PublicKey) string {
	b := key.Bytes() // 0x04 || x || y
	enc := base64.RawURLEncoding
	// RFC 7638: the required members, in lexicographic order, no spaces.
	canon := `{"crv":"P-256","kty":"EC","x":"` + enc.EncodeToString(b[1:33]) + `","y":"` + enc.EncodeToString(b[33:]) + `"}`
	sum := sha256.Sum256([]byte(canon))
	return enc.EncodeToString(sum[:])
}

// Envelope is a sealed secret as stored on the ledger.
type Envelope struct {
	Alg string `json:"alg"`
	// EphemeralKey is the sender's one-time P-256 public key, uncompressed
	// point, base64url.
	EphemeralKey string `json:"epk"`
	// Ciphertext is AES-256-GCM of the secret with its tag, base64url.
	Ciphertext string `json:"ciphertext"`
}

// Check reports whether e is well formed: the scheme is known, the
// ephemeral key is a P-256 point and the ciphertext has the size of a
// sealed secret. It cannot tell whether e opens: only the recipient can.
func (e Envelope) Check() error {
	if e.Alg != Alg {
		return fmt.Errorf("alg: %q, want %q", e.Alg, Alg)
	}
	if _, err := e.ephemeral(); err != nil {
		return err
	}
	ct, err := base64.RawURLEncoding.DecodeString(e.Ciphertext)
	if err != nil || len(ct) != SecretSize+16 {
		return fmt.Errorf("ciphertext: must be %d bytes, base64url without padding", SecretSize+16)
	}
	return nil
}

func (e Envelope) ephemeral() (*ecdh.PublicKey, error) {
	b, err := base64.RawURLEncoding.DecodeString(e.EphemeralKey)
	if err != nil {
		return nil, errors.New("epk: not base64url without padding")
	}
	k, err := ecdh.P256().NewPublicKey(b)
	if err != nil {
		return nil, errors.New("epk: not an uncompressed P-256 point")
	}
	return k, nil
}

// aead derives the one-time AES-256-GCM key and nonce from the shared
// secret; both public keys are the HKDF salt, so the derivation is bound
// to this exchange. The ephemeral key is never reused, so neither is the
// (key, nonce) pair.
func aead(shared []byte, epk, recipient *ecdh.PublicKey) (cipher.AEAD, []byte, error) {
	salt := append(epk.Bytes(), recipient.Bytes()...)
	okm, err := hkdf.Key(sha256.New, shared, salt, info, 32+12)
	if err != nil {
		return nil, nil, err
	}
	block, err := aes.NewCipher(okm[:32])
	if err != nil {
		return nil, nil, err
	}
	gcm, err := cipher.NewGCM(block)
	if err != nil {
		return nil, nil, err
	}
	return gcm, okm[32:], nil
}

// additionalData binds a sealed copy to its member, recipient key and
// secret, each length-prefixed so no two bindings share an encoding.
func additionalData(mspID, thumbprint, keyCheck string) []byte {
	out := []byte(info)
	for _, s := range []string{mspID, thumbprint, keyCheck} {
		out = binary.BigEndian.AppendUint32(out, uint32(len(s)))
		out = append(out, s...)
	}
	return out
}

// Seal encrypts secret to the node key of member mspID, bound to the
// key-check value keyCheck, which must be the secret's own.
func Seal(secret []byte, to *ecdh.PublicKey, mspID, keyCheck string) (Envelope, error) {
	if len(secret) != SecretSize {
		return Envelope{}, fmt.Errorf("sealedsecret: a secret is %d bytes, got %d", SecretSize, len(secret))
	}
	if KeyCheck(secret) != keyCheck {
		return Envelope{}, errors.New("sealedsecret: the secret does not match the key-check value")
	}
	if to.Curve() != ecdh.P256() {
		return Envelope{}, errors.New("sealedsecret: the recipient key is not on P-256")
	}
	eph, err := GenerateKey()
	if err != nil {
		return Envelope{}, err
	}
	shared, err := eph.ECDH(to)
	if err != nil {
		return Envelope{}, err
	}
	gcm, nonce, err := aead(shared, eph.PublicKey(), to)
	if err != nil {
		return Envelope{}, err
	}
	ct := gcm.Seal(nil, nonce, secret, additionalData(mspID, Thumbprint(to), keyCheck))
	enc := base64.RawURLEncoding
	return Envelope{Alg: Alg, EphemeralKey: enc.EncodeToString(eph.PublicKey().Bytes()), Ciphertext: enc.EncodeToString(ct)}, nil
}

// Open decrypts e with the node's key for member mspID and checks the
// secret against keyCheck. Any mismatch is ErrOpen.
func Open(e Envelope, key *ecdh.PrivateKey, mspID, keyCheck string) ([]byte, error) {
	if err := e.Check(); err != nil {
		return nil, fmt.Errorf("%w (%v)", ErrOpen, err)
	}
	epk, _ := e.ephemeral()
	shared, err := key.ECDH(epk)
	if err != nil {
		return nil, ErrOpen
	}
	gcm, nonce, err := aead(shared, epk, key.PublicKey())
	if err != nil {
		return nil, err
	}
	ct, _ := base64.RawURLEncoding.DecodeString(e.Ciphertext)
	secret, err := gcm.Open(nil, nonce, ct, additionalData(mspID, Thumbprint(key.PublicKey()), keyCheck))
	if err != nil {
		return nil, ErrOpen
	}
	// The key-check value was authenticated as data, so only a sender that
	// sealed a secret under a false check value gets here with a mismatch.
	if !hmac.Equal([]byte(KeyCheck(secret)), []byte(keyCheck)) {
		return nil, ErrOpen
	}
	return secret, nil
}
