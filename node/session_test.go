package node

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

func TestConsoleSessions(t *testing.T) {
	n, l := openNode(t, t.TempDir())
	defer l.Close()
	defer n.Close()
	key, err := n.CreateClient("risk-app", "Bank1MSP", []string{RoleQuerier})
	if err != nil {
		t.Fatal(err)
	}
	// an unknown key starts nothing
	if _, _, _, ok, err := n.StartSession("bl_unknown", time.Hour); ok || err != nil {
		t.Fatalf("unknown key: %v %v", ok, err)
	}
	token, s, c, ok, err := n.StartSession(key, time.Hour)
	if err != nil || !ok || c.Name != "risk-app" || s.CSRF == "" || token == "" {
		t.Fatalf("start: %v %v %+v", ok, err, s)
	}
	got, gc, err := n.SessionOf(token)
	if err != nil || gc.Name != "risk-app" || !got.CheckCSRF(s.CSRF) || got.CheckCSRF(s.CSRF+"x") || got.CheckCSRF("") {
		t.Fatalf("session of the token: %+v %v", got, err)
	}
	// the store holds the token's hash, never the token or the API key
	_ = n.db.View(func(txn *badger.Txn) error {
		return store.Scan(txn, store.ConsoleSessions.Bytes(), nil, func(k, v []byte) error {
			if strings.Contains(string(k)+string(v), token) || strings.Contains(string(v), key) {
				t.Fatal("a token or key in the store")
			}
			return nil
		})
	})
	// signing out ends it; so does deleting the client; an expired one is none
	if err := n.EndSession(token); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.SessionOf(token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after sign-out: %v", err)
	}
	token, _, _, _, _ = n.StartSession(key, time.Hour)
	if err := n.DeleteClient("risk-app"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := n.SessionOf(token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("after the client was deleted: %v", err)
	}
	key, _ = n.CreateClient("risk-app", "Bank1MSP", []string{RoleQuerier})
	token, _, _, _, _ = n.StartSession(key, time.Nanosecond)
	time.Sleep(time.Millisecond)
	if _, _, err := n.SessionOf(token); !errors.Is(err, ErrNoSession) {
		t.Fatalf("expired: %v", err)
	}
}
