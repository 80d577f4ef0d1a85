package contract

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// The transparency log's keys and cosignatures (package chaincode/translog,
// docs/decisions/0018-log-cosigning.md).
//
// Every node builds the same Merkle log of the ledger's records. Each
// organisation's node signs the checkpoint (origin, size, root) it computed
// with its organisation's log key, an Ed25519 note key named by its MSP ID,
// and commits the signature here; any node then assembles a checkpoint
// cosigned by a quorum of organisations, which a court checks offline
// against the registered keys.
//
// Keys:
//
//	logkey/<msp>/<key hash, 8 hex>  an organisation's log key (a record of
//	                                the log itself: kind log-key)
//	cosig/<size, 20 digits>/<msp>   the organisation's signature of the
//	                                checkpoint of that size
//	logdivergence/<msp>/<size>      the organisation's report that its root
//	                                differs from another's at that size
//
// One key per (size, organisation): organisations cosigning the same size
// concurrently never touch the same key, so Fabric's MVCC check never
// fails them against each other. A second, different root for the same
// organisation and size is refused: an organisation states one root per
// size. The contract does not compare roots between organisations: nodes
// do, and a node whose root differs from another organisation's refuses to
// cosign and alerts the association.

// RegisterLogKeyRequest registers an organisation's log key: a note
// verifier key ("<msp>+<hash>+<base64 key>", Ed25519) named by the MSP ID.
type RegisterLogKeyRequest struct {
	MSPID    string `json:"mspId"`
	Verifier string `json:"verifier"`
}

// LogKey is a registered log key.
type LogKey struct {
	MSPID        string `json:"mspId"`
	Verifier     string `json:"verifier"`
	KeyHash      string `json:"keyHash"`
	RegisteredAt string `json:"registeredAt"`
	TxID         string `json:"txId"`
}

// CosignCheckpointRequest is an organisation's signature of a checkpoint.
type CosignCheckpointRequest struct {
	MSPID string `json:"mspId"`
	// Origin is the log's origin line (translog.Origin).
	Origin string `json:"origin"`
	Size   int64  `json:"size"`
	// RootHash is the tree's root at Size, base64 (standard, padded).
	RootHash string `json:"rootHash"`
	// HeadsSize and HeadsRoot are the checkpoint's heads line: the number
	// of chains and the root (base64) of the tree of their last leaves
	// at Size (translog.HeadsTree), which makes bundles' completeness
	// provable.
	HeadsSize int64  `json:"headsSize"`
	HeadsRoot string `json:"headsRoot"`
	// Signature is the base64 of a note signature line by one of the
	// organisation's registered log keys: the 4-byte key hash and the
	// Ed25519 signature of the checkpoint text.
	Signature string `json:"signature"`
}

// Cosignature is a committed checkpoint signature.
type Cosignature struct {
	MSPID     string `json:"mspId"`
	Origin    string `json:"origin"`
	Size      int64  `json:"size"`
	RootHash  string `json:"rootHash"`
	HeadsSize int64  `json:"headsSize"`
	HeadsRoot string `json:"headsRoot"`
	Signature string `json:"signature"`
	SignedAt  string `json:"signedAt"`
	TxID      string `json:"txId"`
}

// Checkpoint is the checkpoint the cosignature signs.
func (c Cosignature) Checkpoint() (translog.Checkpoint, error) {
	return checkpointOf(c.Origin, c.Size, c.RootHash, c.HeadsSize, c.HeadsRoot)
}

