package node

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/audit"
)

// AuditEntry records one subject accessed by one client (package audit).
type AuditEntry = audit.Entry

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter = audit.Filter

// AuditHead is a member's audit chain head.
type AuditHead = audit.Head

// Audit entry kinds and outcomes, re-exported for the node's callers.
const (
	AuditStatus      = "status"
	AuditHistory     = "history"
	AuditWatch       = "watch"
	AuditDerive      = "derive"
	AuditAttestation = "attestation"
	AuditAlert       = "alert"
	// AuditEvidence ("evidence") is in evidence.go.
	AuditProtection = "protection"
	AuditPool       = "pool"

	OutcomeOK         = "ok"
	OutcomeDenied     = "denied"
	OutcomeError      = "error"
	OutcomeOverBudget = "over-budget"
)

// DefaultAuditAnchorInterval is how often the node anchors its audit heads
// when Options.AuditAnchorInterval is 0.
const DefaultAuditAnchorInterval = 10 * time.Minute

// audit appends entries durably before it returns; concurrent callers
// share one write and one fsync (group commit). Entries without an
// outcome are "ok".
func (n *Node) audit(entries []AuditEntry) error { return n.auditLog.Append(entries) }

// QueryAudit returns matching entries in log order, at most f.Limit; with
// a subject it answers from the subject index.
func (n *Node) QueryAudit(f AuditFilter) ([]AuditEntry, error) { return n.auditLog.Query(f) }

// VerifyAudit checks every member's chain and the node's MACs on it, and
// returns the number of entries checked.
func (n *Node) VerifyAudit() (uint64, error) { return n.auditLog.Verify() }

// AuditHeadOf returns member's audit chain head on this node.
func (n *Node) AuditHeadOf(member string) AuditHead { return n.auditLog.Head(member) }

// exportAudit streams member's audit chain after position after, in
// order.
func (n *Node) exportAudit(member string, after uint64, fn func(AuditEntry) error) error {
	return n.auditLog.Export(member, after, fn)
}

// auditAnchors lists the audit heads member anchored on the ledger, read
// as the client's member.
func (n *Node) auditAnchors(c *Client, member string) ([]contract.AuditAnchor, uint64, error) {
	if n.ledger == nil {
		return nil, 0, ErrNoLedger
	}
	return evaluate(n, c.Member, contract.TxListAuditAnchors, contract.ListAuditAnchorsRequest{Member: member})
}

// AnchorAudit commits, for every member whose audit head moved since its
// last anchor, the head to the ledger as that member, signed with the
// member's key when the node holds one. A member the ledger refuses (not
// admitted, expelled, or in fabric mode another organisation) is skipped
// and reported in the joined error; the others are still anchored.
func (n *Node) AnchorAudit(ctx context.Context) error {
	if n.ledger == nil {
		return nil
	}
	n.anchorMu.Lock()
	defer n.anchorMu.Unlock()
	var errs []error
	for _, h := range n.auditLog.Heads() {
		done, err := n.auditLog.Anchored(h.Member)
		if err != nil {
			return err
		}
		if h.Size == 0 || h.Size <= done {
			continue
		}
		req := contract.AnchorAuditRequest{Log: h.Log, Size: h.Size, Head: h.Hash}
		if k, err := n.signingKey(h.Member); err == nil {
			if priv, err := attestation.ParsePrivateKeyPEM(k.PrivateKey); err == nil {
				sum := sha256.Sum256(contract.AnchorMessage(h.Member, h.Log, h.Size, h.Hash))
				if sig, err := ecdsa.SignASN1(rand.Reader, priv, sum[:]); err == nil {
					req.KID, req.Signature = k.KID, base64.RawURLEncoding.EncodeToString(sig)
				}
			}
		}
		_, _, err = submit(ctx, n, h.Member, contract.TxAnchorAudit, req)
		var ce *contract.Error
		if req.KID != "" && errors.As(err, &ce) && (ce.Code == contract.CodeForbidden || ce.Code == contract.CodeInvalidArgument) {
			// The key the node holds may have been revoked on the ledger:
			// the creator's identity still vouches for an unsigned anchor.
			req.KID, req.Signature = "", ""
			_, _, err = submit(ctx, n, h.Member, contract.TxAnchorAudit, req)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("anchor the audit log of %s at %d: %w", h.Member, h.Size, err))
			continue
		}
		if err := n.auditLog.SetAnchored(h.Member, h.Size); err != nil {
			return err
		}
	}
	return errors.Join(errs...)
}

// anchorLoop anchors the audit heads every interval until ctx ends.
func (n *Node) anchorLoop(ctx context.Context, every time.Duration, logf func(string, ...any)) {
	onTick(ctx, every, func() {
		if err := n.AnchorAudit(ctx); err != nil && ctx.Err() == nil {
			logf("audit anchoring: %v", err)
		}
	})
}
