// Package translog is the transparency log of the shared ledger: which
// ledger writes are logged, the canonical bytes of a log leaf, the RFC 6962 /
// RFC 9162 Merkle tree over the leaves, and the checkpoints that
// organisations sign over the tree's root.
//
// The package is pure: it reads no clock, opens no file or connection and
// imports nothing of the node or the gateway, so the contract, every node and
// any court's verifier compute the same bytes and reach the same verdicts.
//
// # Model
//
// Every node builds the same log from what the ledger committed: in embedded
// mode the committed transactions in height order, in fabric mode the valid
// transactions of each block in block order and, within a transaction, its
// writes in key order (the order in which the contract flushes them and in
// which Fabric's read-write set lists them). For each write the node calls
// NewLeaf; writes it reports as records become leaves, appended in that order.
// Since the input and the order are the ledger's, every honest node computes
// the same tree, and two roots that differ at one size mean that one node's
// copy was altered.
//
// # Which writes are records
//
// A record is a write a court or a member may need to prove, decided from the
// world-state key alone (the contract's layout, see package contract):
//
//	att/<id>                    an attestation: its value holds the compact JWS
//	                            verbatim, its type and the default it belongs to
//	                            (kind default, settlement or revocation)
//	subj/<subject>/p/<dispute>  a dispute: kind dispute-opened while its state
//	                            is open, dispute-outcome once resolved
//	member/<msp>                a member record: admission, status changes,
//	                            signing-key registration and revocation (kind member)
//	config/association          the association's configuration (kind association)
//	config/policy               the listing policy (kind policy)
//	logkey/<msp>/...            an organisation's log key (kind log-key)
//
// Everything else is a secondary index or bookkeeping and is not logged:
// subj/<subject>/d|c/… (the same attestations without their JWS), loan/,
// closed/, dispute/, budget and audit-anchor keys, node keys, sealed secrets,
// and checkpoint cosignatures (which are about the log, not in it). Deletes
// (retention purges) are not logged either: NewLeaf is called for writes only.
//
// # Chains and prev
//
// Each leaf belongs to one chain (Leaf.Chain): every record about one default
// (the default, its settlement or revocation, its disputes and their
// outcomes) shares the chain "attestation/<defaultId>"; every version of a
// member record shares "member/<msp>", and so on. Leaf.Prev is the leaf index
// of the previous leaf of the same chain, or nil for the chain's first leaf.
// Log.Append sets it from its index of chain heads (chain -> last leaf
// index), which is deterministic because leaves are appended in commit order.
// A bundle's records thus form a linked chain: a verifier checks that each
// record's prev is the one before it and that the first has none, so a record
// dropped from the middle is detected. A record dropped from the end is
// detected with the chain heads commitment: each checkpoint carries, as its
// one extension line, the root of an RFC 6962 tree over every chain's head
// sorted by chain name (HeadsTree), and a bundle proves its chain's head is
// its last record (HeadProof). Every cosigner computes the heads tree itself,
// so a forged head would need a quorum of organisations to sign it.
//
// # Leaf encoding, version 1
//
// A leaf's bytes (Leaf.Encode) are, in this order, with integers big-endian
// and every string or byte field as a 4-byte length followed by its bytes:
//
//	offset 0   1 byte   version, 0x01
//	offset 1   1 byte   mode: 0x01 embedded, 0x02 fabric
//	offset 2   8 bytes  height (embedded) or block number (fabric)
//	offset 10  4 bytes  transaction index in the block (fabric; 0 in embedded)
//	           string   transaction id
//	           string   validation code: "VALID" in fabric mode, empty in embedded
//	           string   kind (see Kind constants)
//	           string   world-state key, exactly as the contract wrote it
//	                    (a Fabric composite key: 0x00, object type, 0x00,
//	                    each attribute followed by 0x00)
//	           bytes    the value written, exactly
//	           1 byte   0x00: no prev; 0x01: a prev follows
//	           8 bytes  prev leaf index (only when the previous byte is 0x01)
//
// Nothing follows. DecodeLeaf refuses any other byte string, so one leaf has
// exactly one encoding. For an attestation the compact JWS is inside the value
// (Leaf.JWS returns it): the leaf commits to the exact bytes the reporter
// signed. The leaf hash is RFC 6962's SHA-256(0x00 || leaf bytes).
//
// # Tree and proofs
//
// Hashing, inclusion (record) proofs and consistency (tree) proofs are those
// of golang.org/x/mod/sumdb/tlog, the Go checksum database's implementation of
// RFC 6962; Tree keeps tlog's stored hashes in memory, and Verify* wrap tlog's
// checks.
//
// # Checkpoints
//
// A checkpoint is a C2SP tlog-checkpoint (origin line, decimal size, base64
// root hash, and the extension line "heads <chains> <base64 heads root>") in
// a C2SP signed note, signed with Ed25519 log keys through
// golang.org/x/mod/sumdb/note. A key's name is its organisation's id (MSP ID),
// so the note's signature lines say who signed. A checkpoint cosigned by
// several organisations is the same body with several signature lines
// (MergeSignatures). OpenCheckpoint checks the lines against known
// organisation keys and reports the distinct organisations and any signature
// by a key it does not know. See docs/decisions/0016-transparency-log.md.
package translog