func checkpointOf(origin string, size int64, rootHash string, headsSize int64, headsRoot string) (translog.Checkpoint, error) {
	cp := translog.Checkpoint{Origin: origin, Size: size}
	root, err := base64.StdEncoding.DecodeString(rootHash)
	if err != nil || len(root) != 32 {
		return cp, errorf(CodeInvalidArgument, "rootHash: must be 32 bytes in base64")
	}
	copy(cp.Root[:], root)
	hr, err := base64.StdEncoding.DecodeString(headsRoot)
	if err != nil || len(hr) != 32 || headsSize < 1 {
		return cp, errorf(CodeInvalidArgument, "headsSize and headsRoot: at least one chain, and 32 bytes in base64")
	}
	cp.Heads = &translog.Commitment{Size: headsSize}
	copy(cp.Heads.Root[:], hr)
	if _, err := translog.ParseCheckpoint(cp.Text()); err != nil {
		return cp, errorf(CodeInvalidArgument, "%v", err)
	}
	return cp, nil
}

// Line is the cosignature's signature line in a signed note.
func (c Cosignature) Line() string { return "— " + c.MSPID + " " + c.Signature + "\n" }

// ListLogKeysRequest asks for the log keys of one organisation, or of all
// when MSPID is empty.
type ListLogKeysRequest struct {
	MSPID string `json:"mspId,omitempty"`
}

// ListCosignaturesRequest asks for the cosignatures of sizes at least
// MinSize (and at most MaxSize when it is not 0), in size order.
type ListCosignaturesRequest struct {
	MinSize int64 `json:"minSize,omitempty"`
	MaxSize int64 `json:"maxSize,omitempty"`
}

// CheckpointQuorum is how many organisations must cosign a checkpoint.
type CheckpointQuorum struct {
	// Quorum is the number of distinct organisations needed.
	Quorum int `json:"quorum"`
	// Configured is the policy's logQuorum (0: the default, a majority
	// of the active organisations).
	Configured int `json:"configured"`
	// Active are the active organisations (the association included).
	Active []string `json:"active"`
}

// maxCosignatures bounds one ListCosignatures answer.
const maxCosignatures = 10000

func logKeyKey(msp, hash string) string { return key(translog.LogKeyObjectType, msp, hash) }
func cosigKey(size int64, msp string) string {
	return key("cosig", fmt.Sprintf("%020d", size), msp)
}

func (c *Contract) registerLogKey(tx *txn, arg []byte) (any, error) {
	var req RegisterLogKeyRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.keyOwner(req.MSPID)
	if err != nil {
		return nil, err
	}
	if len(req.Verifier) > 200 {
		return nil, errorf(CodeInvalidArgument, "verifier: longer than 200 characters")
	}
	if err := translog.CheckVerifierKey(m.MSPID, req.Verifier); err != nil {
		return nil, errorf(CodeInvalidArgument, "verifier: %v", err)
	}
	v, _ := note.NewVerifier(req.Verifier)
	hash := fmt.Sprintf("%08x", v.KeyHash())
	var old LogKey
	if found, err := getJSON(tx.st, logKeyKey(m.MSPID, hash), &old); err != nil {
		return nil, err
	} else if found {
		if old.Verifier == req.Verifier {
			return old, nil // a retry
		}
		return nil, errorf(CodeConflict, "%s already registered another log key with hash %s", m.MSPID, hash)
	}
	k := LogKey{MSPID: m.MSPID, Verifier: req.Verifier, KeyHash: hash, RegisteredAt: FormatTime(tx.now), TxID: tx.id}
	return k, putJSON(tx.st, logKeyKey(m.MSPID, hash), k)
}

