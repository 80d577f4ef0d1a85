package node

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// TestLookupCountIsOnDiskWhenAnswered: a lookup's (or a history read's)
// count reaches the node store in the audit log's commit of its entries,
// and is there when the read returns, beside its audit entries; a refused
// lookup counts nothing.
func TestLookupCountIsOnDiskWhenAnswered(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	defer l.Close()
	defer n.Close()
	ctx := context.Background()
	if _, err := n.SetupDemo(ctx, dir, "http://test"); err != nil {
		t.Fatal(err)
	}
	key, err := n.CreateClient("risk-app", DemoBank1, []string{RoleQuerier})
	if err != nil {
		t.Fatal(err)
	}
	c, _ := n.Authenticate(key)
	subjects := make([]string, 3)
	for i := range subjects {
		sum := sha256.Sum256([]byte(fmt.Sprint("subject", i)))
		subjects[i] = hex.EncodeToString(sum[:])
	}
	onDisk := func() int64 {
		day := budgetClock().In(shanghai).Format(time.DateOnly)
		var used int64
		n.db.View(func(txn *badger.Txn) error {
			used, err = readCount(txn, budgetCountKey(SpendLookups, day, DemoBank1))
			return err
		})
		if err != nil {
			t.Fatal(err)
		}
		return used
	}
	if _, _, err := n.Lookup(ctx, c, "loan-approval", subjects, false); err != nil {
		t.Fatal(err)
	}
	if got := onDisk(); got != 3 {
		t.Fatalf("%d lookups counted on disk after a lookup of 3 returned", got)
	}
	if _, _, err := n.Lookup(ctx, c, "no-purpose", subjects[:1], false); err == nil {
		t.Fatal("a lookup without a purpose answered")
	}
	if _, _, err := n.Lookup(ctx, c, "post-loan", subjects[:2], false); err != nil {
		t.Fatal(err)
	}
	if got := onDisk(); got != 5 {
		t.Fatalf("%d lookups counted on disk after lookups of 3 and 2 (and a refused one), want 5", got)
	}
	if _, _, err := n.History(ctx, c, "post-loan", subjects[0]); err != nil {
		t.Fatal(err)
	}
	if got := onDisk(); got != 6 {
		t.Fatalf("%d lookups counted on disk after a history read, want 6", got)
	}
	entries, err := n.QueryAudit(AuditFilter{Member: DemoBank1, Limit: 100})
	if err != nil || len(entries) != 7 {
		t.Fatalf("%d audit entries (%v), want 7: 3, the refusal, 2, the history", len(entries), err)
	}
}
