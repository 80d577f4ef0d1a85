package fabric

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// networkDir is a running network from `scripts/network.sh up`; the tests
// that need one skip without it.
func networkDir(t testing.TB) string {
	dir := os.Getenv("BLACKLIST_FABRIC_RUN")
	if dir == "" {
		t.Skip("set BLACKLIST_FABRIC_RUN to network/.run of a running network (scripts/network.sh up)")
	}
	return dir
}

// peerAddr is an organisation's peer endpoint, host:port, from
// network/ports.env, the one place the network's addresses and ports are
// listed (each organisation listens on its own address).
func peerAddr(t testing.TB, run, org string) string {
	o := strings.ToUpper(org)
	return fmt.Sprintf("%s:%d", hostOf(t, run, o+"_HOST"), portOf(t, run, o+"_PEER_PORT"))
}

// portOf reads the port called name (ASSOC_PEER_PORT, ORDERER0_OPS_PORT)
// from network/ports.env.
func portOf(t testing.TB, run, name string) int {
	port, err := strconv.Atoi(envValue(t, run, name))
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// hostOf reads the address called name (ORDERER_HOST, BANK1_HOST) from
// network/ports.env.
func hostOf(t testing.TB, run, name string) string { return envValue(t, run, name) }

func envValue(t testing.TB, run, name string) string {
	b, err := os.ReadFile(filepath.Join(run, "..", "ports.env"))
	if err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, name+"="); ok {
			return strings.TrimSpace(v)
		}
	}
	t.Fatalf("no %s in ports.env", name)
	return ""
}