func (c *Contract) cosignCheckpoint(tx *txn, arg []byte) (any, error) {
	var req CosignCheckpointRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if req.MSPID != m.MSPID {
		// A cosignature is the organisation's own statement of the root
		// its node computed: no one submits it for another.
		return nil, errorf(CodeForbidden, "%s may only cosign for itself, not for %q", m.MSPID, req.MSPID)
	}
	if req.Size < 1 {
		return nil, errorf(CodeInvalidArgument, "size: a cosigned checkpoint has at least one leaf, got %d", req.Size)
	}
	if !strings.HasPrefix(req.Origin, translog.OriginPrefix) || len(req.Origin) > 200 {
		return nil, errorf(CodeInvalidArgument, "origin: must start with %q (at most 200 characters)", translog.OriginPrefix)
	}
	cp, err := checkpointOf(req.Origin, req.Size, req.RootHash, req.HeadsSize, req.HeadsRoot)
	if err != nil {
		return nil, err
	}
	if len(req.Signature) > 200 {
		return nil, errorf(CodeInvalidArgument, "signature: longer than 200 characters")
	}
	keys, err := tx.logKeys(m.MSPID)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errorf(CodeFailedPrecondition, "%s has registered no log key", m.MSPID)
	}
	known := make([]translog.OrgKey, len(keys))
	for i, k := range keys {
		known[i] = translog.OrgKey{Org: k.MSPID, Verifier: k.Verifier}
	}
	signed := []byte(cp.Text() + "\n— " + m.MSPID + " " + req.Signature + "\n")
	if _, err := translog.OpenCheckpoint(signed, known); err != nil {
		return nil, errorf(CodeInvalidArgument, "signature: %v", err)
	}
	var old Cosignature
	if found, err := getJSON(tx.st, cosigKey(req.Size, m.MSPID), &old); err != nil {
		return nil, err
	} else if found {
		if old.Origin == req.Origin && old.RootHash == req.RootHash && old.HeadsSize == req.HeadsSize && old.HeadsRoot == req.HeadsRoot {
			return old, nil // the same statement again
		}
		return nil, errorf(CodeConflict, "%s already cosigned size %d with root %s: an organisation states one root per size", m.MSPID, req.Size, old.RootHash)
	}
	cs := Cosignature{MSPID: m.MSPID, Origin: req.Origin, Size: req.Size, RootHash: req.RootHash,
		HeadsSize: req.HeadsSize, HeadsRoot: req.HeadsRoot, Signature: req.Signature,
		SignedAt: FormatTime(tx.now), TxID: tx.id}
	return cs, putJSON(tx.st, cosigKey(req.Size, m.MSPID), cs)
}

// logKeys are the registered log keys of msp, or of everyone when msp is
// empty, in key order.
func (tx *txn) logKeys(msp string) ([]LogKey, error) {
	var attrs []string
	if msp != "" {
		attrs = []string{msp}
	}
	out := []LogKey{}
	err := scanJSON(tx.st, translog.LogKeyObjectType, attrs, func(lk LogKey) error {
		out = append(out, lk)
		return nil
	})
	return out, err
}

// The reads below are open to every organisation on the ledger: keys,
// signatures and the quorum are what a checkpoint's verifier needs, and
// none of them says anything about a subject.

func (c *Contract) listLogKeys(tx *txn, arg []byte) (any, error) {
	var req ListLogKeysRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireKnownCreator(); err != nil {
		return nil, err
	}
	if req.MSPID != "" && !mspIDPattern.MatchString(req.MSPID) {
		return nil, errorf(CodeInvalidArgument, "mspId: %q is not a valid MSP ID", req.MSPID)
	}
	return tx.logKeys(req.MSPID)
}

func (c *Contract) listCosignatures(tx *txn, arg []byte) (any, error) {
	var req ListCosignaturesRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireKnownCreator(); err != nil {
		return nil, err
	}
	if req.MinSize < 0 || req.MaxSize < 0 {
		return nil, errorf(CodeInvalidArgument, "minSize and maxSize: must not be negative")
	}
	out := []Cosignature{}
	err := scanJSON(tx.st, "cosig", nil, func(cs Cosignature) error {
		if cs.Size < req.MinSize || (req.MaxSize > 0 && cs.Size > req.MaxSize) {
			return nil
		}
		if len(out) >= maxCosignatures {
			return errorf(CodeFailedPrecondition, "more than %d cosignatures: ask for a narrower range of sizes", maxCosignatures)
		}
		out = append(out, cs)
		return nil
	})
	return out, err
}

