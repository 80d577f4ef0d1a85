package node

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/sealedsecret"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

// A valid PRC resident identity number (check digit included).
const testRIC = "11010519491231002X"

func submitTx(t *testing.T, l *embedded.Ledger, creator, fn string, req any) {
	t.Helper()
	arg, _ := json.Marshal(req)
	if _, err := l.Submit(context.Background(), creator, fn, arg); err != nil {
		t.Fatalf("%s by %s: %v", fn, creator, err)
	}
}

func openEmbedded(t *testing.T) *embedded.Ledger {
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(t.TempDir(), "ledger")})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

func waitSecret(t *testing.T, n *Node) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	select {
	case <-n.SecretReady():
	case <-ctx.Done():
		t.Fatalf("no secret: %s", n.SecretState().Reason)
	}
}

// waitReason waits for the node's first look at the ledger to say why it
// has no secret.
func waitReason(t *testing.T, n *Node, want string) {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(n.SecretState().Reason, want); time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("reason %q, want %q", n.SecretState().Reason, want)
		}
	}
}

func perm(t *testing.T, path string) os.FileMode {
	t.Helper()
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	return st.Mode().Perm()
}

// TestLocalSecretMustMatchInit: a single operator's node keeps its local
// secret, but once Init recorded that secret's check value, a node given
// another secret refuses to start.
func TestLocalSecretMustMatchInit(t *testing.T) {
	dir := t.TempDir()
	l := openEmbedded(t)
	n, err := Open(dir, l)
	if err != nil {
		t.Fatal(err)
	}
	kcv := n.SubjectKeyCheck()
	if !sealedsecret.ValidKeyCheck(kcv) || perm(t, filepath.Join(dir, SecretFile)) != 0o600 {
		t.Fatalf("local secret: %q", kcv)
	}
	submitTx(t, l, "AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "A", SubjectKeyCheck: kcv})
	k1, err := n.SubjectKey(subjectkey.CNRIC, testRIC)
	if err != nil {
		t.Fatal(err)
	}
	n.Close()

	n, err = Open(dir, l) // same secret: starts, same keys
	if err != nil {
		t.Fatal(err)
	}
	if k2, _ := n.SubjectKey(subjectkey.CNRIC, testRIC); k2 != k1 {
		t.Fatal("another key after a restart")
	}
	n.Close()

	other, _ := sealedsecret.NewSecret()
	if err := writeSecret(filepath.Join(dir, SecretFile), other); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, l); !errors.Is(err, ErrSecretMismatch) || !strings.Contains(err.Error(), kcv) {
		t.Fatalf("a node with another secret started: %v", err)
	}
	// Nor does a fresh data directory, which would invent a new secret.
	if _, err := Open(t.TempDir(), l); !errors.Is(err, ErrSecretMismatch) {
		t.Fatalf("a fresh node started with a new secret: %v", err)
	}
}

func TestClientAdministrationHoldsNoSecret(t *testing.T) {
	dir := t.TempDir()
	n, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if _, err := os.Stat(filepath.Join(dir, SecretFile)); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("client administration created a secret: %v", err)
	}
	if _, err := n.SubjectKey(subjectkey.CNRIC, testRIC); !errors.Is(err, ErrSecretUnavailable) {
		t.Fatal(err)
	}
}

