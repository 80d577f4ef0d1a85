// Package publication is the format of the association's periodic
// publications of the blacklist to outside credit agencies (issue 14,
// docs/publications.md, docs/decisions/0023-publications.md), and
// everything an agency needs to check one offline. It depends on no node
// code, so an agency imports it alone.
//
// Publication N is, as of one ledger height:
//
//   - the entries: one per listed subject key, sorted by key, each with the
//     status fields agencies need (active defaults, number of reporters,
//     outstanding per currency, first overdue date, disputed);
//   - the snapshot root: the RFC 6962 Merkle tree hash (golang.org/x/mod/
//     sumdb/tlog) whose leaf i is entry i's canonical encoding, so one entry
//     is proven in by an inclusion proof and a key proven out by the proofs
//     of the two adjacent entries around it;
//   - the diff from publication N-1: added, changed (new values) and removed
//     (with the reason: settled, revoked, dispute-upheld, retention-expiry,
//     below-threshold), sorted by key, committed to by its digest;
//   - the header: format, log origin, number, ledger height and time,
//     counts, root, diff digest and the previous publication's digest. The
//     publication's digest is SHA-256 over the header's canonical encoding;
//     the header is signed as a note (golang.org/x/mod/sumdb/note) by the
//     organisations' log keys, the same keys that sign log checkpoints. A
//     publication note's first line is the format name, which no checkpoint
//     begins with, so one can never pass for the other.
//
// Canonical encodings are compact JSON with the fields in the order of the
// struct declarations, map keys sorted, no insignificant space, and
// encoding/json's escaping; decoding re-encodes and refuses anything whose
// bytes differ, so a value has exactly one encoding.
//
// Build computes entries, diff and header in one forward pass over the
// previous entries and the ledger's subject standings (both in key order),
// in constant memory; Apply replays a diff on the previous entries and
// gives the root the header must state.
package publication
