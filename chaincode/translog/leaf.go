package translog

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/tlog"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// LeafVersion is the version of the leaf encoding this package writes.
const LeafVersion = 1

// Ledger modes of a Position.
const (
	ModeEmbedded = "embedded"
	ModeFabric   = "fabric"
)

// ValidationValid is the only Fabric validation code a logged transaction has.
const ValidationValid = "VALID"

// Record kinds.
const (
	KindDefault        = "default"
	KindSettlement     = "settlement"
	KindRevocation     = "revocation"
	KindDisputeOpened  = "dispute-opened"
	KindDisputeOutcome = "dispute-outcome"
	KindMember         = "member"
	KindAssociation    = "association"
	KindPolicy         = "policy"
	KindLogKey         = "log-key"
	// KindPublication is the record of a publication of the blacklist to
	// credit agencies (package chaincode/publication): its number, height,
	// root and digest, so its place in history is provable.
	KindPublication = "publication"
)

// LogKeyObjectType is the composite-key object type under which the contract
// stores organisations' log keys: logkey/<msp>/<anything>. Such writes are
// records of kind log-key, chained per organisation.
const LogKeyObjectType = "logkey"

// PublicationObjectType is the composite-key object type of publication
// records (contract.TxRecordPublication): publication/<number, 20 digits>.
const PublicationObjectType = "publication"

// Limits that keep a leaf a sane size; the contract's own limits are far
// below them.
const (
	maxTxID  = 256
	maxKey   = 4096
	maxValue = 1 << 20
)

// Hash is a SHA-256 tree or leaf hash (tlog's, so proofs pass through).
type Hash = tlog.Hash

// Position is where a record sits in the ledger.
type Position struct {
	// Mode is ModeEmbedded or ModeFabric.
	Mode string `json:"mode"`
	// Height is the embedded ledger's height of the transaction.
	Height uint64 `json:"height,omitempty"`
	// Block and TxIndex locate a Fabric transaction: the block number and
	// the transaction's index among the block's envelopes.
	Block   uint64 `json:"block,omitempty"`
	TxIndex uint32 `json:"txIndex,omitempty"`
	TxID    string `json:"txId"`
	// Validation is Fabric's validation code, always VALID for a logged
	// transaction; empty in embedded mode.
	Validation string `json:"validation,omitempty"`
}

// Leaf is one logged record: where it was committed, what it is, the
// world-state key and the exact value written, and the previous leaf of its
// chain.
type Leaf struct {
	Position Position `json:"position"`
	Kind     string   `json:"kind"`
	// Key is the world-state key as the contract wrote it (a composite key,
	// with its 0x00 separators).
	Key string `json:"key"`
	// Value is the exact bytes written (base64 in JSON).
	Value []byte `json:"value"`
	// Prev is the leaf index of the previous leaf of the same chain; nil for
	// the first.
	Prev *uint64 `json:"prev"`
}

// attIndex mirrors the contract's att/<id> value (package contract's
// attIndex); translog cannot import the contract, which imports translog.
type attIndex struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
	Default string `json:"default"`
	JWS     string `json:"jws"`
}

// disputeRecord is the part of the contract's Dispute a leaf needs.
type disputeRecord struct {
	ID            string `json:"id"`
	AttestationID string `json:"attestationId"`
	State         string `json:"state"`
}

// NewLeaf makes the leaf of one write of a committed transaction. It reports
// false, with no error, when the write is not a record (a secondary index or
// bookkeeping, see the package doc) or is a delete (value nil). An error
// means the position is not valid or a record's value does not say what its
// key promises. The leaf's Prev is nil: the node sets it from its chain index.
func NewLeaf(pos Position, key string, value []byte) (Leaf, bool, error) {
	if value == nil {
		return Leaf{}, false, nil
	}
	kind, ok, err := kindOf(key, value)
	if err != nil || !ok {
		return Leaf{}, false, err
	}
	l := Leaf{Position: pos, Kind: kind, Key: key, Value: append([]byte(nil), value...)}
	if err := l.check(); err != nil {
		return Leaf{}, false, err
	}
	return l, true, nil
}

// IsRecordKey reports whether writes to key are logged.
func IsRecordKey(key string) bool {
	obj, attrs, err := state.SplitCompositeKey(key)
	if err != nil {
		return false
	}
	switch obj {
	case "att":
		return len(attrs) == 1
	case "subj":
		return len(attrs) == 3 && attrs[1] == "p"
	case "member":
		return len(attrs) == 1
	case "config":
		return len(attrs) == 1 && (attrs[0] == "association" || attrs[0] == "policy")
	case LogKeyObjectType:
		return len(attrs) >= 1
	case PublicationObjectType:
		return len(attrs) == 1
	}
	return false
}

