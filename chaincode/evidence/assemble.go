package evidence

import (
	"encoding/json"
	"errors"
	"fmt"
	"sort"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// LeafSource is a node's log as Assemble reads it: stored leaves by index
// and inclusion proofs (translog.Tree provides InclusionProof).
type LeafSource interface {
	Leaf(index int64) (translog.Leaf, error)
	InclusionProof(index, size int64) ([]translog.Hash, error)
}

// AssembleInput is what a node has when it makes a bundle.
type AssembleInput struct {
	// Mode is the ledger's mode (translog.ModeEmbedded or ModeFabric).
	Mode string
	// Checkpoint is the signed note with every cosignature known, and
	// Heads the heads tree of the same size (translog.Log.Checkpoint).
	Checkpoint []byte
	Heads      *translog.HeadsTree
	// LogKeys are the registered log keys, to name the cosigners.
	LogKeys []translog.OrgKey
	Log     LeafSource
	// AttestationID is the default's id.
	AttestationID string
}

// Assemble makes the bundle of one default (without its Fabric part: see
// NewFabric): it walks the default's chain and the reporter's member record
// chain back from their heads at the checkpoint, and proves every leaf
// against the checkpoint's root.
func Assemble(in AssembleInput) (*Bundle, error) {
	text, _, err := translog.SplitNote(in.Checkpoint)
	if err != nil {
		return nil, err
	}
	c, err := translog.ParseCheckpoint(text)
	if err != nil {
		return nil, err
	}
	if in.Heads == nil || c.Heads == nil || *in.Heads.Commitment() != *c.Heads {
		return nil, errors.New("assemble: the heads tree is not the checkpoint's")
	}
	b := &Bundle{MediaType: MediaType, AttestationID: in.AttestationID, Mode: in.Mode, Checkpoint: string(in.Checkpoint)}
	b.RecordsHead, b.Records, err = chain(in, c.Size, translog.ChainOfAttestation(in.AttestationID), nil)
	if err != nil {
		return nil, err
	}
	first := b.Records[0].Leaf
	p, err := attestation.Parse(first.JWS())
	if err != nil || first.Kind != translog.KindDefault {
		return nil, fmt.Errorf("assemble: %s is not a default", in.AttestationID)
	}
	b.Reporter = p.Payload.Reporter
	kids := map[string]bool{}
	for _, r := range b.Records {
		if q, err := attestation.Parse(r.Leaf.JWS()); err == nil {
			kids[q.KeyID] = true
		}
	}
	// The member chain back to the version before any of the kids was
	// listed: the versions that register and revoke them.
	b.KeyRecordsHead, b.KeyRecords, err = chain(in, c.Size, translog.ChainOfMember(b.Reporter), func(l translog.Leaf) bool {
		var m memberRecord
		if json.Unmarshal(l.Value, &m) != nil {
			return false
		}
		for _, k := range m.Keys {
			if kids[k.KID] {
				return true
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	if len(in.LogKeys) > 0 {
		if o, err := translog.OpenCheckpoint(in.Checkpoint, in.LogKeys); err == nil {
			b.Cosigners, b.ReporterCosigned = o.Orgs, o.SignedBy(b.Reporter)
		}
	}
	return b, nil
}

// chain collects a chain's records back from its head; keep, when set,
// stops the walk at the first (going back) leaf it refuses.
func chain(in AssembleInput, size int64, name string, keep func(translog.Leaf) bool) (translog.HeadProof, []Record, error) {
	head, err := in.Heads.Prove(name)
	if err != nil {
		return head, nil, fmt.Errorf("assemble: %v", err)
	}
	var recs []Record
	next := &head.Head.Index
	for next != nil {
		i := int64(*next)
		l, err := in.Log.Leaf(i)
		if err != nil {
			return head, nil, fmt.Errorf("assemble: leaf %d: %v", i, err)
		}
		if keep != nil && !keep(l) && len(recs) > 0 {
			break
		}
		proof, err := in.Log.InclusionProof(i, size)
		if err != nil {
			return head, nil, fmt.Errorf("assemble: proof of leaf %d: %v", i, err)
		}
		recs = append(recs, Record{LeafIndex: i, Leaf: l, TreeSize: size, InclusionProof: proof})
		if l.Prev != nil && *l.Prev >= uint64(i) {
			return head, nil, fmt.Errorf("assemble: leaf %d points forward to %d", i, *l.Prev)
		}
		next = l.Prev
	}
	for a, z := 0, len(recs)-1; a < z; a, z = a+1, z-1 {
		recs[a], recs[z] = recs[z], recs[a]
	}
	return head, recs, nil
}

// BlocksNeeded are the Fabric blocks a bundle's records are in, ascending.
func (b *Bundle) BlocksNeeded() []uint64 {
	seen := map[uint64]bool{}
	for _, recs := range [][]Record{b.Records, b.KeyRecords} {
		for _, r := range recs {
			seen[r.Leaf.Position.Block] = true
		}
	}
	out := make([]uint64, 0, len(seen))
	for n := range seen {
		out = append(out, n)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

// NewFabric makes a bundle's Fabric part from the blocks holding its
// records (BlocksNeeded), with their orderers' signatures, and the consecutive headers from the first of them
// to a later block.
func NewFabric(channel string, blocks []*common.Block, headers []*common.BlockHeader, intermediates []string) *Fabric {
	f := &Fabric{Channel: channel, Certificates: intermediates}
	for _, h := range headers {
		f.Headers = append(f.Headers, BlockHeader{Number: h.GetNumber(), PreviousHash: h.GetPreviousHash(), DataHash: h.GetDataHash()})
	}
	for _, b := range blocks {
		var sigs []byte
		if md := b.GetMetadata().GetMetadata(); len(md) > int(common.BlockMetadataIndex_SIGNATURES) {
			sigs = md[common.BlockMetadataIndex_SIGNATURES]
		}
		f.Blocks = append(f.Blocks, BlockData{Number: b.GetHeader().GetNumber(), Data: b.GetData().GetData(), Signatures: sigs})
	}
	return f
}
