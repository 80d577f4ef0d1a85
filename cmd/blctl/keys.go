package main

import (
	"crypto/ecdsa"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

const keygenUsage = `Usage: blctl keygen --out PREFIX

Creates an ES256 (ECDSA P-256) signing key pair for attestations:
PREFIX.key, the PKCS#8 private key (mode 0600, keep it secret), and
PREFIX.pub, the public key to register with the association. Existing
files are never overwritten (exit 1). Prints the key's RFC 7638 thumbprint,
which the association can compare with the registered key
(blctl members show MSP). No server is contacted.

Examples:
  blctl keygen --out /etc/blacklist/bank1-2026
  blctl members add-key Bank1MSP --kid bank1-2026 --pubkey /etc/blacklist/bank1-2026.pub
`

func cmdKeygen(e *env, args []string) int {
	f := e.flags("keygen", keygenUsage)
	out := f.String("out", "", "path prefix of the two files to write")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if code, ok := f.required("out"); !ok {
		return code
	}
	tp, err := keygen(*out)
	if err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		if err := e.printJSON(map[string]string{"privateKey": *out + ".key", "publicKey": *out + ".pub", "thumbprint": tp}); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintf(e.stderr, "wrote %s.key (private, mode 0600) and %s.pub\n", *out, *out)
	fmt.Fprintln(e.stdout, tp)
	return exitOK
}

// keygen writes the pair and returns the thumbprint. Both files are
// checked before either is written, so a refusal leaves nothing behind.
func keygen(prefix string) (string, error) {
	keyPath, pubPath := prefix+".key", prefix+".pub"
	for _, p := range []string{keyPath, pubPath} {
		if _, err := os.Lstat(p); err == nil {
			return "", refused(fmt.Errorf("%s already exists; refusing to overwrite a key", p))
		}
	}
	key, err := attestation.GenerateKey()
	if err != nil {
		return "", err
	}
	privPEM, err := attestation.MarshalPrivateKeyPEM(key)
	if err != nil {
		return "", err
	}
	pubPEM, err := attestation.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		return "", err
	}
	if err := writeNew(keyPath, privPEM, 0o600); err != nil {
		return "", err
	}
	if err := writeNew(pubPath, pubPEM, 0o644); err != nil {
		os.Remove(keyPath) // a private key without its public half is useless
		return "", err
	}
	return attestation.KeyThumbprint(&key.PublicKey), nil
}

// writeNew creates path exclusively: O_EXCL closes the race between the
// existence check and the write, so a key is never overwritten.
func writeNew(path, content string, mode os.FileMode) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, mode)
	if errors.Is(err, fs.ErrExist) {
		return refused(fmt.Errorf("%s already exists; refusing to overwrite a key", path))
	}
	if err != nil {
		return usagef("%v", err)
	}
	if _, err := f.WriteString(content); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

// loadPrivateKey reads a PEM private key file. An unreadable file is a
// usage error; a file that is not a P-256 key is refused.
func loadPrivateKey(path string) (*ecdsa.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, usagef("%v", err)
	}
	k, err := attestation.ParsePrivateKeyPEM(string(b))
	if err != nil {
		return nil, refused(fmt.Errorf("%s: %w", path, err))
	}
	return k, nil
}

// loadPublicKeyPEM reads and checks a PEM public key file, returning its
// text for the API; checking first turns a wrong file (a private key, a
// certificate) into a clear local message instead of a server refusal.
func loadPublicKeyPEM(path string) (string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return "", usagef("%v", err)
	}
	if _, err := attestation.ParsePublicKeyPEM(string(b)); err != nil {
		return "", refused(fmt.Errorf("%s: %w", path, err))
	}
	return strings.TrimSpace(string(b)) + "\n", nil
}

const signUsage = `Usage: blctl sign --key FILE --kid KID [--in FILE|-]

Signs one attestation payload (JSON, from --in or stdin) as a compact ES256
JWS. The payload is checked with the ledger's own rules first, so a token
blctl signs is never refused for its content. Prints the JWS on stdout and
the attestation id on stderr. No server is contacted.

A payload has every field of its type, e.g. a default:
  {"v":1,"type":"default","reporter":"Bank1MSP","subject":"<64 hex>",
   "issuedAt":"2026-03-01T09:00:00+08:00","loanRef":"<64 hex>",
   "product":"consumer","amount":12000000,"currency":"CNY",
   "overdueSince":"2025-10-01","daysPastDue":151,"noticeDate":"2026-01-15"}

Examples:
  blctl sign --key bank1.key --kid bank1-2026 --in default.json > default.jws
  jq -c . default.json | blctl sign --key bank1.key --kid bank1-2026
`

func cmdSign(e *env, args []string) int {
	f := e.flags("sign", signUsage)
	keyFile := f.String("key", "", "PEM private key file (PKCS#8 or SEC 1)")
	kid := f.String("kid", "", "key id registered for the key")
	in := f.String("in", "-", "payload JSON file, or - for stdin")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q (use --in FILE)", pos[0])
	}
	if code, ok := f.required("key", "kid"); !ok {
		return code
	}
	key, err := loadPrivateKey(*keyFile)
	if err != nil {
		return e.fail(err)
	}
	b, err := e.readInput(*in)
	if err != nil {
		return e.fail(err)
	}
	p, err := attestation.DecodePayload(b)
	if err != nil {
		return e.fail(refused(err))
	}
	jws, id, err := attestation.Sign(p, key, *kid)
	if err != nil {
		return e.fail(refused(err))
	}
	fmt.Fprintln(e.stderr, "id:", id)
	if e.jsonOut() {
		if err := e.printJSON(map[string]string{"id": id, "kid": *kid, "jws": jws}); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	fmt.Fprintln(e.stdout, jws)
	return exitOK
}
