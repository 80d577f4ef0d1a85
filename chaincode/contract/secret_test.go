package contract

import (
	"crypto/ecdh"
	"crypto/ecdsa"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/sealedsecret"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// secretWorld is the tests' consortium on a ledger whose Init recorded the
// key-check value of secret.
func secretWorld(t *testing.T) (*world, []byte) {
	secret, _ := sealedsecret.NewSecret()
	w := &world{t: t, c: &Contract{}, st: state.NewMemory(), now: t0,
		keys: map[string]*ecdsa.PrivateKey{}, kids: map[string]string{}}
	w.other, _ = attestation.GenerateKey()
	w.must(assoc, "Init", InitRequest{Association: assoc, LegalName: "Credit Association", SubjectKeyCheck: sealedsecret.KeyCheck(secret)})
	w.admit(bank1, "91350100M000100Y43", RoleReporter, RoleQuerier)
	w.admit(bank2, "91110000600037341L", RoleReporter, RoleQuerier)
	return w, secret
}

func nodeKey(t *testing.T) (*ecdh.PrivateKey, string) {
	k, _ := sealedsecret.GenerateKey()
	p, err := sealedsecret.MarshalPublicKeyPEM(k.PublicKey())
	if err != nil {
		t.Fatal(err)
	}
	return k, p
}

func (w *world) secretStatus(msp string) SecretStatus {
	w.t.Helper()
	var s SecretStatus
	if err := w.call(bank2, "SecretStatus", SecretStatusRequest{MSPID: msp}, &s); err != nil {
		w.t.Fatal(err)
	}
	return s
}

func TestInitKeyCheck(t *testing.T) {
	fresh := &world{t: t, c: &Contract{}, st: state.NewMemory(), now: t0}
	for _, bad := range []string{"abc", strings.Repeat("A", 64), strings.Repeat("0", 63) + "g"} {
		fresh.refuse(assoc, "Init", InitRequest{Association: assoc, LegalName: "x", SubjectKeyCheck: bad}, CodeInvalidArgument)
	}
	// Without a check value Init still works (embedded single-operator
	// ledgers); SecretStatus then says none was recorded.
	fresh.must(assoc, "Init", InitRequest{Association: assoc, LegalName: "x"})
	if s := fresh.secretStatus(assoc); s.KeyCheck != "" || s.Association != assoc || len(s.Members) != 1 {
		t.Fatalf("%+v", s)
	}
	empty := &world{t: t, c: &Contract{}, st: state.NewMemory(), now: t0}
	empty.refuse(bank1, "SecretStatus", SecretStatusRequest{}, CodeFailedPrecondition)
}

func TestRegisterNodeKey(t *testing.T) {
	w, _ := secretWorld(t)
	k, pemKey := nodeKey(t)
	w.refuse(assoc, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: pemKey}, CodeForbidden)
	w.refuse(bank2, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: pemKey}, CodeForbidden)
	w.refuse("StrangerMSP", "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: "StrangerMSP", PublicKey: pemKey}, CodeForbidden)
	w.refuse(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: "nope"}, CodeInvalidArgument)
	// A signing key of the wrong curve or a private JWK is refused too.
	sig, _ := attestation.GenerateKey()
	priv := `{"kty":"EC","crv":"P-256","x":"` + base64.RawURLEncoding.EncodeToString(sig.PublicKey.X.FillBytes(make([]byte, 32))) +
		`","y":"` + base64.RawURLEncoding.EncodeToString(sig.PublicKey.Y.FillBytes(make([]byte, 32))) + `","d":"AA"}`
	w.refuse(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: priv}, CodeInvalidArgument)

	var nk NodeKey
	if err := w.call(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: pemKey}, &nk); err != nil {
		t.Fatal(err)
	}
	if nk.Thumbprint != sealedsecret.Thumbprint(k.PublicKey()) || nk.MSPID != bank1 {
		t.Fatalf("%+v", nk)
	}
	// The same key as a JWK is the same key: nothing changes.
	b := k.PublicKey().Bytes()
	jwk := `{"kty":"EC","crv":"P-256","x":"` + base64.RawURLEncoding.EncodeToString(b[1:33]) + `","y":"` + base64.RawURLEncoding.EncodeToString(b[33:]) + `"}`
	before := w.snapshot()
	w.now = w.now.Add(1)
	w.must(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: jwk})
	if w.snapshot() != before {
		t.Fatal("registering the same key again changed the state")
	}
	// A suspended member cannot register one.
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank2, Reason: "audit"})
	w.refuse(bank2, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank2, PublicKey: pemKey}, CodeForbidden)
}

