package contract

import (
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
)

// Audit anchors: a member's node commits the head of the member's query
// audit chain (its size and the last entry's hash) to the ledger, so that
// an auditor can later check that the log the member hands over extends
// every head it committed (docs/decisions/0006-audit-anchoring.md).
//
// A member's log is named by the hash of its first entry: a node that
// loses its store and starts a new log anchors it beside the old one, in
// plain sight, instead of being locked out; an auditor then asks for every
// log the member anchored.
//
// Keys: ("auditanchor", member, log, size as 20 digits) holds each anchor,
// so anchors of different members never touch the same key;
// ("auditanchorhead", member, log) holds the log's latest anchor, which
// each anchor reads to refuse a size that does not grow. Only the member's own node writes these
// two keys, one anchor at a time, so the read never conflicts in practice;
// two concurrent anchors of one member must be ordered anyway, and Fabric's
// MVCC check is what orders them.

// AnchorAuditRequest is the argument of AnchorAudit. The member is the
// transaction's creator, never a field.
type AnchorAuditRequest struct {
	// Log is the hash of the log's first entry.
	Log  string `json:"log"`
	Size uint64 `json:"size"`
	Head string `json:"head"`
	// KID and Signature, optional, are an ES256 signature (ASN.1 DER,
	// base64url) over SHA-256 of AnchorMessage by one of the member's
	// active registered keys: the anchor then verifies offline too.
	KID       string `json:"kid,omitempty"`
	Signature string `json:"signature,omitempty"`
}

// AuditAnchor is a committed audit head.
type AuditAnchor struct {
	Member     string `json:"member"`
	Log        string `json:"log"`
	Size       uint64 `json:"size"`
	Head       string `json:"head"`
	KID        string `json:"kid,omitempty"`
	Signature  string `json:"signature,omitempty"`
	AnchoredAt string `json:"anchoredAt"`
	TxID       string `json:"txId"`
}

// ListAuditAnchorsRequest is the argument of ListAuditAnchors.
type ListAuditAnchorsRequest struct {
	Member string `json:"member"`
}

// AnchorMessage is what an anchor's signature signs.
func AnchorMessage(member, log string, size uint64, head string) []byte {
	return fmt.Appendf(nil, "blacklist-audit-anchor/v1\n%s\n%s\n%d\n%s", member, log, size, head)
}

var headPattern = regexp.MustCompile(`^[0-9a-f]{64}$`)

func anchorKey(member, log string, size uint64) string {
	return key("auditanchor", member, log, fmt.Sprintf("%020d", size))
}
func anchorHeadKey(member, log string) string { return key("auditanchorhead", member, log) }

// anchorer returns the creator if it may anchor: any admitted member that
// is not expelled. A suspended member still anchors: its log matters most
// to the association while it is suspended, and an anchor reveals nothing
// and grants nothing.
func (tx *txn) anchorer() (*Member, error) {
	if _, err := tx.association(); err != nil {
		return nil, err
	}
	m, err := tx.member(tx.creator)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == CodeNotFound {
			return nil, errorf(CodeForbidden, "%s is not a member", tx.creator)
		}
		return nil, err
	}
	if m.Status == StatusExpelled {
		return nil, errorf(CodeForbidden, "member %s is expelled", m.MSPID)
	}
	return m, nil
}

func (c *Contract) anchorAudit(tx *txn, arg []byte) (any, error) {
	var req AnchorAuditRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.anchorer()
	if err != nil {
		return nil, err
	}
	if req.Size < 1 {
		return nil, errorf(CodeInvalidArgument, "size: an anchored log has at least one entry")
	}
	if !headPattern.MatchString(req.Head) {
		return nil, errorf(CodeInvalidArgument, "head: must be 64 lower-case hex digits (a SHA-256)")
	}
	if !headPattern.MatchString(req.Log) {
		return nil, errorf(CodeInvalidArgument, "log: must be 64 lower-case hex digits (the hash of the log's first entry)")
	}
	if req.Size == 1 && req.Head != req.Log {
		return nil, errorf(CodeInvalidArgument, "head: at size 1 the head is the first entry, so it must equal log")
	}
	if (req.KID == "") != (req.Signature == "") {
		return nil, errorf(CodeInvalidArgument, "kid and signature go together")
	}
	if req.KID != "" {
		if err := c.checkAnchorSignature(m, &req); err != nil {
			return nil, err
		}
	}
	var last AuditAnchor
	found, err := getJSON(tx.st, anchorHeadKey(m.MSPID, req.Log), &last)
	if err != nil {
		return nil, err
	}
	if found {
		switch {
		case req.Size == last.Size && req.Head == last.Head:
			// The same head again (a retry after a timeout): nothing new.
			return last, nil
		case req.Size == last.Size:
			return nil, errorf(CodeConflict, "size %d is already anchored with another head %s: the log was rewritten", req.Size, last.Head)
		case req.Size < last.Size:
			return nil, errorf(CodeFailedPrecondition, "size %d is not greater than the last anchored size %d: an audit log only grows", req.Size, last.Size)
		}
	}
	a := AuditAnchor{Member: m.MSPID, Log: req.Log, Size: req.Size, Head: req.Head, KID: req.KID, Signature: req.Signature,
		AnchoredAt: FormatTime(tx.now), TxID: tx.id}
	if err := putJSON(tx.st, anchorKey(m.MSPID, a.Log, a.Size), a); err != nil {
		return nil, err
	}
	return a, putJSON(tx.st, anchorHeadKey(m.MSPID, a.Log), a)
}

func (c *Contract) checkAnchorSignature(m *Member, req *AnchorAuditRequest) error {
	var k *Key
	for i := range m.Keys {
		if m.Keys[i].KID == req.KID {
			k = &m.Keys[i]
		}
	}
	if k == nil || k.Status != KeyActive {
		return errorf(CodeForbidden, "kid %s is not an active key of %s", req.KID, m.MSPID)
	}
	pub, err := c.publicKey(k.PublicKey)
	if err != nil {
		return errorf(CodeInternal, "registered key %s: %v", k.KID, err)
	}
	sig, err := base64.RawURLEncoding.DecodeString(req.Signature)
	if err != nil {
		return errorf(CodeInvalidArgument, "signature: not base64url without padding")
	}
	sum := sha256.Sum256(AnchorMessage(m.MSPID, req.Log, req.Size, req.Head))
	if !ecdsa.VerifyASN1(pub, sum[:], sig) {
		return errorf(CodeInvalidArgument, "signature: does not verify with %s over this member, size and head", k.KID)
	}
	return nil
}

// listAuditAnchors returns every anchor of the member, log by log, each
// log's in size order.
func (c *Contract) listAuditAnchors(tx *txn, arg []byte) (any, error) {
	var req ListAuditAnchorsRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireKnownCreator(); err != nil {
		return nil, err
	}
	if !mspIDPattern.MatchString(req.Member) {
		return nil, errorf(CodeInvalidArgument, "member: %q is not a valid MSP ID", req.Member)
	}
	out := []AuditAnchor{}
	err := tx.st.Scan("auditanchor", []string{req.Member}, func(_ string, v []byte) error {
		var a AuditAnchor
		if err := json.Unmarshal(v, &a); err != nil {
			return err
		}
		out = append(out, a)
		return nil
	})
	return out, err
}
