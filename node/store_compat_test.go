package node

import (
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

// TestOpensAStoreWrittenWithLiteralKeys writes clients, a certificate
// binding and a signing key the way the node wrote them before its keys
// were listed in package store ("c/", "cn/", "cf/", "k/" spelled out),
// and checks that the node reads them all: there is no migration.
func TestOpensAStoreWrittenWithLiteralKeys(t *testing.T) {
	dir := t.TempDir()
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(dir, "node")).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	apiKey, cert := "bl_old-key", "old-certificate-der"
	h := keyHash(apiKey)
	c, _ := json.Marshal(Client{Name: "old-app", Member: "Bank1MSP", Roles: []string{RoleQuerier}, CreatedAt: "2026-01-01T00:00:00Z"})
	sk, _ := json.Marshal(signingKey{KID: "old-kid", PrivateKey: "pem"})
	err = db.Update(func(txn *badger.Txn) error {
		for k, v := range map[string][]byte{"c/" + h: c, "cn/old-app": []byte(h), "cf/" + keyHash(cert): []byte(h), "k/Bank1MSP": sk} {
			if err := txn.Set([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()

	n, err := Open(dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if cl, ok := n.Authenticate(apiKey); !ok || cl.Name != "old-app" || cl.Member != "Bank1MSP" {
		t.Fatalf("API key of the old store: %+v %v", cl, ok)
	}
	if cl, ok := n.AuthenticateCertificate([]byte(cert)); !ok || cl.Name != "old-app" {
		t.Fatalf("certificate of the old store: %+v %v", cl, ok)
	}
	if kid, ok := n.SigningKID("Bank1MSP"); !ok || kid != "old-kid" {
		t.Fatalf("signing key of the old store: %q %v", kid, ok)
	}
	if _, ok := n.SigningKID("Bank2MSP"); ok {
		t.Fatal("a member without a key has one")
	}
	if err := n.DeleteClient("old-app"); err != nil {
		t.Fatal(err)
	}
	if _, ok := n.Authenticate(apiKey); ok {
		t.Fatal("deleted client still authenticates")
	}
}
