package attestation

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	jose "github.com/go-jose/go-jose/v4"

	"github.com/assoc-ledger/blacklist/chaincode/freetext"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

const (
	algES256      = "ES256"
	es256SigBytes = 64 // R || S, 32 bytes each (RFC 7518 section 3.4)
	maxKeyIDRunes = 128
)

// Strict decoding refuses non-zero padding bits, so every byte string has
// exactly one accepted encoding and a token cannot be re-encoded into a
// different-looking string that still verifies. The alphabet is checked
// separately because the decoder also skips CR and LF.
var b64 = base64.RawURLEncoding.Strict()

var es256Only = []jose.SignatureAlgorithm{jose.ES256}

// Parsed is a JWS whose structure and payload are valid but whose signature
// is not yet checked. Parsing and verifying are separate because the key to
// verify with is found on the ledger from KeyID, which is only known after
// parsing.
type Parsed struct {
	ID           string
	KeyID        string
	Payload      *Payload
	PayloadBytes []byte
	Compact      string

	jws *jose.JSONWebSignature
}

var segmentNames = [3]string{"header", "payload", "signature"}

// Parse checks everything about an attestation that needs no key. Cheap
// checks run first so that oversized or garbage input costs little, and the
// header's alg is checked before anything else about the token so that
// downgrade attempts ("none", HMAC, RSA) are always reported as such.
func Parse(compact string) (*Parsed, error) {
	if len(compact) > MaxJWSBytes {
		return nil, errorf(CodeTooLarge, "JWS is %d bytes, limit is %d", len(compact), MaxJWSBytes)
	}
	if compact == "" {
		return nil, errorf(CodeMalformed, "JWS is empty")
	}
	segs := strings.Split(compact, ".")
	if len(segs) != 3 {
		return nil, errorf(CodeMalformed, "compact JWS must have 3 dot-separated segments, got %d", len(segs))
	}
	header, err := decodeSegment(0, segs[0])
	if err != nil {
		return nil, err
	}
	kid, err := checkHeader(header)
	if err != nil {
		return nil, err
	}
	payload, err := decodeSegment(1, segs[1])
	if err != nil {
		return nil, err
	}
	if len(payload) > MaxPayloadBytes {
		return nil, errorf(CodeTooLarge, "payload is %d bytes, limit is %d", len(payload), MaxPayloadBytes)
	}
	sig, err := decodeSegment(2, segs[2])
	if err != nil {
		return nil, err
	}
	if len(sig) != es256SigBytes {
		return nil, errorf(CodeMalformed, "signature is %d bytes, ES256 signatures are %d", len(sig), es256SigBytes)
	}

	jws, err := jose.ParseSignedCompact(compact, es256Only)
	if err != nil {
		var unexpected *jose.ErrUnexpectedSignatureAlgorithm
		if errors.As(err, &unexpected) {
			return nil, errorf(CodeBadAlgorithm, "alg %s is not accepted, only %s", quote(string(unexpected.Got)), algES256)
		}
		return nil, errorf(CodeMalformed, "JWS does not parse: %v", err)
	}
	if len(jws.Signatures) != 1 {
		return nil, errorf(CodeMalformed, "JWS has %d signatures, want exactly 1", len(jws.Signatures))
	}
	// Our own reading of the token and go-jose's must agree, or Verify would
	// vouch for something other than what we decoded.
	if jws.Signatures[0].Header.KeyID != kid || !bytes.Equal(jws.UnsafePayloadWithoutVerification(), payload) {
		return nil, errorf(CodeMalformed, "JWS header or payload decodes inconsistently")
	}

	p, err := DecodePayload(payload)
	if err != nil {
		return nil, err
	}
	return &Parsed{
		ID:           ID(payload),
		KeyID:        kid,
		Payload:      p,
		PayloadBytes: payload,
		Compact:      compact,
		jws:          jws,
	}, nil
}

func decodeSegment(i int, seg string) ([]byte, error) {
	name := segmentNames[i]
	if seg == "" {
		return nil, errorf(CodeMalformed, "%s segment is empty", name)
	}
	for j := 0; j < len(seg); j++ {
		c := seg[j]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			return nil, errorf(CodeMalformed, "%s segment has a byte outside the base64url alphabet at offset %d", name, j)
		}
	}
	b, err := b64.DecodeString(seg)
	if err != nil {
		return nil, errorf(CodeMalformed, "%s segment is not canonical unpadded base64url", name)
	}
	return b, nil
}

type headerEntry struct {
	key string
	raw json.RawMessage
}

