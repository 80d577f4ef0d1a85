package embedded

import (
	"context"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
)

// oneLedger serves every organisation: the embedded ledger runs each
// transaction as the creator it is given.
type oneLedger struct{ l *Ledger }

func (o oneLedger) For(string) ledger.Ledger                 { return o.l }
func (o oneLedger) Sync(ctx context.Context, h uint64) error { return o.l.WaitForHeight(ctx, h) }

// TestSharedSuite runs the scenarios that also run against Fabric.
func TestSharedSuite(t *testing.T) {
	l := openTemp(t, t.TempDir())
	defer l.Close()
	if _, err := l.Submit(context.Background(), assoc, "Init", mustJSON(contract.InitRequest{Association: assoc, LegalName: "Association"})); err != nil {
		t.Fatal(err)
	}
	ledgertest.Run(t, oneLedger{l})
}
