package contract

import (
	"crypto/sha256"
	"encoding/hex"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// objectTypes are the composite-key object types the contract writes, in
// key order; every key of its world state starts with one of them.
var objectTypes = []string{"att", "auditanchor", "auditanchorhead", "budgetexceeded", "closed", "config", "cosig", "dispute",
	"loan", "logdivergence", "logkey", "member", "nodekey", "pubdivergence", "publication", "pubsig", "sealed", "subj"}

// StateDigestResult is a digest of the whole world state.
type StateDigestResult struct {
	Keys   int    `json:"keys"`
	Digest string `json:"digest"`
}

// stateDigest hashes every key and value of the world state in key order
// (state.DigestKV). Evaluated on a peer it is what a node's replica is
// compared with: the same digest means the same bytes. Association only:
// it reads every record.
func (c *Contract) stateDigest(tx *txn, arg []byte) (any, error) {
	if err := decode(arg, &struct{}{}); err != nil {
		return nil, err
	}
	if err := tx.requireAssociation("digest the whole state"); err != nil {
		return nil, err
	}
	h := sha256.New()
	res := StateDigestResult{}
	for _, typ := range objectTypes {
		err := tx.st.Scan(typ, nil, func(k string, v []byte) error {
			state.DigestKV(h, k, v)
			res.Keys++
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	res.Digest = hex.EncodeToString(h.Sum(nil))
	return res, nil
}
