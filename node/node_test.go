package node

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/node/embedded"
)

func openNode(t *testing.T, dir string) (*Node, *embedded.Ledger) {
	t.Helper()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(dir, "ledger")})
	if err != nil {
		t.Fatal(err)
	}
	n, err := Open(dir, l)
	if err != nil {
		t.Fatal(err)
	}
	return n, l
}

func TestClients(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	key, err := n.CreateClient("risk-app", "Bank1MSP", []string{RoleQuerier})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := n.CreateClient("risk-app", "Bank1MSP", []string{RoleQuerier}); err != ErrClientExists {
		t.Fatalf("duplicate name: %v", err)
	}
	for _, bad := range [][]string{{"Bad Name", "M", RoleQuerier}, {"x", "", RoleQuerier}, {"x", "M", "root"}} {
		if _, err := n.CreateClient(bad[0], bad[1], bad[2:]); err == nil {
			t.Errorf("client %v accepted", bad)
		}
	}
	n.Close()
	l.Close()

	// Keys survive a restart, and only their hashes are stored.
	n, l = openNode(t, dir)
	defer l.Close()
	defer n.Close()
	c, ok := n.Authenticate(key)
	if !ok || c.Member != "Bank1MSP" || !c.Has(RoleQuerier) || c.Has(RoleAdmin) {
		t.Fatalf("authenticate after restart: %+v %v", c, ok)
	}
	if _, ok := n.Authenticate(key + "x"); ok {
		t.Fatal("a wrong key authenticated")
	}
	n.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, _ := it.Item().ValueCopy(nil)
			if strings.Contains(string(it.Item().Key())+string(v), key) {
				t.Fatal("the API key is stored in clear")
			}
		}
		return nil
	})
	if err := n.DeleteClient("risk-app"); err != nil {
		t.Fatal(err)
	}
	if _, ok := n.Authenticate(key); ok {
		t.Fatal("a deleted client authenticated")
	}
}

func TestAuditChain(t *testing.T) {
	n, l := openNode(t, t.TempDir())
	defer l.Close()
	defer n.Close()
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			if err := n.audit([]AuditEntry{{Client: "c", Member: "M", Subject: fmt.Sprint("s", i), Purpose: "post-loan"}, {Client: "c", Member: "M", Subject: "t"}}); err != nil {
				t.Error(err)
			}
		}(i)
	}
	wg.Wait()
	if seq, err := n.VerifyAudit(); err != nil || seq != 40 {
		t.Fatalf("verify: %d %v", seq, err)
	}
	got, _ := n.QueryAudit(AuditFilter{Subject: "t", Limit: 100})
	if len(got) != 20 {
		t.Fatalf("filter by subject: %d", len(got))
	}
	page, _ := n.QueryAudit(AuditFilter{After: 35, Limit: 100})
	if len(page) != 5 || page[0].Seq != 36 {
		t.Fatalf("page after 35: %d entries", len(page))
	}
	// Editing an entry breaks the chain (more in package audit).
	page[0].Purpose = "loan-approval"
	n.db.Update(func(txn *badger.Txn) error {
		b, _ := json.Marshal(page[0])
		return txn.Set(binary.BigEndian.AppendUint64([]byte("au/e/"), page[0].Seq), b)
	})
	if _, err := n.VerifyAudit(); err == nil || !strings.Contains(err.Error(), "position 36") {
		t.Fatalf("tampered audit verified: %v", err)
	}
}

func TestDemoSetupIsReused(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	creds, err := n.SetupDemo(context.Background(), dir, "http://a")
	if err != nil {
		t.Fatal(err)
	}
	if len(creds.Clients) != 6 {
		t.Fatalf("%d demo clients", len(creds.Clients))
	}
	st, _ := os.Stat(filepath.Join(dir, DemoCredentialsFile))
	if st.Mode().Perm() != 0o600 {
		t.Fatalf("credentials file mode %v", st.Mode())
	}
	h := l.Height()
	n.Close()
	l.Close()

	n, l = openNode(t, dir)
	defer l.Close()
	defer n.Close()
	again, err := n.SetupDemo(context.Background(), dir, "http://b")
	if err != nil {
		t.Fatal(err)
	}
	if again.Clients[0].APIKey != creds.Clients[0].APIKey || again.BaseURL != "http://b" || l.Height() != h {
		t.Fatal("restart did not reuse the demo consortium")
	}
	// The node signs for a bank whose key it holds, only as that bank.
	sub := strings.Repeat("a", 64)
	p := &attestation.Payload{V: 1, Type: "revocation", Reporter: DemoBank1, Subject: sub, IssuedAt: "2026-01-01T00:00:00Z", RefersTo: sub, Reason: "test"}
	if _, _, err := n.Sign(DemoBank1, p); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.Sign(DemoBank2, p); err == nil {
		t.Fatal("signed as another member")
	}
	p.Reporter = "Bank9MSP"
	if _, _, err := n.Sign("Bank9MSP", p); err != ErrNoSigningKey {
		t.Fatalf("no key: %v", err)
	}
	querier, _ := n.Authenticate(creds.Clients[0].APIKey)
	for _, c := range creds.Clients {
		if c.Name == "bank1-app" {
			querier, _ = n.Authenticate(c.APIKey)
		}
	}
	if _, err := n.DeriveSubjectKey(context.Background(), querier, "cn-ric", "11010519491231002X"); err != nil {
		t.Fatal(err)
	}
}

// An interrupted demo setup (credentials never written) is finished on the
// next start with fresh keys for the clients.
func TestDemoSetupResumes(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	defer l.Close()
	defer n.Close()
	if _, err := n.SetupDemo(context.Background(), dir, "http://a"); err != nil {
		t.Fatal(err)
	}
	os.Remove(filepath.Join(dir, DemoCredentialsFile))
	creds, err := n.SetupDemo(context.Background(), dir, "http://a")
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range creds.Clients {
		if got, ok := n.Authenticate(c.APIKey); !ok || got.Name != c.Name {
			t.Fatalf("client %s cannot authenticate after resumed setup", c.Name)
		}
	}
}

// Background work that cannot start is reported, not dropped: a webhook
// configuration that does not load leaves the node serving, with the
// failure in its logs and in BackgroundErrors (which /readyz shows).
func TestBackgroundFailureIsReported(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	if err := n.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte("wh/Bank1MSP"), []byte("{broken")) }); err != nil {
		t.Fatal(err)
	}
	n.Close()
	var logged []string
	var mu sync.Mutex
	n, err := OpenWith(dir, l, Options{Logf: func(f string, a ...any) { mu.Lock(); logged = append(logged, fmt.Sprintf(f, a...)); mu.Unlock() }})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	defer n.Close()
	for i := 0; len(n.BackgroundErrors()) == 0; i++ {
		if i > 2000 {
			t.Fatal("the webhook dispatcher's failure was dropped")
		}
		time.Sleep(5 * time.Millisecond)
	}
	mu.Lock()
	defer mu.Unlock()
	if got := n.BackgroundErrors(); !strings.Contains(got[0], "webhook") || len(logged) == 0 {
		t.Fatalf("background errors %q, log %q", got, logged)
	}
}
