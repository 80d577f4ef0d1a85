package node

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	nodelog "github.com/assoc-ledger/blacklist/node/translog"
)

// Evidence bundles (chaincode/evidence) and the trust root they are
// checked with. A bundle is assembled against the latest checkpoint a
// quorum of organisations cosigned, from this node's log; in fabric mode
// it carries the blocks behind its records as the replica received them
// (every envelope with its endorsements, the orderers' signature metadata,
// the headers). The trust root is read from the ledger (members,
// signing-key history, log keys, quorum) and, in fabric mode, from the
// channel's last configuration block (the organisations' MSP root
// certificates, the orderer organisations' and the Orderer BlockValidation
// policy) with the channel's default endorsement policy (MAJORITY
// Endorsement of the application organisations: the chaincode is approved
// without a policy of its own).

// AuditEvidence is the audit kind of a served evidence bundle.
const AuditEvidence = "evidence"

// PurposeLitigation is the one purpose an evidence bundle is read for.
const PurposeLitigation = evidence.Purpose

// ErrNotCovered means the default is not yet in a checkpoint a quorum
// cosigned: the next cosigning rounds cover it.
var ErrNotCovered = errors.New("the record is not yet covered by a checkpoint cosigned by a quorum of organisations: retry after the next cosigning round")

// FabricMaterial is what a fabric-mode ledger gives evidence: its blocks
// as received and the channel's configuration.
type FabricMaterial interface {
	Block(n uint64) (*common.Block, bool, error)
	Height() uint64
	// ChannelTrust is the channel's name, the chaincode's, the
	// endorsement policy, the ordering service (its organisations' MSP
	// certificates and block validation policy) and each application
	// organisation's MSP certificates, from the channel's last
	// configuration block.
	ChannelTrust() (*evidence.FabricTrust, map[string]*evidence.MSP, error)
}

// TrustRoot is what a verifier of evidence obtains once: organisations,
// their log keys and signing-key history, the quorum, and in fabric mode
// the channel's MSP roots and endorsement policy.
func (n *Node) TrustRoot(ctx context.Context, c *Client) (*evidence.TrustRoot, uint64, error) {
	if err := n.Authorize(ctx, c, ReadLog); err != nil {
		return nil, 0, err
	}
	return n.trustRoot(c.Member)
}

func (n *Node) trustRoot(member string) (*evidence.TrustRoot, uint64, error) {
	if n.tlog == nil {
		return nil, 0, ErrNoLog
	}
	members, height, err := evaluate(n, member, contract.TxListMembers, contract.Empty{})
	if err != nil {
		return nil, 0, err
	}
	keys, _, err := evaluate(n, member, contract.TxListLogKeys, contract.ListLogKeysRequest{})
	if err != nil {
		return nil, 0, err
	}
	q, _, err := evaluate(n, member, contract.TxCheckpointQuorum, contract.Empty{})
	if err != nil {
		return nil, 0, err
	}
	tr := &evidence.TrustRoot{MediaType: evidence.TrustRootMediaType, Origin: n.tlog.origin, Mode: n.tlog.mode, Quorum: q.Quorum,
		IssuedAt: time.Now().UTC().Format(time.RFC3339), Organisations: []evidence.Organisation{}}
	var msps map[string]*evidence.MSP
	if fm, ok := n.ledger.(FabricMaterial); ok && n.tlog.mode == translog.ModeFabric {
		if tr.Fabric, msps, err = fm.ChannelTrust(); err != nil {
			return nil, 0, err
		}
	}
	for _, m := range members {
		o := evidence.Organisation{ID: m.MSPID, Name: m.LegalName, Association: m.Association, LogKeys: []string{}, SigningKeys: []evidence.SigningKey{}}
		for _, k := range keys {
			if k.MSPID == m.MSPID {
				o.LogKeys = append(o.LogKeys, k.Verifier)
			}
		}
		for _, k := range m.Keys {
			pub, err := attestation.ParsePublicKeyPEM(k.PublicKey)
			if err != nil {
				return nil, 0, fmt.Errorf("%s's key %s: %w", m.MSPID, k.KID, err)
			}
			jwk, err := evidence.PublicJWK(pub)
			if err != nil {
				return nil, 0, err
			}
			o.SigningKeys = append(o.SigningKeys, evidence.SigningKey{KID: k.KID, JWK: jwk, RegisteredAt: k.RegisteredAt, RevokedAt: k.RevokedAt})
		}
		o.MSP = msps[m.MSPID]
		tr.Organisations = append(tr.Organisations, o)
	}
	return tr, height, nil
}

// leafSource is the node's log as chaincode/evidence reads it.
type leafSource struct{ l *nodelog.Log }

func (s leafSource) Leaf(i int64) (translog.Leaf, error) { return s.l.Record(i) }

func (s leafSource) InclusionProof(i, size int64) ([]translog.Hash, error) {
	p, err := s.l.InclusionProof(i, size)
	return []translog.Hash(p), err
}

