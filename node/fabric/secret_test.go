package fabric

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"net/http/httptest"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/sealedsecret"
	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

// consortiumStack is an organisation's stack as blacklistd runs it in
// fabric mode: its secret comes from the ledger (secretFile only for the
// association's node).
func consortiumStack(t *testing.T, run, org, msp, secretFile string, roles ...string) (*member, string) {
	l := open(t, run, org, msp)
	dir := t.TempDir()
	n, err := node.OpenWith(dir, l, node.Options{Logf: t.Logf,
		Secret: node.SecretOptions{Consortium: true, Member: msp, File: secretFile}})
	if err != nil {
		t.Fatal(err)
	}
	key, err := n.CreateClient("app", msp, roles)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(gateway.New(n, gateway.Options{MaxBodyBytes: 8 << 20}))
	t.Cleanup(func() {
		srv.Close()
		n.Close()
	})
	return &member{t: t, msp: msp, ledger: l, node: n, url: srv.URL, key: key}, dir
}

// randomRIC is a valid PRC resident identity number nobody filed before.
func randomRIC() string {
	body := fmt.Sprintf("110105%04d%02d%02d%03d", 1950+rand.IntN(50), 1+rand.IntN(12), 1+rand.IntN(28), rand.IntN(1000))
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for i, w := range weights {
		sum += int(body[i]-'0') * w
	}
	return body + string("10X98765432"[sum%11])
}

// TestConsortiumSecretAcrossOrganisations: the banks' nodes start without
// a secret, register their node keys, receive the association's secret
// sealed to them on the ledger, and then derive the same subject key for
// the same identity number through their own HTTP APIs, so that Bank2 finds
// by raw ID what Bank1 filed. A node with another secret refuses to start.
func TestConsortiumSecretAcrossOrganisations(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	secretFile := filepath.Join(run, "assoc", "consortium.secret")
	kcv, err := node.SecretFileKeyCheck(secretFile)
	if err != nil {
		t.Fatal(err)
	}
	assoc, _ := consortiumStack(t, run, "assoc", "AssocMSP", secretFile, node.RoleAdmin)
	bank1, dir1 := consortiumStack(t, run, "bank1", "Bank1MSP", "", node.RoleReporter, node.RoleQuerier)
	bank2, _ := consortiumStack(t, run, "bank2", "Bank2MSP", "", node.RoleReporter, node.RoleQuerier)

	admit := contract.AdmitMemberRequest{MSPID: "Bank2MSP", LegalName: "Bank Two", CreditCode: "91110000600037341L",
		Roles: []string{"reporter", "querier"}}
	if st := assoc.call("POST", "/v1/members", admit, nil); st != 201 && st != 409 {
		t.Fatalf("admit Bank2: %d", st)
	}
	for _, m := range []*member{assoc, bank1, bank2} {
		select {
		case <-m.node.SecretReady():
		case <-ctx.Done():
			t.Fatalf("%s has no secret: %s", m.msp, m.node.SecretState().Reason)
		}
		var ready map[string]any
		if st := m.call("GET", "/readyz", nil, &ready); st != 200 || ready["subjectKeyCheck"] != kcv {
			t.Fatalf("%s readyz: %d %v, want key-check value %s", m.msp, st, ready, kcv)
		}
	}
	if st, err := os.Stat(filepath.Join(dir1, node.SecretFile)); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("Bank1's stored secret: %v", err)
	}
	// On the ledger: each bank's copy, sealed to its current node key. The
	// association's replica follows its peer, which may commit the last
	// seal's block a moment after a bank's node has read it from its own:
	// ask until it shows every copy current.
	var status contract.SecretStatus
	for {
		res, err := assoc.ledger.Evaluate("AssocMSP", "SecretStatus", nil)
		if err != nil {
			t.Fatal(err)
		}
		status = contract.SecretStatus{}
		mustUnmarshal(t, res.Payload, &status)
		var stale []contract.MemberSecret
		for _, ms := range status.Members {
			if ms.MSPID != "AssocMSP" && ms.Status == contract.StatusActive && !ms.Current {
				stale = append(stale, ms)
			}
		}
		if len(stale) == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("members without a current sealed copy: %+v", stale)
		}
		time.Sleep(100 * time.Millisecond)
	}
	if status.KeyCheck != kcv {
		t.Fatalf("ledger key-check value %s, want %s", status.KeyCheck, kcv)
	}

	// The same identity number, the same subject key at both banks, and
	// the one the association's secret gives.
	id := map[string]string{"idType": subjectkey.CNRIC, "idNumber": randomRIC()}
	var k1, k2 struct {
		SubjectKey string `json:"subjectKey"`
	}
	if st := bank1.call("POST", "/v1/subject-keys", id, &k1); st != 200 {
		t.Fatalf("Bank1 subject key: %d", st)
	}
	if st := bank2.call("POST", "/v1/subject-keys", id, &k2); st != 200 || k2.SubjectKey != k1.SubjectKey {
		t.Fatalf("Bank2 derives %q (%d), Bank1 %q", k2.SubjectKey, st, k1.SubjectKey)
	}
	raw, _ := os.ReadFile(secretFile)
	secret, _ := hex.DecodeString(string(raw[:64]))
	d, _ := subjectkey.NewDeriver(secret)
	if want, _ := d.Derive(id["idType"], id["idNumber"]); k1.SubjectKey != want {
		t.Fatalf("the nodes' key %s is not the association's secret's %s", k1.SubjectKey, want)
	}

	// Bank1 files by the key its node gave; Bank2 looks up by raw ID.
	bank1.signingKey()
	var filed struct{ Height uint64 }
	if st := bank1.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(k1.SubjectKey, "raw id "+id["idNumber"])}, &filed); st != 201 {
		t.Fatalf("Bank1 files: %d", st)
	}
	if err := bank2.ledger.Replica().WaitForHeight(ctx, filed.Height); err != nil {
		t.Fatal(err)
	}
	var look struct {
		Results []contract.Status `json:"results"`
	}
	if st := bank2.call("POST", "/v1/lookups", map[string]any{"purpose": "loan-approval", "ids": []any{id}}, &look); st != 200 ||
		len(look.Results) != 1 || !look.Results[0].Listed || look.Results[0].Reporters[0] != "Bank1MSP" {
		t.Fatalf("Bank2's lookup by raw ID: %d %+v", st, look.Results)
	}

	// A node whose secret is not the consortium's refuses to start, even
	// with a fresh replica: it asks its peer for the key-check value.
	other, _ := sealedsecret.NewSecret()
	wrongDir := t.TempDir()
	if err := os.WriteFile(filepath.Join(wrongDir, node.SecretFile), []byte(hex.EncodeToString(other)+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	l := open(t, run, "bank2", "Bank2MSP")
	n, err := node.OpenWith(wrongDir, l, node.Options{Secret: node.SecretOptions{Consortium: true, Member: "Bank2MSP"}})
	if err == nil {
		n.Close()
	}
	if !errors.Is(err, node.ErrSecretMismatch) {
		t.Fatalf("a node with another secret: %v", err)
	}
	t.Logf("refused as it should: %v", err)
}

func mustUnmarshal(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatal(err)
	}
}
