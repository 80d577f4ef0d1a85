package evidence

import (
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// Media types of the two documents, versioned: a verifier refuses a version
// it does not know rather than guess.
const (
	MediaType          = "application/vnd.blacklist.evidence+json;v=1"
	TrustRootMediaType = "application/vnd.blacklist.trust-root+json;v=1"
)

// Purpose is the read purpose a node records when it serves a bundle.
const Purpose = "litigation"

// Bundle is the evidence for one default: everything a court needs to check
// offline, with a trust root, that the default and every later record about
// it were accepted by the ledger in this order and that nothing about it is
// missing up to the checkpoint. See docs/evidence.md for every field.
type Bundle struct {
	// MediaType is MediaType.
	MediaType string `json:"mediaType"`
	// AttestationID is the default's id (SHA-256 of its signed payload).
	AttestationID string `json:"attestationId"`
	// Reporter is the MSP ID of the member that filed the default.
	Reporter string `json:"reporter"`
	// Mode is translog.ModeEmbedded or translog.ModeFabric.
	Mode string `json:"mode"`
	// Checkpoint is the signed note: the checkpoint body and one signature
	// line per organisation that signed it.
	Checkpoint string `json:"checkpoint"`
	// Cosigners are the organisations the serving node found among the
	// checkpoint's valid signers, and ReporterCosigned whether the reporter
	// is among them. Verify recomputes both and fails if they are stated
	// (non-null) and differ.
	Cosigners        []string `json:"cosigners"`
	ReporterCosigned bool     `json:"reporterCosigned"`
	// Records are every leaf of the default's chain
	// (translog.ChainOfAttestation): the default first, then its
	// settlement or revocation, disputes and their outcomes, in log order.
	Records []Record `json:"records"`
	// RecordsHead proves that the last of Records is its chain's last leaf
	// at the checkpoint: nothing about the default was left out.
	RecordsHead translog.HeadProof `json:"recordsHead"`
	// KeyRecords are the reporter's member record versions
	// (translog.ChainOfMember), from the first that lists a key that signed
	// one of Records to the last, in log order: the keys' registration and,
	// if any, revocation.
	KeyRecords []Record `json:"keyRecords"`
	// KeyRecordsHead proves that the last of KeyRecords is the member
	// record's last version at the checkpoint.
	KeyRecordsHead translog.HeadProof `json:"keyRecordsHead"`
	// Consistency proves that older tree sizes some records were proven
	// against are prefixes of the checkpoint's tree.
	Consistency []Consistency `json:"consistency,omitempty"`
	// Fabric is, in fabric mode, the blocks and transactions behind the
	// records.
	Fabric *Fabric `json:"fabric,omitempty"`
}

// Record is one leaf with its index and its inclusion proof.
type Record struct {
	LeafIndex int64         `json:"leafIndex"`
	Leaf      translog.Leaf `json:"leaf"`
	// TreeSize is the size of the tree InclusionProof leads to: the
	// checkpoint's, or an older size listed in Consistency.
	TreeSize       int64           `json:"treeSize"`
	InclusionProof []translog.Hash `json:"inclusionProof"`
}

// Consistency is an older tree (size and root) and the proof that it is a
// prefix of the checkpoint's tree.
type Consistency struct {
	FromSize int64           `json:"fromSize"`
	FromRoot translog.Hash   `json:"fromRoot"`
	Proof    []translog.Hash `json:"proof"`
}

// Fabric is the Fabric part of a bundle.
type Fabric struct {
	// Channel is the channel the blocks belong to.
	Channel string `json:"channel"`
	// Headers are consecutive block headers, ascending, from the block of
	// the earliest record to a later block: each names the previous one's
	// hash.
	Headers []BlockHeader `json:"headers"`
	// Blocks are the data (every transaction envelope, as bytes) of each
	// block holding a record; the hash of their concatenation is the
	// header's data hash.
	Blocks []BlockData `json:"blocks"`
	// Certificates are intermediate CA certificates (PEM) that may link an
	// endorser's or creator's certificate to its organisation's root; the
	// roots themselves come only from the trust root.
	Certificates []string `json:"certificates,omitempty"`
}

// BlockHeader is a Fabric block header.
type BlockHeader struct {
	Number       uint64 `json:"number"`
	PreviousHash []byte `json:"previousHash"`
	DataHash     []byte `json:"dataHash"`
}

// BlockData is one block's transaction envelopes and its orderers'
// signatures.
type BlockData struct {
	Number uint64   `json:"number"`
	Data   [][]byte `json:"data"`
	// Signatures is the block's SIGNATURES metadata exactly as delivered:
	// a protobuf common.Metadata whose value is the orderer block metadata
	// and whose signatures are the orderers', each over that value, its
	// signature (or identifier) header and the block header's ASN.1 bytes
	// (Fabric's protoutil.BlockSignatureVerifier).
	Signatures []byte `json:"signatures"`
}
