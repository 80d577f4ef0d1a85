package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

func TestKeygen(t *testing.T) {
	prefix := filepath.Join(t.TempDir(), "bank1-2026")
	code, out, stderr := runCLI(t, "", "keygen", "--out", prefix)
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	st, err := os.Stat(prefix + ".key")
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("private key file: %v %v", st, err)
	}
	priv, err := attestation.ParsePrivateKeyPEM(mustRead(t, prefix+".key"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mustRead(t, prefix+".key"), "-----BEGIN PRIVATE KEY-----") {
		t.Error("private key is not PKCS#8")
	}
	pub, err := attestation.ParsePublicKeyPEM(mustRead(t, prefix+".pub"))
	if err != nil || !pub.Equal(&priv.PublicKey) {
		t.Fatalf("public key does not match: %v", err)
	}
	if strings.TrimSpace(out) != attestation.KeyThumbprint(pub) {
		t.Errorf("printed %q, thumbprint is %q", out, attestation.KeyThumbprint(pub))
	}

	before := mustRead(t, prefix+".key")
	code, _, stderr = runCLI(t, "", "keygen", "--out", prefix)
	if code != exitRefused || !strings.Contains(stderr, "refusing to overwrite") {
		t.Fatalf("second keygen: exit %d\n%s", code, stderr)
	}
	if mustRead(t, prefix+".key") != before {
		t.Fatal("private key overwritten")
	}

	// Either half existing is enough to refuse, and nothing is written.
	other := filepath.Join(t.TempDir(), "k")
	os.WriteFile(other+".pub", []byte("x"), 0o644)
	if code, _, _ := runCLI(t, "", "keygen", "--out", other); code != exitRefused {
		t.Fatalf("keygen over an existing .pub: exit %d", code)
	}
	if _, err := os.Stat(other + ".key"); !os.IsNotExist(err) {
		t.Fatal("private key written although the public one exists")
	}
}

func TestSign(t *testing.T) {
	dir := t.TempDir()
	key := writeKey(t, dir)
	code, out, stderr := runCLI(t, payloadLine(1, true), "sign", "--key", key, "--kid", "bank1-2026")
	if code != exitOK {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	p, err := attestation.Parse(strings.TrimSpace(out))
	if err != nil {
		t.Fatal(err)
	}
	if p.KeyID != "bank1-2026" || !strings.Contains(stderr, p.ID) || p.Payload.LoanRef != hex64("loan", 1) {
		t.Errorf("kid %q id %s stderr %q", p.KeyID, p.ID, stderr)
	}
	k, _ := attestation.ParsePrivateKeyPEM(mustRead(t, key))
	if err := p.Verify(&k.PublicKey); err != nil {
		t.Error(err)
	}

	in := filepath.Join(dir, "p.json")
	os.WriteFile(in, []byte(payloadLine(2, true)), 0o644)
	code, out, _ = runCLI(t, "", "--output", "json", "sign", "--key", key, "--kid", "k", "--in", in)
	var j map[string]string
	if code != exitOK || json.Unmarshal([]byte(out), &j) != nil || j["jws"] == "" || j["id"] == "" {
		t.Fatalf("json sign: exit %d %q", code, out)
	}

	code, _, stderr = runCLI(t, payloadLine(1, false), "sign", "--key", key, "--kid", "k")
	if code != exitRefused || !strings.Contains(stderr, "missing field v") {
		t.Errorf("incomplete payload: exit %d\n%s", code, stderr)
	}
	os.WriteFile(filepath.Join(dir, "bad.key"), []byte("not a key"), 0o600)
	if code, _, _ := runCLI(t, payloadLine(1, true), "sign", "--key", filepath.Join(dir, "bad.key"), "--kid", "k"); code != exitRefused {
		t.Errorf("bad key: exit %d", code)
	}
}

func TestSubjectKeyLocalEqualsDerive(t *testing.T) {
	dir := t.TempDir()
	secretFile := filepath.Join(dir, "consortium.secret")
	os.WriteFile(secretFile, []byte(hex.EncodeToString(testSecret)+"\n"), 0o600)
	d, err := subjectkey.NewDeriver(testSecret)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct{ idType, number string }{
		{"cn-ric", "11010519491231002X"},
		{"cn-ric", "11010519491231002x"},
		{"passport", "CHN E12345678"},
	} {
		want, err := d.Derive(tc.idType, tc.number)
		if err != nil {
			t.Fatal(err)
		}
		code, out, stderr := runCLI(t, "", "subject-key", "--id-type", tc.idType, "--id-number", tc.number, "--secret-file", secretFile)
		if code != exitOK || out != want+"\n" {
			t.Errorf("%s %s: exit %d, printed %q, want %q\n%s", tc.idType, tc.number, code, out, want, stderr)
		}
		code, out, _ = runCLI(t, tc.number+"\n", "subject-key", "--id-type", tc.idType, "--id-number", "-", "--secret-file", secretFile)
		if code != exitOK || out != want+"\n" {
			t.Errorf("%s from stdin: exit %d, printed %q", tc.idType, code, out)
		}
	}
	code, _, stderr := runCLI(t, "", "subject-key", "--id-type", "cn-ric", "--id-number", "110101199003074478", "--secret-file", secretFile)
	if code != exitRefused || strings.Contains(stderr, "110101199003074478") {
		t.Errorf("bad check digit: exit %d, stderr %q", code, stderr)
	}
	os.WriteFile(secretFile, []byte("zz"), 0o600)
	if code, _, _ := runCLI(t, "", "subject-key", "--id-type", "cn-ric", "--id-number", "11010519491231002X", "--secret-file", secretFile); code != exitUsage {
		t.Errorf("bad secret file: exit %d", code)
	}
}

func TestSubjectKeyRemote(t *testing.T) {
	f := newFake(t)
	d, _ := subjectkey.NewDeriver(testSecret)
	want, _ := d.Derive("cn-ric", "11010519491231002X")
	code, out, stderr := f.cli(t, "", "subject-key", "--id-type", "cn-ric", "--id-number", "11010519491231002X")
	if code != exitOK || out != want+"\n" {
		t.Fatalf("exit %d, printed %q, want %q\n%s", code, out, want, stderr)
	}
	code, _, stderr = f.cli(t, "", "subject-key", "--id-type", "cn-ric", "--id-number", "123")
	if code != exitRefused || !strings.Contains(stderr, "invalid-argument") {
		t.Errorf("invalid number: exit %d\n%s", code, stderr)
	}
}