func TestSealSecret(t *testing.T) {
	w, secret := secretWorld(t)
	kcv := sealedsecret.KeyCheck(secret)
	k, pemKey := nodeKey(t)
	seal := func(msp string, to *ecdh.PublicKey) SealSecretRequest {
		env, err := sealedsecret.Seal(secret, to, msp, kcv)
		if err != nil {
			t.Fatal(err)
		}
		return SealSecretRequest{MSPID: msp, Thumbprint: sealedsecret.Thumbprint(to), KeyCheck: kcv, Envelope: env}
	}
	good := seal(bank1, k.PublicKey())
	w.refuse(assoc, "SealSecret", good, CodeFailedPrecondition) // no node key yet
	w.must(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: pemKey})

	w.refuse(bank1, "SealSecret", good, CodeForbidden)
	unknown := good
	unknown.MSPID = "Bank9MSP"
	w.refuse(assoc, "SealSecret", unknown, CodeNotFound)
	other, _ := nodeKey(t)
	w.refuse(assoc, "SealSecret", seal(bank1, other.PublicKey()), CodeConflict)
	otherSecret, _ := sealedsecret.NewSecret()
	wrongKCV := good
	wrongKCV.KeyCheck = sealedsecret.KeyCheck(otherSecret)
	w.refuse(assoc, "SealSecret", wrongKCV, CodeInvalidArgument)
	broken := good
	broken.Envelope.Ciphertext = "AAAA"
	w.refuse(assoc, "SealSecret", broken, CodeInvalidArgument)

	var s SealedSecret
	if err := w.call(assoc, "SealSecret", good, &s); err != nil {
		t.Fatal(err)
	}
	st := w.secretStatus(bank1)
	if st.KeyCheck != kcv || len(st.Members) != 1 || !st.Members[0].Current || st.Members[0].Sealed.TxID == "" {
		t.Fatalf("%+v", st)
	}
	// The member's node opens its copy from the ledger; the secret itself
	// is nowhere in the world state.
	got, err := sealedsecret.Open(st.Members[0].Sealed.Envelope, k, bank1, st.KeyCheck)
	if err != nil || string(got) != string(secret) {
		t.Fatalf("open: %v", err)
	}
	snap := w.snapshot()
	for _, enc := range []string{string(secret), base64.StdEncoding.EncodeToString(secret), base64.RawURLEncoding.EncodeToString(secret), hexString(secret)} {
		if strings.Contains(snap, enc) {
			t.Fatal("the secret is on the ledger in the clear")
		}
	}

	// A new node key makes the copy stale until the association seals again.
	k2, pem2 := nodeKey(t)
	w.must(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: pem2})
	if w.secretStatus(bank1).Members[0].Current {
		t.Fatal("a copy sealed to the old key counts as current")
	}
	w.refuse(assoc, "SealSecret", good, CodeConflict)
	w.must(assoc, "SealSecret", seal(bank1, k2.PublicKey()))

	// Suspended members get no copy.
	_, pem3 := nodeKey(t)
	w.must(bank2, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank2, PublicKey: pem3})
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank2, Reason: "audit"})
	k3, _ := sealedsecret.ParsePublicKey(pem3)
	w.refuse(assoc, "SealSecret", seal(bank2, k3), CodeFailedPrecondition)

	all := w.secretStatus("")
	if len(all.Members) != 3 {
		t.Fatalf("%+v", all)
	}
}

func TestSealSecretWithoutKeyCheck(t *testing.T) {
	w := newWorld(t) // Init without a key-check value
	secret, _ := sealedsecret.NewSecret()
	k, pemKey := nodeKey(t)
	w.must(bank1, "RegisterNodeKey", RegisterNodeKeyRequest{MSPID: bank1, PublicKey: pemKey})
	kcv := sealedsecret.KeyCheck(secret)
	env, _ := sealedsecret.Seal(secret, k.PublicKey(), bank1, kcv)
	w.refuse(assoc, "SealSecret", SealSecretRequest{MSPID: bank1, Thumbprint: sealedsecret.Thumbprint(k.PublicKey()), KeyCheck: kcv, Envelope: env}, CodeFailedPrecondition)
}

func TestAdmitWithNodeKey(t *testing.T) {
	w, _ := secretWorld(t)
	k, pemKey := nodeKey(t)
	req := AdmitMemberRequest{MSPID: "Bank9MSP", LegalName: "Bank Nine", CreditCode: "91350100M000100Y43", Roles: []string{RoleQuerier}, NodeKey: "bad"}
	w.refuse(assoc, "AdmitMember", req, CodeInvalidArgument)
	req.NodeKey = pemKey
	w.must(assoc, "AdmitMember", req)
	st := w.secretStatus("Bank9MSP")
	if st.Members[0].NodeKey == nil || st.Members[0].NodeKey.Thumbprint != sealedsecret.Thumbprint(k.PublicKey()) || st.Members[0].Current {
		t.Fatalf("%+v", st)
	}
}

func hexString(b []byte) string {
	const digits = "0123456789abcdef"
	out := make([]byte, 0, 2*len(b))
	for _, c := range b {
		out = append(out, digits[c>>4], digits[c&15])
	}
	return string(out)
}