// checkHeader validates the protected header against an allowlist. Only alg,
// kid, typ and cty may appear: crit and b64 change how the signature is
// computed, and embedded keys (jwk, x5c, jku, x5u) would invite verifying
// with a key the token chose rather than the one the association registered.
func checkHeader(b []byte) (kid string, err error) {
	if !utf8.Valid(b) {
		return "", errorf(CodeMalformed, "protected header is not valid UTF-8")
	}
	entries, err := readHeaderObject(b)
	if err != nil {
		return "", err
	}

	var alg json.RawMessage
	for _, e := range entries {
		if e.key == "alg" {
			alg = e.raw
		}
	}
	if alg == nil {
		return "", errorf(CodeBadAlgorithm, "protected header has no alg, only %s is accepted", algES256)
	}
	algName, ok := headerString(alg)
	if !ok {
		return "", errorf(CodeBadAlgorithm, "alg must be a string, got %s", jsonKind(alg))
	}
	if algName != algES256 {
		return "", errorf(CodeBadAlgorithm, "alg %s is not accepted, only %s", quote(algName), algES256)
	}

	haveKid := false
	for _, e := range entries {
		switch e.key {
		case "alg":
		case "kid":
			kid, ok = headerString(e.raw)
			if !ok {
				return "", errorf(CodeMalformed, "kid must be a string, got %s", jsonKind(e.raw))
			}
			if err := checkKeyID(kid); err != nil {
				return "", err
			}
			haveKid = true
		case "typ", "cty":
			if _, ok := headerString(e.raw); !ok {
				return "", errorf(CodeMalformed, "%s must be a string, got %s", e.key, jsonKind(e.raw))
			}
		case "crit", "b64":
			return "", errorf(CodeMalformed, "header %s is not supported", e.key)
		default:
			return "", errorf(CodeMalformed, "header %s is not allowed (allowed: alg, kid, typ, cty)", quote(e.key))
		}
	}
	if !haveKid {
		return "", errorf(CodeMalformed, "protected header has no kid")
	}
	return kid, nil
}

// readHeaderObject returns the header's members in order and refuses
// duplicates: go-jose keeps the last duplicate, another library may keep the
// first, and the two would disagree on alg or kid.
func readHeaderObject(b []byte) ([]headerEntry, error) {
	var entries []headerEntry
	err := strictjson.Members(b, func(key string, raw json.RawMessage) error {
		entries = append(entries, headerEntry{key: key, raw: raw})
		return nil
	})
	var dup *strictjson.DuplicateKeyError
	var syn *strictjson.SyntaxError
	switch {
	case err == nil:
		return entries, nil
	case errors.As(err, &dup):
		return nil, errorf(CodeMalformed, "duplicate header %s", quote(dup.Key))
	case errors.Is(err, strictjson.ErrNotObject):
		return nil, errorf(CodeMalformed, "protected header must be a JSON object")
	case errors.Is(err, strictjson.ErrTrailingData):
		return nil, errorf(CodeMalformed, "trailing data after the protected header object")
	case errors.As(err, &syn):
		return nil, errorf(CodeMalformed, "protected header is not valid JSON: %v", syn.Err)
	}
	return nil, err
}

func headerString(raw json.RawMessage) (string, bool) {
	if jsonKind(raw) != "a string" {
		return "", false
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return "", false
	}
	return s, true
}

func checkKeyID(kid string) error {
	if kid == "" {
		return errorf(CodeMalformed, "kid is empty")
	}
	if !utf8.ValidString(kid) {
		return errorf(CodeMalformed, "kid is not valid UTF-8")
	}
	if err := freetext.Check(kid); err != nil {
		return errorf(CodeMalformed, "kid %v", err)
	}
	if n := utf8.RuneCountInString(kid); n > maxKeyIDRunes {
		return errorf(CodeMalformed, "kid is %d characters, limit is %d", n, maxKeyIDRunes)
	}
	return nil
}

// Verify checks the signature with pub, the key registered for KeyID.
func (p *Parsed) Verify(pub *ecdsa.PublicKey) error {
	if p == nil || p.jws == nil {
		return errorf(CodeMalformed, "attestation was not produced by Parse")
	}
	if err := checkPublicKey(pub); err != nil {
		return err
	}
	out, err := p.jws.Verify(pub)
	if err != nil {
		return errorf(CodeBadSignature, "signature does not verify with the key given for kid %s", quote(p.KeyID))
	}
	// The exported fields are what callers store; make sure they still
	// describe the bytes that were actually verified.
	if !bytes.Equal(out, p.PayloadBytes) || ID(out) != p.ID {
		return errorf(CodeBadSignature, "PayloadBytes or ID were modified after Parse")
	}
	return nil
}

// Sign validates p, encodes it with encoding/json and signs the result.
func Sign(p *Payload, key *ecdsa.PrivateKey, kid string) (compact string, id string, err error) {
	if err := p.Validate(); err != nil {
		return "", "", err
	}
	b, err := json.Marshal(p)
	if err != nil {
		return "", "", invalidf("payload cannot be encoded: %v", err)
	}
	// Validate works on the struct, Parse on bytes; re-decoding guarantees we
	// never hand out a signed attestation that the ledger would refuse.
	if _, err := DecodePayload(b); err != nil {
		return "", "", err
	}
	return SignBytes(b, key, kid)
}

// SignBytes signs exactly payload, without validating it, so that tests can
// produce signed invalid payloads and bank tools can sign JSON they encoded
// themselves (they should run DecodePayload on it first).
func SignBytes(payload []byte, key *ecdsa.PrivateKey, kid string) (compact, id string, err error) {
	if err := checkKeyID(kid); err != nil {
		return "", "", err
	}
	if err := checkPrivateKey(key); err != nil {
		return "", "", err
	}
	signer, err := jose.NewSigner(
		jose.SigningKey{Algorithm: jose.ES256, Key: key},
		(&jose.SignerOptions{}).WithHeader("kid", kid),
	)
	if err != nil {
		return "", "", errorf(CodeBadAlgorithm, "cannot create ES256 signer: %v", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", "", errorf(CodeBadSignature, "signing failed: %v", err)
	}
	compact, err = obj.CompactSerialize()
	if err != nil {
		return "", "", errorf(CodeMalformed, "cannot serialize JWS: %v", err)
	}
	return compact, ID(payload), nil
}
