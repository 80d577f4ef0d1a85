package translog

import (
	"fmt"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Records is the log's encoder: chaincode/translog's leaves (which writes
// are records, their canonical bytes), each tagged with its chain, and
// each leaf's prev the last leaf of its chain, counting the transaction's
// own earlier leaves. mode is translog.ModeEmbedded or translog.ModeFabric.
func Records(mode string) Encoder {
	return func(tx ledger.Committed, first int64, prev Prev) ([]Leaf, error) {
		pos := translog.Position{Mode: mode, TxID: tx.TxID}
		switch mode {
		case translog.ModeEmbedded:
			pos.Height = tx.Position
		case translog.ModeFabric:
			pos.Block, pos.TxIndex, pos.Validation = tx.Position, uint32(tx.TxIndex), tx.Validation
		default:
			return nil, fmt.Errorf("unknown ledger mode %q", mode)
		}
		var out []Leaf
		own := map[string]int64{}
		for _, w := range tx.Writes {
			if w.Delete {
				continue
			}
			leaf, ok, err := translog.NewLeaf(pos, w.Key, w.Value)
			if err != nil {
				return nil, fmt.Errorf("write %s: %w", translog.ReadableKey(w.Key), err)
			}
			if !ok {
				continue
			}
			chain := leaf.Chain()
			if chain != "" {
				p, found := own[chain]
				if !found {
					var err error
					if p, found, err = prev(chain); err != nil {
						return nil, err
					}
				}
				if found {
					u := uint64(p)
					leaf.Prev = &u
				}
				own[chain] = first + int64(len(out))
			}
			data, err := leaf.Encode()
			if err != nil {
				return nil, err
			}
			var tags []string
			if chain != "" {
				tags = []string{chain}
			}
			out = append(out, Leaf{Data: data, Tags: tags})
		}
		return out, nil
	}
}