// TestConsortiumDistribution runs the distribution on one embedded ledger
// shared by three organisations' nodes: the association's holds the secret
// from its file and seals it; Bank1's registers its node key and opens its
// copy; Bank2 gives its key at admission; nodes with another secret, or
// none where one was named, refuse to start.
func TestConsortiumDistribution(t *testing.T) {
	l := openEmbedded(t)
	secretFile := filepath.Join(t.TempDir(), "assoc.secret")
	kcv, err := NewSecretFile(secretFile)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := NewSecretFile(secretFile); err == nil {
		t.Fatal("NewSecretFile replaced an existing secret")
	}
	if perm(t, secretFile) != 0o600 {
		t.Fatal("secret file readable by others")
	}
	opts := func(member, file string) Options {
		return Options{Secret: SecretOptions{Consortium: true, Member: member, File: file, Poll: 20 * time.Millisecond}, Logf: t.Logf}
	}

	// Before Init nobody can derive, and a member's node says why.
	bank1Dir := t.TempDir()
	bank1, err := OpenWith(bank1Dir, l, opts("Bank1MSP", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer func() { bank1.Close() }()
	if _, err := bank1.SubjectKey(subjectkey.CNRIC, testRIC); !errors.Is(err, ErrSecretUnavailable) {
		t.Fatalf("derived without a secret: %v", err)
	}

	submitTx(t, l, "AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "A", SubjectKeyCheck: kcv})
	submitTx(t, l, "AssocMSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: "Bank1MSP", LegalName: "B1",
		CreditCode: "91350100M000100Y43", Roles: []string{contract.RoleQuerier}})
	if _, err := OpenWith(t.TempDir(), l, opts("AssocMSP", filepath.Join(t.TempDir(), "missing"))); err == nil {
		t.Fatal("a named secret file that does not exist was accepted")
	}
	assoc, err := OpenWith(t.TempDir(), l, opts("AssocMSP", secretFile))
	if err != nil {
		t.Fatal(err)
	}
	defer assoc.Close()
	if !assoc.SecretState().Available || assoc.SubjectKeyCheck() != kcv {
		t.Fatalf("association: %+v", assoc.SecretState())
	}

	waitSecret(t, bank1)
	want, _ := assoc.SubjectKey(subjectkey.CNRIC, testRIC)
	if got, err := bank1.SubjectKey(subjectkey.CNRIC, testRIC); err != nil || got != want {
		t.Fatalf("Bank1 derives %s, the association %s (%v)", got, want, err)
	}
	for _, f := range []string{SecretFile, NodeKeyFile} {
		if perm(t, filepath.Join(bank1Dir, f)) != 0o600 {
			t.Fatalf("%s readable by others", f)
		}
	}
	if got, _ := SecretFileKeyCheck(filepath.Join(bank1Dir, SecretFile)); got != kcv {
		t.Fatal("Bank1 stored another secret")
	}

	// Restarted, Bank1's node has its secret at once.
	bank1.Close()
	bank1, err = OpenWith(bank1Dir, l, opts("Bank1MSP", ""))
	if err != nil || !bank1.SecretState().Available {
		t.Fatalf("restart: %v %+v", err, bank1.SecretState())
	}

	// Bank2's node, not yet admitted, waits and says why; its key, given
	// at admission, is sealed to without the node registering it.
	bank2Dir := t.TempDir()
	k2, _ := loadOrCreateNodeKey(filepath.Join(bank2Dir, NodeKeyFile))
	bank2, err := OpenWith(bank2Dir, l, opts("Bank2MSP", ""))
	if err != nil {
		t.Fatal(err)
	}
	defer bank2.Close()
	waitReason(t, bank2, "not a member")
	if _, err := bank2.SubjectKey(subjectkey.CNRIC, testRIC); !errors.Is(err, ErrSecretUnavailable) || !strings.Contains(err.Error(), "not a member") {
		t.Fatalf("Bank2 before admission: %v", err)
	}
	pub, _ := sealedsecret.MarshalPublicKeyPEM(k2.PublicKey())
	h := l.Height()
	submitTx(t, l, "AssocMSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: "Bank2MSP", LegalName: "B2",
		CreditCode: "91110000600037341L", Roles: []string{contract.RoleQuerier}, NodeKey: pub})
	waitSecret(t, bank2)
	if got, _ := bank2.SubjectKey(subjectkey.CNRIC, testRIC); got != want {
		t.Fatal("Bank2 derives another key")
	}
	// Admission, then one seal: Bank2's node registered nothing itself.
	if l.Height() != h+2 {
		t.Fatalf("%d transactions after the admission, want 2 (admit, seal)", l.Height()-h)
	}

	// A member's node with a secret of its own refuses to start.
	wrongDir := t.TempDir()
	other, _ := sealedsecret.NewSecret()
	writeSecret(filepath.Join(wrongDir, SecretFile), other)
	_, err = OpenWith(wrongDir, l, opts("Bank1MSP", ""))
	if !errors.Is(err, ErrSecretMismatch) || !strings.Contains(err.Error(), kcv) {
		t.Fatalf("a node with another secret: %v", err)
	}
	// The secret is nowhere on the ledger in the clear.
	secret, _ := readSecret(secretFile, true)
	res, _ := l.Evaluate("AssocMSP", "SecretStatus", []byte(`{}`))
	if strings.Contains(string(res.Payload), string(secret)) || strings.Contains(string(res.Payload), hex.EncodeToString(secret)) {
		t.Fatal("the secret is on the ledger")
	}
}

// TestConsortiumWithoutKeyCheck: on a ledger whose Init recorded no check
// value a consortium node cannot tell secrets apart, and says so.
func TestConsortiumWithoutKeyCheck(t *testing.T) {
	l := openEmbedded(t)
	submitTx(t, l, "AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "A"})
	n, err := OpenWith(t.TempDir(), l, Options{Secret: SecretOptions{Consortium: true, Member: "AssocMSP", Poll: 20 * time.Millisecond}})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	waitReason(t, n, "no subjectKeyCheck")
	if _, err := n.SubjectKey(subjectkey.CNRIC, testRIC); !errors.Is(err, ErrSecretUnavailable) {
		t.Fatal(err)
	}
}