// open connects a node of org (assoc, bank1, bank2) as its Admin user,
// with a fresh replica.
func open(t testing.TB, run, org, msp string) *Ledger {
	l, err := openAt(t, run, org, msp, t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	return l
}

// openAt connects a node of org with its replica in replicaDir.
func openAt(t testing.TB, run, org, msp, replicaDir string) (*Ledger, error) {
	// The organisation's own directory (network.sh install_org_dirs).
	base := filepath.Join(run, org, "crypto")
	user := filepath.Join(base, "users", "Admin@"+org+".example.com", "msp")
	return Open(Options{
		PeerEndpoint: peerAddr(t, run, org),
		TLSCACert:    filepath.Join(base, "peers", "peer0."+org+".example.com", "tls", "ca.crt"),
		MSPID:        msp,
		CertFile:     filepath.Join(user, "signcerts", "Admin@"+org+".example.com-cert.pem"),
		KeyFile:      filepath.Join(user, "keystore", "priv_sk"),
		Channel:      "blacklist",
		Chaincode:    "blacklist",
		ReplicaDir:   replicaDir,
		Logf:         t.Logf,
	})
}

// registerKey registers a fresh ES256 key for member, submitted through
// node l as creator (the association, or the member itself), and returns
// the key, its kid and the height the registration committed at.
func registerKey(ctx context.Context, t testing.TB, l *Ledger, creator, member string) (*ecdsa.PrivateKey, string, uint64) {
	t.Helper()
	key, _ := attestation.GenerateKey()
	pub, _ := attestation.MarshalPublicKeyPEM(&key.PublicKey)
	kid := fmt.Sprintf("%s-test-%d", member, time.Now().UnixNano())
	res, err := l.Submit(ctx, creator, "RegisterKey", mustJSON(contract.RegisterKeyRequest{MSPID: member,
		KeyRequest: contract.KeyRequest{KID: kid, PublicKey: pub}}))
	if err != nil {
		t.Fatal(err)
	}
	return key, kid, res.Height
}

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestAgainstARunningNetwork submits through the Gateway service and reads
// from the replica: read-your-writes on the submitting node, the other
// organisation's node catching up from its own peer, and chaincode
// refusals surfacing as contract errors.
func TestAgainstARunningNetwork(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	assoc := open(t, run, "assoc", "AssocMSP")
	bank1 := open(t, run, "bank1", "Bank1MSP")

	key, kid, height := registerKey(ctx, t, assoc, "AssocMSP", "Bank1MSP")
	if err := bank1.Replica().WaitForHeight(ctx, height); err != nil {
		t.Fatal(err)
	}

	dpd, amount := 120, int64(990000)
	subject := hexOf(fmt.Sprint("fabric subject ", time.Now().UnixNano()))
	p := &attestation.Payload{V: 1, Type: "default", Reporter: "Bank1MSP", Subject: subject, IssuedAt: time.Now().UTC().Add(-time.Minute).Format(time.RFC3339),
		LoanRef: hexOf(subject), Product: "mortgage", Amount: &amount, Currency: "CNY", OverdueSince: time.Now().AddDate(0, 0, -130).Format("2006-01-02"),
		DaysPastDue: &dpd, NoticeDate: time.Now().AddDate(0, 0, -100).Format("2006-01-02")}
	jws, id, err := attestation.Sign(p, key, kid)
	if err != nil {
		t.Fatal(err)
	}
	arg, _ := json.Marshal(contract.SubmitRequest{Attestations: []string{jws}})
	res, err := bank1.Submit(ctx, "Bank1MSP", "SubmitAttestations", arg)
	if err != nil {
		t.Fatal(err)
	}
	var sr contract.SubmitResult
	if json.Unmarshal(res.Payload, &sr) != nil || sr.Accepted != 1 || sr.Results[0].ID != id {
		t.Fatalf("submit: %s", res.Payload)
	}

	// Read-your-writes: the submitting node's replica already has it.
	q, _ := json.Marshal(contract.SubjectRequest{Subject: subject})
	st, err := bank1.Evaluate("Bank1MSP", "SubjectStatus", q)
	var status contract.Status
	if err != nil || json.Unmarshal(st.Payload, &status) != nil || !status.Listed || st.Height < res.Height {
		t.Fatalf("bank1 replica at %d after commit at %d: %s %v", st.Height, res.Height, st.Payload, err)
	}
	// The association's node follows its own peer to the same state.
	if err := assoc.Replica().WaitForHeight(ctx, res.Height); err != nil {
		t.Fatal(err)
	}
	st2, err := assoc.Evaluate("AssocMSP", "SubjectStatus", q)
	if err != nil || string(st2.Payload) != string(st.Payload) {
		t.Fatalf("association's replica: %s %v", st2.Payload, err)
	}
	peerAnswer, err := assoc.EvaluateOnPeer(ctx, "GetAttestation", mustJSON(contract.IDRequest{ID: id}))
	if err != nil {
		t.Fatal(err)
	}
	replicaAnswer, err := assoc.Evaluate("AssocMSP", "GetAttestation", mustJSON(contract.IDRequest{ID: id}))
	if err != nil || string(peerAnswer.Payload) != string(replicaAnswer.Payload) {
		t.Fatalf("peer and replica disagree:\n%s\n%s", peerAnswer.Payload, replicaAnswer.Payload)
	}

	// The chaincode refuses, not the node: a bank cannot admit members.
	_, err = bank1.Submit(ctx, "Bank1MSP", "AdmitMember", mustJSON(contract.AdmitMemberRequest{MSPID: "EvilMSP"}))
	var ce *contract.Error
	if !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("AdmitMember by a bank: %v", err)
	}
	// And a node never acts for another organisation.
	if _, err := bank1.Submit(ctx, "Bank2MSP", "SubmitAttestations", arg); !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("submit as another org: %v", err)
	}
	// Replica correctness: the association's replica equals the world
	// state on its peer, digest for digest, at the same height.
	if err := assoc.Replica().WaitForHeight(ctx, bank1.Height()); err != nil {
		t.Fatal(err)
	}
	onPeer, err := assoc.EvaluateOnPeer(ctx, "StateDigest", nil)
	if err != nil {
		t.Fatal(err)
	}
	var peerDigest contract.StateDigestResult
	json.Unmarshal(onPeer.Payload, &peerDigest)
	height, digest, err := assoc.Replica().Digest()
	if err != nil || digest != peerDigest.Digest {
		t.Fatalf("replica at %d: %s, peer: %s over %d keys (%v)", height, digest, peerDigest.Digest, peerDigest.Keys, err)
	}
	t.Logf("replica and peer agree at height %d: %d keys, digest %s", height, peerDigest.Keys, digest[:16])
}

func mustJSON(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return b
}