// Evidence assembles the evidence bundle of default id for a client: the
// default's reporter (its reporters and admins, and its auditors), or the
// association's clients. purpose must be litigation. The read is audited
// as a subject read of kind evidence, refused or not.
func (n *Node) Evidence(ctx context.Context, c *Client, purpose, id string) (*evidence.Bundle, error) {
	if err := n.Authorize(ctx, c, ReadEvidence); err != nil {
		return nil, n.auditRefused(c, AuditEvidence, purpose, []string{""}, err)
	}
	if purpose != PurposeLitigation {
		return nil, n.auditRefused(c, AuditEvidence, purpose, []string{""}, ErrBadPurpose)
	}
	v, height, err := evaluate(n, c.Member, contract.TxGetAttestation, contract.IDRequest{ID: id})
	if err != nil {
		return nil, n.auditRefused(c, AuditEvidence, purpose, []string{""}, err)
	}
	subject := v.Payload.Subject
	if v.Payload.Type != attestation.TypeDefault {
		return nil, n.auditRefused(c, AuditEvidence, purpose, []string{subject},
			&contract.Error{Code: contract.CodeInvalidArgument, Msg: fmt.Sprintf("%s is a %s: evidence is assembled for a default (ask for the default %s refers to)", id, v.Payload.Type, v.Payload.RefersTo)})
	}
	if v.Payload.Reporter != c.Member {
		me, _, err := evaluate(n, c.Member, contract.TxGetMember, contract.MemberRequest{MSPID: c.Member})
		if err != nil {
			return nil, n.auditRefused(c, AuditEvidence, purpose, []string{subject}, err)
		}
		if !me.Association {
			return nil, n.auditRefused(c, AuditEvidence, purpose, []string{subject},
				forbidden("evidence of a default is for its reporter and the association; %s filed this one", v.Payload.Reporter))
		}
	}
	b, err := n.assemble(c.Member, id)
	if err != nil {
		return nil, n.auditRefused(c, AuditEvidence, purpose, []string{subject}, err)
	}
	e := AuditEntry{Client: c.Name, Member: c.Member, Subject: subject, Purpose: purpose, Kind: AuditEvidence,
		Outcome: OutcomeOK, Listed: v.State == contract.StateActive, Height: height}
	if v.State == contract.StateActive {
		e.ActiveDefaults = 1
	}
	if err := n.audit([]AuditEntry{e}); err != nil {
		return nil, err
	}
	return b, nil
}

// assemble makes the bundle of default id, reading the ledger as member.
func (n *Node) assemble(member, id string) (*evidence.Bundle, error) {
	qc, err := n.quorumCheckpoint(member)
	if errors.Is(err, ErrNoCheckpoint) {
		return nil, ErrNotCovered
	}
	if err != nil {
		return nil, err
	}
	if _, err := qc.Heads.Prove(translog.ChainOfAttestation(id)); err != nil {
		return nil, ErrNotCovered
	}
	keys, _, err := evaluate(n, member, contract.TxListLogKeys, contract.ListLogKeysRequest{})
	if err != nil {
		return nil, err
	}
	known := make([]translog.OrgKey, len(keys))
	for i, k := range keys {
		known[i] = translog.OrgKey{Org: k.MSPID, Verifier: k.Verifier}
	}
	b, err := evidence.Assemble(evidence.AssembleInput{Mode: n.tlog.mode, Checkpoint: qc.Note, Heads: qc.Heads, LogKeys: known,
		Log: leafSource{n.tlog.log}, AttestationID: id})
	if err != nil {
		return nil, err
	}
	if n.tlog.mode == translog.ModeFabric {
		fm, ok := n.ledger.(FabricMaterial)
		if !ok {
			return nil, errors.New("a fabric log on a ledger without blocks")
		}
		if b.Fabric, err = fabricPart(fm, b); err != nil {
			return nil, err
		}
	}
	return b, nil
}

// fabricPart collects the blocks holding the bundle's records and the
// headers from the first of them to the last.
func fabricPart(fm FabricMaterial, b *evidence.Bundle) (*evidence.Fabric, error) {
	trust, _, err := fm.ChannelTrust()
	if err != nil {
		return nil, err
	}
	need := b.BlocksNeeded()
	if len(need) == 0 {
		return nil, errors.New("a fabric bundle without blocks")
	}
	var blocks []*common.Block
	var headers []*common.BlockHeader
	for num := need[0]; num <= need[len(need)-1]; num++ {
		blk, found, err := fm.Block(num)
		if err != nil {
			return nil, err
		}
		if !found {
			return nil, fmt.Errorf("block %d is not in the replica", num)
		}
		headers = append(headers, blk.GetHeader())
		if slices.Contains(need, num) {
			blocks = append(blocks, blk)
		}
	}
	return evidence.NewFabric(trust.Channel, blocks, headers, nil), nil
}

// OwnDefaults lists the client's member's own defaults (by loan
// reference, or all of them page by page), for batch litigation exports.
// Only what the member filed itself is listed, so it is not audited as a
// read of subjects; each bundle fetched afterwards is.
func (n *Node) OwnDefaults(ctx context.Context, c *Client, req contract.OwnDefaultsRequest) (contract.OwnDefaultsResult, uint64, error) {
	if err := n.Authorize(ctx, c, ReadEvidence); err != nil {
		return contract.OwnDefaultsResult{}, 0, err
	}
	return evaluate(n, c.Member, contract.TxOwnDefaults, req)
}
