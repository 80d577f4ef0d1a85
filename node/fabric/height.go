package fabric

import "context"

// WaitForHeight blocks until the replica has applied h blocks or ctx ends,
// so that whatever follows the ledger (the node's consortium-secret
// distribution) wakes on new blocks instead of polling.
func (l *Ledger) WaitForHeight(ctx context.Context, h uint64) error {
	return l.replica.WaitForHeight(ctx, h)
}
