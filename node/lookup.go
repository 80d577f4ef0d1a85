package node

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// Purposes are the stated reasons a member may look a subject up.
var Purposes = []string{"loan-approval", "post-loan", "guarantor-check", "dispute-handling", "litigation"}

// ErrBadPurpose is returned for a missing or unknown purpose.
var ErrBadPurpose = fmt.Errorf("purpose must be one of %v", Purposes)

// ErrNoPeer is returned for a read asked of a peer on a backend without one.
var ErrNoPeer = errors.New("consistency=peer needs a node in fabric mode")

// MaxLookup is the most subjects one lookup may ask about.
const MaxLookup = contract.MaxSubjects

// ErrTooMany is returned for a lookup of more than MaxLookup subjects.
var ErrTooMany = fmt.Errorf("at most %d subjects per lookup", MaxLookup)

// outcome classifies the error a read ended with for the audit log.
func outcome(err error) string {
	var ce *contract.Error
	switch {
	case err == nil:
		return OutcomeOK
	case errors.Is(err, ErrOverBudget):
		return OutcomeOverBudget
	case errors.Is(err, ErrBadPurpose), errors.Is(err, ErrTooMany),
		errors.As(err, &ce) && (ce.Code == contract.CodeForbidden || ce.Code == contract.CodeInvalidArgument):
		return OutcomeDenied
	default:
		return OutcomeError
	}
}

// checkRead is what every read of subjects checks before touching the
// ledger: the capability, then the purpose.
func (n *Node) checkRead(ctx context.Context, c *Client, capability Capability, purpose string) error {
	if err := n.Authorize(ctx, c, capability); err != nil {
		return err
	}
	if !slices.Contains(Purposes, purpose) {
		return ErrBadPurpose
	}
	return nil
}

// auditRefused records one entry per subject of a read that was refused
// or failed, and returns the read's error (or the audit's, if recording
// failed: nothing is answered that is not on record).
func (n *Node) auditRefused(c *Client, kind, purpose string, subjects []string, cause error) error {
	// Only what is a key or a known purpose is recorded: a client can put
	// anything in a refused request, an identity number too, and the
	// audit log never holds one.
	if !slices.Contains(Purposes, purpose) {
		purpose = ""
	}
	entries := make([]AuditEntry, len(subjects))
	for i, s := range subjects {
		if !contract.IsHexDigest(s) {
			s = ""
		}
		entries[i] = AuditEntry{Client: c.Name, Member: c.Member, Subject: s, Purpose: purpose, Kind: kind,
			Outcome: outcome(cause), Height: n.Height()}
	}
	if err := n.audit(entries); err != nil {
		return err
	}
	return cause
}

// Lookup answers the status of subjects for a client, in request order,
// with the ledger height the answers reflect, after recording each subject
// in the query audit log. onPeer asks the organisation's peer instead of
// the node's replica. A refused or failed lookup is recorded too.
func (n *Node) Lookup(ctx context.Context, c *Client, purpose string, subjects []string, onPeer bool) ([]contract.Status, uint64, error) {
	if err := n.checkRead(ctx, c, Lookup, purpose); err != nil {
		return nil, 0, n.auditRefused(c, AuditStatus, purpose, subjects, err)
	}
	if len(subjects) > MaxLookup {
		return nil, 0, n.auditRefused(c, AuditStatus, purpose, subjects, ErrTooMany)
	}
	// The count is made durable by the audit log's commit of this
	// lookup's entries (one sync for both): counted is checked after it.
	counted, err := n.spendThenAudit(ctx, c, SpendLookups, len(subjects))
	if err != nil {
		return nil, 0, n.auditRefused(c, AuditStatus, purpose, subjects, err)
	}
	var (
		out    []contract.Status
		height uint64
	)
	req := contract.SubjectsRequest{Subjects: subjects}
	if onPeer {
		out, height, err = evaluateOnPeer(ctx, n, contract.TxSubjectStatuses, req)
	} else {
		out, height, err = evaluate(n, c.Member, contract.TxSubjectStatuses, req)
	}
	if err != nil {
		err = n.auditRefused(c, AuditStatus, purpose, subjects, err)
		if cerr := counted(); cerr != nil {
			return nil, 0, cerr
		}
		return nil, 0, err
	}
	entries := make([]AuditEntry, len(out))
	for i, s := range out {
		entries[i] = AuditEntry{Client: c.Name, Member: c.Member, Subject: s.SubjectKey, Purpose: purpose, Kind: AuditStatus,
			Outcome: OutcomeOK, Listed: s.Listed, ActiveDefaults: s.ActiveDefaults, Height: height}
	}
	if err := n.audit(entries); err != nil {
		return nil, 0, err
	}
	if err := counted(); err != nil {
		return nil, 0, err
	}
	return out, height, nil
}

// History answers a subject's history for a client, audited like a lookup.
func (n *Node) History(ctx context.Context, c *Client, purpose, subject string) (*contract.History, uint64, error) {
	if err := n.checkRead(ctx, c, Lookup, purpose); err != nil {
		return nil, 0, n.auditRefused(c, AuditHistory, purpose, []string{subject}, err)
	}
	// As in Lookup: the count is durable with the audit entry.
	counted, err := n.spendThenAudit(ctx, c, SpendLookups, 1)
	if err != nil {
		return nil, 0, n.auditRefused(c, AuditHistory, purpose, []string{subject}, err)
	}
	h, height, err := evaluate(n, c.Member, contract.TxSubjectHistory, contract.SubjectRequest{Subject: subject})
	if err != nil {
		err = n.auditRefused(c, AuditHistory, purpose, []string{subject}, err)
		if cerr := counted(); cerr != nil {
			return nil, 0, cerr
		}
		return nil, 0, err
	}
	active := 0
	for _, e := range h.Entries {
		if e.State == contract.StateActive {
			active++
		}
	}
	e := AuditEntry{Client: c.Name, Member: c.Member, Subject: subject, Purpose: purpose, Kind: AuditHistory,
		Outcome: OutcomeOK, Listed: active > 0, ActiveDefaults: active, Height: height}
	if err := n.audit([]AuditEntry{e}); err != nil {
		return nil, 0, err
	}
	if err := counted(); err != nil {
		return nil, 0, err
	}
	return &h, height, nil
}

// Attestation answers one attestation by id for a client with a stated
// purpose. It names a subject and a default, so it is a read of that
// subject: audited like a lookup, refusals included (with no subject when
// none is known).
func (n *Node) Attestation(ctx context.Context, c *Client, purpose, id string) (contract.AttestationView, uint64, error) {
	var none contract.AttestationView
	if err := n.checkRead(ctx, c, ReadAttestation, purpose); err != nil {
		return none, 0, n.auditRefused(c, AuditAttestation, purpose, []string{""}, err)
	}
	v, height, err := evaluate(n, c.Member, contract.TxGetAttestation, contract.IDRequest{ID: id})
	if err != nil {
		return none, 0, n.auditRefused(c, AuditAttestation, purpose, []string{""}, err)
	}
	e := AuditEntry{Client: c.Name, Member: c.Member, Subject: v.Payload.Subject, Purpose: purpose, Kind: AuditAttestation,
		Outcome: OutcomeOK, Listed: v.State == contract.StateActive, Height: height}
	if v.State == contract.StateActive {
		e.ActiveDefaults = 1
	}
	if err := n.audit([]AuditEntry{e}); err != nil {
		return none, 0, err
	}
	return v, height, nil
}
