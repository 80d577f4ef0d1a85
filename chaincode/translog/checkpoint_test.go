package translog

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func keys(t testing.TB, orgs ...string) ([]LogKey, []OrgKey) {
	t.Helper()
	var ks []LogKey
	var known []OrgKey
	for _, o := range orgs {
		k, err := GenerateLogKey(o)
		if err != nil {
			t.Fatal(err)
		}
		ks = append(ks, k)
		known = append(known, OrgKey{Org: o, Verifier: k.Verifier})
	}
	return ks, known
}

func TestParseCheckpointRefusesNonCanonical(t *testing.T) {
	good := Checkpoint{Origin: Origin("ch1"), Size: 10, Root: Hash{1, 2, 3}}.Text()
	for name, text := range map[string]string{
		"no newline":      strings.TrimSuffix(good, "\n"),
		"extension line":  good + "ext\n",
		"two heads lines": good + "heads 1 " + strings.Split(good, "\n")[2] + "\nheads 1 " + strings.Split(good, "\n")[2] + "\n",
		"bad heads size":  good + "heads x " + strings.Split(good, "\n")[2] + "\n",
		"negative size":   strings.Replace(good, "\n10\n", "\n-1\n", 1),
		"leading zero":    strings.Replace(good, "\n10\n", "\n010\n", 1),
		"short root":      "o\n1\nAAAA\n",
		"empty origin":    strings.Replace(good, Origin("ch1"), "", 1),
		"unpadded base64": "o\n1\n" + strings.TrimRight(strings.Split(good, "\n")[2], "=") + "\n",
	} {
		if _, err := ParseCheckpoint(text); err == nil {
			t.Errorf("%s: parsed", name)
		}
	}
	c, err := ParseCheckpoint(good)
	if err != nil || c.Size != 10 || c.Root != (Hash{1, 2, 3}) || c.Origin != "blacklist.assoc/ch1" {
		t.Fatalf("%+v %v", c, err)
	}
}

func TestOpenCheckpointRefusals(t *testing.T) {
	ks, known := keys(t, "Org1MSP", "Org2MSP", "Org3MSP")
	stranger, _ := keys(t, "Org9MSP")
	c := Checkpoint{Origin: Origin("ch1"), Size: 3, Root: Hash{9}}
	msg, err := SignCheckpoint(c, ks[0].Signer, ks[1].Signer)
	if err != nil {
		t.Fatal(err)
	}

	altered := bytes.Replace(msg, []byte("\n3\n"), []byte("\n4\n"), 1)
	var invalid *InvalidSignatureError
	if _, err := OpenCheckpoint(altered, known); !errors.As(err, &invalid) || invalid.Org != "Org1MSP" {
		t.Errorf("altered body: %v", err)
	}

	lines := strings.Split(string(msg), "\n")
	line := lines[len(lines)-2]
	name, b64 := line[:strings.LastIndex(line, " ")], line[strings.LastIndex(line, " ")+1:]
	raw, _ := base64.StdEncoding.DecodeString(b64)
	raw[10] ^= 1 // a byte of the signature, after the key hash
	lines[len(lines)-2] = name + " " + base64.StdEncoding.EncodeToString(raw)
	if _, err := OpenCheckpoint([]byte(strings.Join(lines, "\n")), known); !errors.As(err, &invalid) || invalid.Org != "Org2MSP" {
		t.Errorf("altered signature: %v", err)
	}

	only, err := SignCheckpoint(c, stranger[0].Signer)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCheckpoint(only, known); err == nil || !strings.Contains(err.Error(), "Org9MSP+") {
		t.Errorf("signed by no known key: %v", err)
	}

	if _, err := OpenCheckpoint(msg, []OrgKey{{Org: "Org2MSP", Verifier: ks[0].Verifier}}); err == nil {
		t.Error("a key listed under another organisation's name was used")
	}

	opened, err := OpenCheckpoint(msg, known)
	if err != nil {
		t.Fatal(err)
	}
	if err := opened.Quorum(3); err == nil || !strings.Contains(err.Error(), "2 organisation(s) (Org1MSP, Org2MSP), the quorum is 3") {
		t.Errorf("quorum: %v", err)
	}
}

func TestCosignedCheckpoint(t *testing.T) {
	ks, known := keys(t, "Org1MSP", "Org2MSP", "Org3MSP")
	stranger, _ := keys(t, "Org9MSP")
	second, err := GenerateLogKey("Org1MSP") // a rotated key of the same organisation
	if err != nil {
		t.Fatal(err)
	}
	known = append(known, OrgKey{Org: "Org1MSP", Verifier: second.Verifier})
	c := Checkpoint{Origin: Origin("ch1"), Size: 3, Root: Hash{9}}
	var notes [][]byte
	for _, s := range []string{ks[0].Signer, second.Signer, ks[2].Signer, stranger[0].Signer, ks[2].Signer} {
		n, err := SignCheckpoint(c, s)
		if err != nil {
			t.Fatal(err)
		}
		notes = append(notes, n)
	}
	other, _ := SignCheckpoint(Checkpoint{Origin: c.Origin, Size: 4, Root: c.Root}, ks[1].Signer)
	if _, err := MergeSignatures(append(notes, other)...); err == nil {
		t.Error("merged signatures of different checkpoints")
	}
	merged, err := MergeSignatures(notes...)
	if err != nil {
		t.Fatal(err)
	}
	o, err := OpenCheckpoint(merged, known)
	if err != nil {
		t.Fatal(err)
	}
	if !o.Checkpoint.Equal(c) || strings.Join(o.Orgs, ",") != "Org1MSP,Org3MSP" || len(o.Signers) != 3 {
		t.Fatalf("opened: %+v", o)
	}
	if len(o.Unknown) != 1 || o.Unknown[0].KeyName != "Org9MSP" {
		t.Errorf("unknown: %+v", o.Unknown)
	}
	if o.Quorum(2) != nil || o.Quorum(3) == nil || !o.SignedBy("Org3MSP") || o.SignedBy("Org2MSP") {
		t.Error("quorum or signers wrong")
	}
	if err := CheckVerifierKey("Org2MSP", ks[0].Verifier); err == nil {
		t.Error("a key named Org1MSP registered for Org2MSP")
	}
	if _, err := GenerateLogKey("Org 1"); err == nil {
		t.Error("a key name with a space")
	}
}