func (c *Contract) checkpointQuorum(tx *txn, arg []byte) (any, error) {
	var req Empty
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireKnownCreator(); err != nil {
		return nil, err
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	q := CheckpointQuorum{Configured: p.LogQuorum, Active: []string{}}
	err = scanJSON(tx.st, "member", nil, func(m Member) error {
		if m.Status == StatusActive {
			q.Active = append(q.Active, m.MSPID)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	q.Quorum = p.LogQuorum
	if q.Quorum == 0 {
		q.Quorum = len(q.Active)/2 + 1
	}
	return q, nil
}

// EventLogDivergence is the chaincode event of ReportLogDivergence.
const EventLogDivergence = "log-divergence"

// ReportLogDivergenceRequest is a node's report that its organisation's
// log has another root than another organisation cosigned at the same
// size: one of the two copies of the ledger was altered. The reporting
// organisation is the creator.
type ReportLogDivergenceRequest struct {
	Origin string `json:"origin"`
	Size   int64  `json:"size"`
	// RootHash is the root the reporter's node computed (base64).
	RootHash string `json:"rootHash"`
	// Other is the organisation whose cosignature disagrees.
	Other string `json:"other"`
}

// LogDivergence is a recorded report; it is also the event's payload,
// with the association that is to be alerted.
type LogDivergence struct {
	Member        string `json:"member"`
	Origin        string `json:"origin"`
	Size          int64  `json:"size"`
	RootHash      string `json:"rootHash"`
	Other         string `json:"other"`
	OtherRootHash string `json:"otherRootHash"`
	Association   string `json:"association"`
	ReportedAt    string `json:"reportedAt"`
	TxID          string `json:"txId"`
}

func divergenceKey(member string, size int64) string {
	return key("logdivergence", member, fmt.Sprintf("%020d", size))
}

// reportLogDivergence records the report once per (member, size) and
// emits the event from which the association's node raises an alert. The
// other organisation's cosignature must be on the ledger with another
// root: a report names a disagreement anyone can check.
func (c *Contract) reportLogDivergence(tx *txn, arg []byte) (any, error) {
	var req ReportLogDivergenceRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.anchorer()
	if err != nil {
		return nil, err
	}
	if req.Size < 1 {
		return nil, errorf(CodeInvalidArgument, "size: at least 1, got %d", req.Size)
	}
	if root, err := base64.StdEncoding.DecodeString(req.RootHash); err != nil || len(root) != 32 {
		return nil, errorf(CodeInvalidArgument, "rootHash: must be 32 bytes in base64")
	}
	if !mspIDPattern.MatchString(req.Other) || req.Other == m.MSPID {
		return nil, errorf(CodeInvalidArgument, "other: %q is not another organisation's MSP ID", req.Other)
	}
	var other Cosignature
	if found, err := getJSON(tx.st, cosigKey(req.Size, req.Other), &other); err != nil {
		return nil, err
	} else if !found || other.Origin != req.Origin {
		return nil, errorf(CodeNotFound, "%s has not cosigned size %d of %q", req.Other, req.Size, req.Origin)
	}
	if other.RootHash == req.RootHash {
		return nil, errorf(CodeInvalidArgument, "%s cosigned the same root at size %d: no divergence", req.Other, req.Size)
	}
	var prev LogDivergence
	if ok, err := getJSON(tx.st, divergenceKey(m.MSPID, req.Size), &prev); err != nil {
		return nil, err
	} else if ok {
		return prev, nil // reported already (a retry)
	}
	assoc, err := tx.association()
	if err != nil {
		return nil, err
	}
	d := LogDivergence{Member: m.MSPID, Origin: req.Origin, Size: req.Size, RootHash: req.RootHash, Other: req.Other,
		OtherRootHash: other.RootHash, Association: assoc, ReportedAt: FormatTime(tx.now), TxID: tx.id}
	if err := putJSON(tx.st, divergenceKey(m.MSPID, req.Size), d); err != nil {
		return nil, err
	}
	ev, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return d, tx.st.SetEvent(EventLogDivergence, ev)
}
