// Package attestation defines the signed statements that member banks file on
// the shared credit-blacklist ledger, and is the single implementation of that
// format used by the chaincode, the node and the CLI.
//
// # Model
//
// An attestation is one bank's signed claim about one borrower (the subject,
// identified only by a 64-hex subject key, never by name):
//
//   - a default: the borrower is 90+ days overdue on a loan, with amount,
//     currency, product, overdue dates and the date the borrower was notified
//     (daysPastDue records the count; the 90-day threshold is association
//     policy, not part of the format);
//   - a settlement: a default was paid in full, settled for less, or written
//     off (refersTo is the default's id);
//   - a revocation: a default was filed in error and is withdrawn (refersTo is
//     the default's id, reason says why).
//
// The bank signs; the ledger only checks and records. The chaincode parses an
// attestation with Parse, looks up the public key the association registered
// for the header's kid, and calls Verify. Rules that need ledger state, such as
// "refersTo names a default by the same reporter" or "the kid belongs to the
// reporter's MSP", live in the chaincode; everything decidable from the bytes
// alone lives here, so the CLI can refuse a bad attestation before a bank ever
// submits it.
//
// # Wire format
//
// A compact JWS (RFC 7515) in canonical unpadded base64url, whose protected
// header carries alg ES256 and kid (typ and cty are tolerated, nothing else),
// and whose payload is a flat JSON object (see Payload). Decoding is strict
// (package strictjson walks the object): unknown, duplicate, null, nested and
// foreign-type fields are refused, as is anything after the object. Two parsers that disagree on what a signed byte
// string says is how a forged or ambiguous record gets onto a ledger, so the
// format leaves nothing to interpretation.
//
// # Identity
//
// An attestation's id is the lowercase hex SHA-256 of the exact payload bytes
// that were signed. ECDSA signatures are randomized, so hashing the whole JWS
// would give the same statement a new id each time it is signed; hashing the
// payload makes a re-submission of the same statement carry the same id as
// the first, so the ledger can recognise it as a duplicate. The hash is over the
// bytes as signed, not a re-encoding, so no JSON canonicalization is needed
// and every peer computes the same id.
//
// # Why only ES256
//
// Accepting one algorithm removes algorithm-confusion attacks (alg "none", or
// an HMAC token "signed" with a public key used as the secret) by
// construction. ES256 is the one chosen because P-256 keys are what bank HSMs
// and Fabric MSPs already issue, keys and signatures are small, and
// verification is deterministic, which endorsing peers need. The alg is checked
// from the raw header before go-jose parses the token, so a downgrade attempt
// is always reported as bad-algorithm.
//
// # Determinism
//
// Parse, DecodePayload, Validate and Verify read no clock, use no randomness
// and never iterate a map, so every endorsing peer reaches the same verdict
// and the same error message. Date-only fields are dates of the
// association's calendar (CalendarZone, UTC+08:00) and are compared with the date
// issuedAt falls on there, whatever offset the bank wrote; issuedAt's offset
// must be a real zone's (-12:00 to +14:00) and no date may precede MinDate.
// Free text (reason, kid) follows package freetext. Sign and GenerateKey use
// crypto/rand and are for the bank side only.
package attestation
