package node

import (
	"encoding/json"
	"errors"
	"fmt"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/node/store"
)

type signingKey struct {
	KID        string `json:"kid"`
	PrivateKey string `json:"privateKey"`
}

// ErrNoSigningKey means the node holds no key to sign for a member.
var ErrNoSigningKey = errors.New("this node holds no signing key for the member")

// ErrForeignReporter means a client asked the node to sign as a member that
// is not its own: a question of who may (403), not of the ledger's state.
var ErrForeignReporter = errors.New("the reporter is not the client's member")

// SetSigningKey stores the ES256 key the node signs with for member. The
// public half must be registered on the ledger under kid.
func (n *Node) SetSigningKey(member, kid, privatePEM string) error {
	if _, err := attestation.ParsePrivateKeyPEM(privatePEM); err != nil {
		return err
	}
	b, _ := json.Marshal(signingKey{KID: kid, PrivateKey: privatePEM})
	return n.db.Update(func(txn *badger.Txn) error { return txn.Set(store.SigningKeys.Key(member), b) })
}

// SigningKID returns the kid the node signs with for member, if any.
func (n *Node) SigningKID(member string) (string, bool) {
	k, err := n.signingKey(member)
	return k.KID, err == nil
}

func (n *Node) signingKey(member string) (signingKey, error) {
	var k signingKey
	found, err := store.View(n.db, store.SigningKeys.Key(member), store.JSON(&k))
	if err == nil && !found {
		err = ErrNoSigningKey
	}
	return k, err
}

// Sign signs an attestation payload for member with the node's key. The
// payload's reporter must be member.
func (n *Node) Sign(member string, p *attestation.Payload) (jws, id string, err error) {
	if p.Reporter != member {
		return "", "", fmt.Errorf("%w: reporter %q, client's member %s", ErrForeignReporter, p.Reporter, member)
	}
	k, err := n.signingKey(member)
	if err != nil {
		return "", "", err
	}
	priv, err := attestation.ParsePrivateKeyPEM(k.PrivateKey)
	if err != nil {
		return "", "", err
	}
	return attestation.Sign(p, priv, k.KID)
}
