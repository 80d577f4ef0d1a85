package fabric

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// member is one organisation's whole stack, as it would run it: a node on
// its own peer with its own replica, behind its own HTTP gateway.
type member struct {
	t      testing.TB
	msp    string
	ledger *Ledger
	node   *node.Node
	url    string
	key    string
}

func stack(t testing.TB, run, org, msp string, roles ...string) *member {
	l := open(t, run, org, msp)
	// Every organisation's node holds the association's secret, handed
	// over as a file: the distribution through the ledger has its own
	// test (secret_test.go). Webhook receivers in these tests listen on
	// loopback.
	n, err := node.OpenWith(t.TempDir(), l, node.Options{WebhookDestinations: webhooktest.Loopback(),
		Secret: node.SecretOptions{File: filepath.Join(run, "assoc", "consortium.secret")}})
	if err != nil {
		t.Fatal(err)
	}
	key, err := n.CreateClient("app", msp, roles)
	if err != nil {
		t.Fatal(err)
	}
	// A fresh node's replica starts at block 0: until it has caught up
	// with the peer, the node does not know its own member is admitted,
	// and refuses the member's clients. Wait as an operator watching
	// /readyz's replicaLag would.
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	for {
		lag, err := l.Lag(ctx)
		if err == nil && lag == 0 {
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("%s's replica did not catch up with its peer: lag %d, %v", org, lag, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	srv := httptest.NewServer(gateway.New(n, gateway.Options{MaxBodyBytes: 8 << 20}))
	t.Cleanup(func() {
		srv.Close()
		n.Close()
	})
	return &member{t: t, msp: msp, ledger: l, node: n, url: srv.URL, key: key}
}

// signingKey gives the bank's node an ES256 key and registers it on the
// ledger through the bank's own API (a reporter manages its own keys).
func (m *member) signingKey() {
	k, _ := attestation.GenerateKey()
	priv, _ := attestation.MarshalPrivateKeyPEM(k)
	pub, _ := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	kid := fmt.Sprintf("%s-e2e-%d", m.msp, time.Now().UnixNano())
	if err := m.node.SetSigningKey(m.msp, kid, priv); err != nil {
		m.t.Fatal(err)
	}
	if st := m.call("POST", "/v1/members/"+m.msp+"/keys", map[string]string{"kid": kid, "publicKey": pub}, nil); st != 201 {
		m.t.Fatalf("%s registers its key: %d", m.msp, st)
	}
}

func (m *member) call(method, path string, body, out any) int {
	m.t.Helper()
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, m.url+path, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+m.key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		m.t.Fatal(err)
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode
}

func defaultOf(subject, loan string) map[string]any {
	now := time.Now().UTC()
	return map[string]any{"type": "default", "subject": subject, "loanRef": hexOf(loan), "product": "consumer",
		"amount": 250000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -130).Format("2006-01-02"),
		"daysPastDue": 120, "noticeDate": now.AddDate(0, 0, -100).Format("2006-01-02")}
}

// TestThreeNodesOverHTTP runs the consortium as three organisations would:
// the association admits Bank2, each bank registers its key through its own
// node, Bank1 reports a default and a batch of 500, Bank2 sees them listed
// through its own node and replica, Bank1 settles, Bank2 sees the change,
// and Bank2 cannot settle Bank1's default: the chaincode refuses it.
func TestThreeNodesOverHTTP(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	assoc := stack(t, run, "assoc", "AssocMSP", node.RoleAdmin)
	bank1 := stack(t, run, "bank1", "Bank1MSP", node.RoleReporter, node.RoleQuerier)
	bank2 := stack(t, run, "bank2", "Bank2MSP", node.RoleReporter, node.RoleQuerier)

	admit := contract.AdmitMemberRequest{MSPID: "Bank2MSP", LegalName: "Bank Two", CreditCode: "91110000600037341L",
		Roles: []string{"reporter", "querier"}}
	if st := assoc.call("POST", "/v1/members", admit, nil); st != 201 && st != 409 {
		t.Fatalf("admit Bank2: %d", st)
	}
	if st := bank1.call("POST", "/v1/members", admit, nil); st != 403 {
		t.Fatalf("a bank admitting a member: %d", st)
	}
	// Bank2's node learns of its admission from its own peer's blocks.
	if err := bank2.ledger.Replica().WaitForHeight(ctx, assoc.ledger.Height()); err != nil {
		t.Fatal(err)
	}
	bank1.signingKey()
	bank2.signingKey()

	stamp := fmt.Sprint(time.Now().UnixNano())
	one := hexOf("e2e single " + stamp)
	var single struct {
		ID     string `json:"id"`
		Height uint64 `json:"height"`
	}
	if st := bank1.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(one, "single "+stamp)}, &single); st != 201 {
		t.Fatalf("single report: %d", st)
	}
	items := make([]map[string]any, 500)
	subjects := []string{one}
	for i := range items {
		s := hexOf(fmt.Sprint("e2e batch ", stamp, " ", i))
		items[i] = map[string]any{"attestation": defaultOf(s, fmt.Sprint("batch ", stamp, " ", i))}
		subjects = append(subjects, s)
	}
	var batch struct {
		Accepted int    `json:"accepted"`
		Height   uint64 `json:"height"`
	}
	if st := bank1.call("POST", "/v1/attestations/batch", map[string]any{"items": items}, &batch); st != 200 || batch.Accepted != 500 {
		t.Fatalf("batch of 500: %d, %d accepted", st, batch.Accepted)
	}

	if err := bank2.ledger.Replica().WaitForHeight(ctx, batch.Height); err != nil {
		t.Fatal(err)
	}
	var look struct {
		AsOf    uint64            `json:"asOf"`
		Results []contract.Status `json:"results"`
	}
	if st := bank2.call("POST", "/v1/lookups", map[string]any{"purpose": "loan-approval", "subjects": subjects}, &look); st != 200 || len(look.Results) != 501 {
		t.Fatalf("Bank2 lookup: %d, %d results", st, len(look.Results))
	}
	for i, s := range look.Results {
		if !s.Listed || s.Reporters[0] != "Bank1MSP" {
			t.Fatalf("subject %d not listed at Bank2 (asOf %d): %+v", i, look.AsOf, s)
		}
	}

	settle := map[string]any{"attestation": map[string]any{"type": "settlement", "subject": one, "refersTo": single.ID,
		"settledOn": time.Now().UTC().Format("2006-01-02"), "kind": "full", "amount": 250000}}
	var refused struct {
		Items []struct{ Code string } `json:"items"`
	}
	if st := bank2.call("POST", "/v1/attestations", settle, &refused); st != 403 || len(refused.Items) != 1 || refused.Items[0].Code != "forbidden" {
		t.Fatalf("Bank2 settling Bank1's default: %d %+v", st, refused)
	}
	var settled struct{ Height uint64 }
	if st := bank1.call("POST", "/v1/attestations", settle, &settled); st != 201 {
		t.Fatalf("Bank1 settles: %d", st)
	}
	if err := bank2.ledger.Replica().WaitForHeight(ctx, settled.Height); err != nil {
		t.Fatal(err)
	}
	var status contract.Status
	if st := bank2.call("GET", "/v1/subjects/"+one+"?purpose=post-loan", nil, &status); st != 200 || status.Listed || status.SettledRecords != 1 {
		t.Fatalf("after settlement, Bank2 sees %d %+v", st, status)
	}

	// Every node's replica holds the world state of its peer.
	for _, m := range []*member{assoc, bank1, bank2} {
		if err := m.ledger.Replica().WaitForHeight(ctx, settled.Height); err != nil {
			t.Fatal(err)
		}
	}
	onPeer, err := assoc.ledger.EvaluateOnPeer(ctx, "StateDigest", nil)
	if err != nil {
		t.Fatal(err)
	}
	var want contract.StateDigestResult
	json.Unmarshal(onPeer.Payload, &want)
	for _, m := range []*member{assoc, bank1, bank2} {
		if h, d, err := m.ledger.Replica().Digest(); err != nil || d != want.Digest {
			t.Fatalf("%s replica at %d differs from the peer's world state (%v)", m.msp, h, err)
		}
	}
	t.Logf("three replicas equal the world state: %d keys at height %d", want.Keys, settled.Height)

	// The same lookup asked of Bank2's peer answers the same.
	var peerStatus contract.Status
	if st := bank2.call("GET", "/v1/subjects/"+one+"?purpose=post-loan&consistency=peer", nil, &peerStatus); st != 200 ||
		peerStatus.Listed != status.Listed || peerStatus.SettledRecords != status.SettledRecords || peerStatus.Records != status.Records {
		t.Fatalf("consistency=peer: %d %+v, replica %+v", st, peerStatus, status)
	}

	// A caught-up node says so on /readyz.
	var ready map[string]any
	if st := bank2.call("GET", "/readyz", nil, &ready); st != 200 || ready["replicaLag"] != float64(0) {
		t.Fatalf("readyz: %d %v", st, ready)
	}
}
