package contract

import (
	"encoding/json"

	"github.com/assoc-ledger/blacklist/chaincode/sealedsecret"
)

// The consortium's subject-key secret is distributed through the ledger
// without being on it in the clear (decision 0007, package sealedsecret):
// Init records its key-check value; each member registers its node's
// encryption key (RegisterNodeKey, or at AdmitMember); the association
// stores the secret sealed to that key (SealSecret); a member's node reads
// its copy (SecretStatus) and opens it. The contract cannot open a sealed
// copy; it checks who seals for whom, to which key, and under which
// key-check value.

// NodeKey is a member node's registered encryption key (ECDH P-256).
type NodeKey struct {
	MSPID string `json:"mspId"`
	// PublicKey is PKIX PEM, whatever form (PEM or JWK) it was given in.
	PublicKey string `json:"publicKey"`
	// Thumbprint is its RFC 7638 JWK thumbprint.
	Thumbprint   string `json:"thumbprint"`
	RegisteredAt string `json:"registeredAt"`
}

// SealedSecret is the consortium secret sealed to one member's node key.
type SealedSecret struct {
	MSPID      string                `json:"mspId"`
	Thumbprint string                `json:"thumbprint"`
	KeyCheck   string                `json:"keyCheck"`
	Envelope   sealedsecret.Envelope `json:"envelope"`
	SealedAt   string                `json:"sealedAt"`
	TxID       string                `json:"txId"`
}

// RegisterNodeKeyRequest registers (or replaces) the creator's own node
// encryption key: a PKIX PEM or an EC JWK of a P-256 public key.
type RegisterNodeKeyRequest struct {
	MSPID     string `json:"mspId"`
	PublicKey string `json:"publicKey"`
}

// SealSecretRequest stores the secret sealed to member MSPID's registered
// node key, whose thumbprint it names.
type SealSecretRequest struct {
	MSPID      string                `json:"mspId"`
	Thumbprint string                `json:"thumbprint"`
	KeyCheck   string                `json:"keyCheck"`
	Envelope   sealedsecret.Envelope `json:"envelope"`
}

// SecretStatusRequest asks about one member, or all when MSPID is empty.
type SecretStatusRequest struct {
	MSPID string `json:"mspId,omitempty"`
}

// SecretStatus is the distribution's state: the key-check value recorded at
// Init (empty when Init recorded none) and, per member, its node key and
// sealed copy. Nothing in it is secret.
type SecretStatus struct {
	Association string         `json:"association"`
	KeyCheck    string         `json:"subjectKeyCheck,omitempty"`
	Members     []MemberSecret `json:"members"`
}

// MemberSecret is one member's part of SecretStatus. Sealed is for the
// registered node key only when its thumbprint is the node key's (Current).
type MemberSecret struct {
	MSPID   string        `json:"mspId"`
	Status  string        `json:"status"`
	NodeKey *NodeKey      `json:"nodeKey,omitempty"`
	Sealed  *SealedSecret `json:"sealed,omitempty"`
	Current bool          `json:"current"`
}

func keyCheckKey() string          { return key("config", "subject-key-check") }
func nodeKeyKey(msp string) string { return key("nodekey", msp) }
func sealedKey(msp string) string  { return key("sealed", msp) }

type keyCheckRecord struct {
	KeyCheck string `json:"subjectKeyCheck"`
}

// recordKeyCheck stores Init's key-check value, if it was given.
func recordKeyCheck(tx *txn, kcv string) error {
	if kcv == "" {
		return nil
	}
	if !sealedsecret.ValidKeyCheck(kcv) {
		return errorf(CodeInvalidArgument, "subjectKeyCheck: must be 64 lower-case hex characters (HMAC-SHA256 of %q under the secret)", sealedsecret.KeyCheckLabel)
	}
	return putJSON(tx.st, keyCheckKey(), keyCheckRecord{kcv})
}

func (tx *txn) keyCheck() (string, error) {
	var r keyCheckRecord
	_, err := getJSON(tx.st, keyCheckKey(), &r)
	return r.KeyCheck, err
}

