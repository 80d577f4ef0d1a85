package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	fastjson "github.com/goccy/go-json"
	"slices"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Purposes are the stated reasons a member may look a subject up.
var Purposes = []string{"loan-approval", "post-loan", "guarantor-check", "dispute-handling"}

// ErrBadPurpose is returned for a missing or unknown purpose.
var ErrBadPurpose = fmt.Errorf("purpose must be one of %v", Purposes)

// ErrNoPeer is returned for a read asked of a peer on a backend without one.
var ErrNoPeer = errors.New("consistency=peer needs a node in fabric mode")

// Lookup answers the status of subjects for a client, in request order,
// with the ledger height the answers reflect, after recording each subject
// in the query audit log. onPeer asks the organisation's peer instead of
// the node's replica.
func (n *Node) Lookup(ctx context.Context, c *Client, purpose string, subjects []string, onPeer bool) ([]contract.Status, uint64, error) {
	if !slices.Contains(Purposes, purpose) {
		return nil, 0, ErrBadPurpose
	}
	arg, err := json.Marshal(contract.SubjectsRequest{Subjects: subjects})
	if err != nil {
		return nil, 0, err
	}
	var res ledger.Result
	if onPeer {
		pe, ok := n.Ledger.(ledger.PeerEvaluator)
		if !ok {
			return nil, 0, ErrNoPeer
		}
		res, err = pe.EvaluateOnPeer(ctx, "SubjectStatuses", arg)
	} else {
		res, err = n.Ledger.Evaluate(c.Member, "SubjectStatuses", arg)
	}
	if err != nil {
		return nil, 0, err
	}
	var out []contract.Status
	if err := fastjson.Unmarshal(res.Payload, &out); err != nil {
		return nil, 0, err
	}
	entries := make([]AuditEntry, len(out))
	for i, s := range out {
		entries[i] = AuditEntry{Client: c.Name, Member: c.Member, Subject: s.SubjectKey, Purpose: purpose, Kind: "status",
			Listed: s.Listed, ActiveDefaults: s.ActiveDefaults, Height: res.Height}
	}
	if err := n.audit(entries); err != nil {
		return nil, 0, err
	}
	return out, res.Height, nil
}

// History answers a subject's history for a client, audited like a lookup.
func (n *Node) History(ctx context.Context, c *Client, purpose, subject string) (*contract.History, uint64, error) {
	if !slices.Contains(Purposes, purpose) {
		return nil, 0, ErrBadPurpose
	}
	arg, _ := json.Marshal(contract.SubjectRequest{Subject: subject})
	res, err := n.Ledger.Evaluate(c.Member, "SubjectHistory", arg)
	if err != nil {
		return nil, 0, err
	}
	var h contract.History
	if err := json.Unmarshal(res.Payload, &h); err != nil {
		return nil, 0, err
	}
	active := 0
	for _, e := range h.Entries {
		if e.State == contract.StateActive {
			active++
		}
	}
	e := AuditEntry{Client: c.Name, Member: c.Member, Subject: subject, Purpose: purpose, Kind: "history",
		Listed: active > 0, ActiveDefaults: active, Height: res.Height}
	if err := n.audit([]AuditEntry{e}); err != nil {
		return nil, 0, err
	}
	return &h, res.Height, nil
}
