package replica

import (
	"testing"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
)

// EnvelopeTx sees what an endorsed transaction would write and announce,
// which the Fabric backend uses to skip ordering a transaction that
// changes nothing.
func TestEnvelopeTx(t *testing.T) {
	now := time.Now()
	tx, err := EnvelopeTx(envelope("t1", now, common.HeaderType_ENDORSER_TRANSACTION, "blacklist", nil, "", nil), "blacklist")
	if err != nil || len(tx.Writes) != 0 || tx.EventName != "" {
		t.Fatalf("read-only: %+v %v", tx, err)
	}
	tx, err = EnvelopeTx(envelope("t2", now, common.HeaderType_ENDORSER_TRANSACTION, "blacklist", []Write{{Key: "k", Value: []byte("v")}}, "", nil), "blacklist")
	if err != nil || len(tx.Writes) != 1 {
		t.Fatalf("a write: %+v %v", tx, err)
	}
	tx, err = EnvelopeTx(envelope("t3", now, common.HeaderType_ENDORSER_TRANSACTION, "blacklist", nil, "attestations", []byte("[]")), "blacklist")
	if err != nil || tx.EventName != "attestations" {
		t.Fatalf("an event: %+v %v", tx, err)
	}
	if _, err := EnvelopeTx([]byte("not a proto envelope"), "blacklist"); err == nil {
		t.Fatal("garbage parsed")
	}
}
