package fabric

import (
	"context"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// TestNothingAcceptedIsNotOrdered: a submit whose items are all rejected or
// repeats is endorsed, answered with the endorsed result and the current
// height, and never sent to the orderer (no transaction id).
func TestNothingAcceptedIsNotOrdered(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	assoc := open(t, run, "assoc", "AssocMSP")
	bank1 := open(t, run, "bank1", "Bank1MSP")
	key, kid, h := registerKey(ctx, t, assoc, "AssocMSP", "Bank1MSP")
	if err := bank1.Replica().WaitForHeight(ctx, h); err != nil {
		t.Fatal(err)
	}
	jws := signDefault(t, key, kid, hexOf(fmt.Sprint("unchanged ", time.Now().UnixNano())))
	submit := func(items ...string) (contract.SubmitResult, uint64, bool, string) {
		t.Helper()
		res, err := bank1.Submit(ctx, "Bank1MSP", "SubmitAttestations", mustJSON(contract.SubmitRequest{Attestations: items}))
		if err != nil {
			t.Fatal(err)
		}
		var r contract.SubmitResult
		if err := json.Unmarshal(res.Payload, &r); err != nil {
			t.Fatal(err)
		}
		return r, res.Height, res.Unchanged, res.TxID
	}
	r, committed, unchanged, txID := submit(jws)
	if r.Accepted != 1 || unchanged || txID == "" {
		t.Fatalf("first submit: %+v unchanged=%v tx=%q", r, unchanged, txID)
	}
	r, height, unchanged, txID := submit("garbage", jws)
	if r.Rejected != 1 || r.Duplicates != 1 || !unchanged || txID != "" || height < committed {
		t.Fatalf("garbage and a repeat: %+v height %d (committed at %d) unchanged=%v tx=%q", r, height, committed, unchanged, txID)
	}
}