// putNodeKey validates and stores msp's node key; the same key again
// changes nothing.
func putNodeKey(tx *txn, msp, publicKey string) (*NodeKey, error) {
	pub, err := sealedsecret.ParsePublicKey(publicKey)
	if err != nil {
		return nil, errorf(CodeInvalidArgument, "nodeKey: %v", err)
	}
	nk := NodeKey{MSPID: msp, Thumbprint: sealedsecret.Thumbprint(pub), RegisteredAt: FormatTime(tx.now)}
	var old NodeKey
	if ok, err := getJSON(tx.st, nodeKeyKey(msp), &old); err != nil {
		return nil, err
	} else if ok && old.Thumbprint == nk.Thumbprint {
		return &old, nil
	}
	if nk.PublicKey, err = sealedsecret.MarshalPublicKeyPEM(pub); err != nil {
		return nil, err
	}
	return &nk, putJSON(tx.st, nodeKeyKey(msp), nk)
}

func (c *Contract) registerNodeKey(tx *txn, arg []byte) (any, error) {
	var req RegisterNodeKeyRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if req.MSPID != m.MSPID {
		// The key decides who can open the secret: only the member
		// itself may say which key its node holds.
		return nil, errorf(CodeForbidden, "%s may only register its own node key, not %q's", m.MSPID, req.MSPID)
	}
	return putNodeKey(tx, m.MSPID, req.PublicKey)
}

func (c *Contract) sealSecret(tx *txn, arg []byte) (any, error) {
	var req SealSecretRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireAssociation("seal the consortium secret"); err != nil {
		return nil, err
	}
	m, err := tx.member(req.MSPID)
	if err != nil {
		return nil, err
	}
	if m.Status != StatusActive {
		return nil, errorf(CodeFailedPrecondition, "%s is %s: the secret is sealed to active members only", m.MSPID, m.Status)
	}
	var nk NodeKey
	if ok, err := getJSON(tx.st, nodeKeyKey(m.MSPID), &nk); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorf(CodeFailedPrecondition, "%s has registered no node key", m.MSPID)
	}
	if req.Thumbprint != nk.Thumbprint {
		return nil, errorf(CodeConflict, "sealed to key %q, but %s's registered node key is %s", req.Thumbprint, m.MSPID, nk.Thumbprint)
	}
	kcv, err := tx.keyCheck()
	if err != nil {
		return nil, err
	}
	if kcv == "" {
		return nil, errorf(CodeFailedPrecondition, "Init recorded no subjectKeyCheck: no secret can be checked against the ledger")
	}
	if req.KeyCheck != kcv {
		return nil, errorf(CodeInvalidArgument, "keyCheck: %q is not the value recorded at Init (%s): this is another secret", req.KeyCheck, kcv)
	}
	if err := req.Envelope.Check(); err != nil {
		return nil, errorf(CodeInvalidArgument, "envelope: %v", err)
	}
	s := SealedSecret{MSPID: m.MSPID, Thumbprint: nk.Thumbprint, KeyCheck: kcv, Envelope: req.Envelope,
		SealedAt: FormatTime(tx.now), TxID: tx.id}
	return s, putJSON(tx.st, sealedKey(m.MSPID), s)
}

// secretStatus is open to any creator once the ledger is initialised: it
// holds public keys, ciphertexts and a check value, all public by design.
func (c *Contract) secretStatus(tx *txn, arg []byte) (any, error) {
	var req SecretStatusRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	a, err := tx.association()
	if err != nil {
		return nil, err
	}
	out := SecretStatus{Association: a, Members: []MemberSecret{}}
	if out.KeyCheck, err = tx.keyCheck(); err != nil {
		return nil, err
	}
	var members []Member
	if req.MSPID != "" {
		m, err := tx.member(req.MSPID)
		if err != nil {
			return nil, err
		}
		members = []Member{*m}
	} else if err := tx.st.Scan("member", nil, func(_ string, v []byte) error {
		var m Member
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		members = append(members, m)
		return nil
	}); err != nil {
		return nil, err
	}
	for _, m := range members {
		ms := MemberSecret{MSPID: m.MSPID, Status: m.Status}
		var nk NodeKey
		if ok, err := getJSON(tx.st, nodeKeyKey(m.MSPID), &nk); err != nil {
			return nil, err
		} else if ok {
			ms.NodeKey = &nk
		}
		var s SealedSecret
		if ok, err := getJSON(tx.st, sealedKey(m.MSPID), &s); err != nil {
			return nil, err
		} else if ok {
			ms.Sealed = &s
		}
		ms.Current = ms.NodeKey != nil && ms.Sealed != nil && ms.Sealed.Thumbprint == ms.NodeKey.Thumbprint &&
			ms.Sealed.KeyCheck == out.KeyCheck
		out.Members = append(out.Members, ms)
	}
	return out, nil
}
