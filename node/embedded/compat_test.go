package embedded

import (
	"context"
	"encoding/json"
	"testing"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// TestSnappyTablesStayReadable: stores written before the ledger's tables
// went uncompressed hold Snappy tables; the ledger opens them and answers
// from them, and writes new ones beside them.
func TestSnappyTablesStayReadable(t *testing.T) {
	dir := t.TempDir()
	l := openTemp(t, dir)
	k := consortium(t, l)
	jws, _ := signedDefault(t, k, 1)
	if _, _, err := submitBatch(context.Background(), l, jws); err != nil {
		t.Fatal(err)
	}
	l.Close()

	// Rewrite every key as the ledger wrote them before: in Snappy tables.
	db, err := badger.Open(badger.DefaultOptions(dir).WithCompression(options.Snappy).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	kv := map[string][]byte{}
	db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.DefaultIteratorOptions)
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			v, _ := it.Item().ValueCopy(nil)
			kv[string(it.Item().KeyCopy(nil))] = v
		}
		return nil
	})
	err = db.Update(func(txn *badger.Txn) error {
		for k, v := range kv {
			if err := txn.Set([]byte(k), v); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil || len(kv) == 0 {
		t.Fatalf("rewrite of %d keys: %v", len(kv), err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	compressed := 0
	for _, tbl := range tables(t, dir) {
		if tbl.OnDiskSize < tbl.UncompressedSize {
			compressed++
		}
	}
	if compressed == 0 {
		t.Fatal("no compressed table written")
	}

	l = openTemp(t, dir)
	defer l.Close()
	jws, _ = signedDefault(t, k, 2)
	if _, _, err := submitBatch(context.Background(), l, jws); err != nil {
		t.Fatal(err)
	}
	res, err := l.Evaluate(bank1, "SubjectStatus", mustJSON(contract.SubjectRequest{Subject: hexOf("subject1")}))
	var st contract.Status
	if err != nil || json.Unmarshal(res.Payload, &st) != nil || st.ActiveDefaults != 1 {
		t.Fatalf("status from the Snappy tables: %s %v", res.Payload, err)
	}
}

// tables lists the store's tables as badger records them.
func tables(t *testing.T, dir string) []badger.TableInfo {
	db, err := badger.Open(badger.DefaultOptions(dir).WithReadOnly(true).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	return db.Tables()
}