func kindOf(key string, value []byte) (string, bool, error) {
	if !IsRecordKey(key) {
		return "", false, nil
	}
	obj, attrs, _ := state.SplitCompositeKey(key)
	switch obj {
	case "att":
		var a attIndex
		if err := json.Unmarshal(value, &a); err != nil {
			return "", false, fmt.Errorf("attestation record %s: %v", attrs[0], err)
		}
		switch a.Type {
		case KindDefault, KindSettlement, KindRevocation:
		default:
			return "", false, fmt.Errorf("attestation record %s: unknown type %q", attrs[0], a.Type)
		}
		if a.Default == "" || a.JWS == "" {
			return "", false, fmt.Errorf("attestation record %s: no default id or no JWS", attrs[0])
		}
		return a.Type, true, nil
	case "subj":
		var d disputeRecord
		if err := json.Unmarshal(value, &d); err != nil {
			return "", false, fmt.Errorf("dispute record %s: %v", attrs[2], err)
		}
		if d.AttestationID == "" {
			return "", false, fmt.Errorf("dispute record %s: no attestation id", attrs[2])
		}
		if d.State == "open" {
			return KindDisputeOpened, true, nil
		}
		return KindDisputeOutcome, true, nil
	case "member":
		return KindMember, true, nil
	case "config":
		if attrs[0] == "policy" {
			return KindPolicy, true, nil
		}
		return KindAssociation, true, nil
	case PublicationObjectType:
		return KindPublication, true, nil
	default:
		return KindLogKey, true, nil
	}
}

// Chain names the chain a leaf belongs to: "attestation/<defaultId>" for
// every record about one default, "member/<msp>", "logkey/<msp>",
// "config/association", "config/policy". The node keeps, per chain, the index
// of its last leaf and sets the next leaf's Prev to it.
func (l Leaf) Chain() string {
	_, attrs, _ := state.SplitCompositeKey(l.Key)
	switch l.Kind {
	case KindDefault, KindSettlement, KindRevocation:
		if d := l.DefaultID(); d != "" {
			return "attestation/" + d
		}
	case KindDisputeOpened, KindDisputeOutcome:
		if d := l.DefaultID(); d != "" {
			return "attestation/" + d
		}
	case KindMember:
		if len(attrs) == 1 {
			return "member/" + attrs[0]
		}
	case KindPolicy:
		return "config/policy"
	case KindAssociation:
		return "config/association"
	case KindLogKey:
		if len(attrs) >= 1 {
			return "logkey/" + attrs[0]
		}
	case KindPublication:
		return ChainOfPublications
	}
	return ""
}

// ChainOfAttestation is the chain of every record about default id.
func ChainOfAttestation(defaultID string) string { return "attestation/" + defaultID }

// ChainOfPublications is the chain of the publications' records.
const ChainOfPublications = "publications"

// ChainOfMember is the chain of member msp's record versions.
func ChainOfMember(msp string) string { return "member/" + msp }

// DefaultID is, for an attestation or dispute leaf, the id of the default it
// is about (the attestation itself for a default); "" for other kinds.
func (l Leaf) DefaultID() string {
	switch l.Kind {
	case KindDefault, KindSettlement, KindRevocation:
		var a attIndex
		if json.Unmarshal(l.Value, &a) == nil {
			return a.Default
		}
	case KindDisputeOpened, KindDisputeOutcome:
		var d disputeRecord
		if json.Unmarshal(l.Value, &d) == nil {
			return d.AttestationID
		}
	}
	return ""
}

// RecordID is, for an attestation leaf, the attestation's id, for a dispute
// leaf the dispute's id, for a member leaf the MSP ID; "" otherwise.
func (l Leaf) RecordID() string {
	_, attrs, err := state.SplitCompositeKey(l.Key)
	if err != nil || len(attrs) == 0 {
		return ""
	}
	switch l.Kind {
	case KindDefault, KindSettlement, KindRevocation, KindMember:
		return attrs[0]
	case KindDisputeOpened, KindDisputeOutcome:
		return attrs[len(attrs)-1]
	}
	return ""
}

// JWS is, for an attestation leaf, the compact JWS held in its value.
func (l Leaf) JWS() string {
	switch l.Kind {
	case KindDefault, KindSettlement, KindRevocation:
		var a attIndex
		if json.Unmarshal(l.Value, &a) == nil {
			return a.JWS
		}
	}
	return ""
}

// ReadableKey shows a composite key with "/" for its separators, for people.
func ReadableKey(key string) string {
	obj, attrs, err := state.SplitCompositeKey(key)
	if err != nil {
		return fmt.Sprintf("%q", key)
	}
	return strings.Join(append([]string{obj}, attrs...), "/")
}

