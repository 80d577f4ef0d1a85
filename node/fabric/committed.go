package fabric

import (
	"github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

var _ ledger.CommittedFeed = (*Ledger)(nil)

// CommittedTxs implements ledger.CommittedFeed with the write sets the
// replica kept of each valid transaction, so that the node's
// transparency log is built from exactly what the peers committed.
func (l *Ledger) CommittedTxs(from uint64, fn func(ledger.Committed) error) (uint64, error) {
	return l.replica.CommittedTxs(from, fn)
}

// Block returns block n as the replica received it (header, envelopes with
// their endorsements, metadata), for evidence bundles and the trust root.
func (l *Ledger) Block(n uint64) (*common.Block, bool, error) {
	return l.replica.Block(n)
}

// LogIdentity implements ledger.Logged: fabric leaves, named by the channel.
func (l *Ledger) LogIdentity() (mode, name string) { return translog.ModeFabric, l.opts.Channel }
