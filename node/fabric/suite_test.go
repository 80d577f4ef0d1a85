package fabric

import (
	"context"
	"testing"

	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
)

// orgNodes is one node per organisation, each on its own peer.
type orgNodes map[string]*Ledger

func (o orgNodes) For(msp string) ledger.Ledger { return o[msp] }

// Sync waits until every organisation's replica has reached h.
func (o orgNodes) Sync(ctx context.Context, h uint64) error {
	for _, l := range o {
		if err := l.Replica().WaitForHeight(ctx, h); err != nil {
			return err
		}
	}
	return nil
}

// TestSharedSuite runs, on a real network, the scenarios that also run
// against the embedded ledger.
func TestSharedSuite(t *testing.T) {
	run := networkDir(t)
	ledgertest.Run(t, orgNodes{
		"AssocMSP": open(t, run, "assoc", "AssocMSP"),
		"Bank1MSP": open(t, run, "bank1", "Bank1MSP"),
		"Bank2MSP": open(t, run, "bank2", "Bank2MSP"),
	})
}