func (l Leaf) check() error {
	p := l.Position
	switch p.Mode {
	case ModeEmbedded:
		if p.Height == 0 || p.Block != 0 || p.TxIndex != 0 || p.Validation != "" {
			return errors.New("embedded position: needs a height and no block, tx index or validation code")
		}
	case ModeFabric:
		if p.Height != 0 {
			return errors.New("fabric position: has a height")
		}
		if p.Validation != ValidationValid {
			return fmt.Errorf("fabric position: validation code %q: only VALID transactions are logged", p.Validation)
		}
	default:
		return fmt.Errorf("position: unknown mode %q", p.Mode)
	}
	if p.TxID == "" || len(p.TxID) > maxTxID || !utf8.ValidString(p.TxID) {
		return errors.New("position: transaction id empty, too long or not UTF-8")
	}
	if !IsRecordKey(l.Key) || len(l.Key) > maxKey {
		return fmt.Errorf("key %s is not a record key", ReadableKey(l.Key))
	}
	if k, ok, err := kindOf(l.Key, l.Value); err != nil || !ok || k != l.Kind {
		if err != nil {
			return err
		}
		return fmt.Errorf("kind %q does not match key %s and its value", l.Kind, ReadableKey(l.Key))
	}
	if len(l.Value) > maxValue {
		return errors.New("value too large")
	}
	return nil
}

// Encode returns the leaf's canonical bytes (version 1, see the package doc).
func (l Leaf) Encode() ([]byte, error) {
	if err := l.check(); err != nil {
		return nil, err
	}
	p := l.Position
	b := make([]byte, 0, 64+len(p.TxID)+len(l.Kind)+len(l.Key)+len(l.Value))
	b = append(b, LeafVersion)
	if p.Mode == ModeEmbedded {
		b = append(b, 0x01)
		b = binary.BigEndian.AppendUint64(b, p.Height)
	} else {
		b = append(b, 0x02)
		b = binary.BigEndian.AppendUint64(b, p.Block)
	}
	b = binary.BigEndian.AppendUint32(b, p.TxIndex)
	for _, s := range [][]byte{[]byte(p.TxID), []byte(p.Validation), []byte(l.Kind), []byte(l.Key), l.Value} {
		b = binary.BigEndian.AppendUint32(b, uint32(len(s)))
		b = append(b, s...)
	}
	if l.Prev == nil {
		b = append(b, 0x00)
	} else {
		b = append(b, 0x01)
		b = binary.BigEndian.AppendUint64(b, *l.Prev)
	}
	return b, nil
}

// Hash is the leaf's RFC 6962 leaf hash.
func (l Leaf) Hash() (Hash, error) {
	b, err := l.Encode()
	if err != nil {
		return Hash{}, err
	}
	return tlog.RecordHash(b), nil
}

// DecodeLeaf parses a leaf's canonical bytes, refusing any byte string that
// Encode would not have produced.
func DecodeLeaf(b []byte) (Leaf, error) {
	d := decoder{b: b}
	v := d.byte()
	if d.err == nil && v != LeafVersion {
		return Leaf{}, fmt.Errorf("leaf: version %d, want %d", v, LeafVersion)
	}
	var l Leaf
	switch mode := d.byte(); {
	case d.err != nil:
	case mode == 0x01:
		l.Position.Mode = ModeEmbedded
		l.Position.Height = d.uint64()
	case mode == 0x02:
		l.Position.Mode = ModeFabric
		l.Position.Block = d.uint64()
	default:
		return Leaf{}, fmt.Errorf("leaf: unknown mode byte 0x%02x", mode)
	}
	l.Position.TxIndex = d.uint32()
	l.Position.TxID = string(d.bytes())
	l.Position.Validation = string(d.bytes())
	l.Kind = string(d.bytes())
	l.Key = string(d.bytes())
	l.Value = d.bytes()
	switch has := d.byte(); {
	case d.err != nil:
	case has == 0x01:
		p := d.uint64()
		l.Prev = &p
	case has != 0x00:
		return Leaf{}, fmt.Errorf("leaf: prev flag 0x%02x", has)
	}
	if d.err != nil {
		return Leaf{}, fmt.Errorf("leaf: %v", d.err)
	}
	if len(d.b) != 0 {
		return Leaf{}, fmt.Errorf("leaf: %d bytes after the end", len(d.b))
	}
	if err := l.check(); err != nil {
		return Leaf{}, fmt.Errorf("leaf: %v", err)
	}
	return l, nil
}

type decoder struct {
	b   []byte
	err error
}

func (d *decoder) take(n int) []byte {
	if d.err != nil {
		return nil
	}
	if n < 0 || len(d.b) < n {
		d.err = errors.New("truncated")
		return nil
	}
	out := d.b[:n]
	d.b = d.b[n:]
	return out
}

func (d *decoder) byte() byte {
	if b := d.take(1); b != nil {
		return b[0]
	}
	return 0
}

func (d *decoder) uint32() uint32 {
	if b := d.take(4); b != nil {
		return binary.BigEndian.Uint32(b)
	}
	return 0
}

func (d *decoder) uint64() uint64 {
	if b := d.take(8); b != nil {
		return binary.BigEndian.Uint64(b)
	}
	return 0
}

func (d *decoder) bytes() []byte {
	n := d.uint32()
	if d.err == nil && n > maxValue+maxKey {
		d.err = errors.New("field too long")
		return nil
	}
	return append([]byte{}, d.take(int(n))...)
}
