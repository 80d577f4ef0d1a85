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

func cmdKeygen(e *env, args []string) int {
	f := e.flags("keygen")
	out := f.String("out", "", "")
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

func cmdSign(e *env, args []string) int {
	f := e.flags("sign")
	keyFile := f.String("key", "", "")
	kid := f.String("kid", "", "")
	in := f.String("in", "-", "")
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
