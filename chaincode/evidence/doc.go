// Package evidence is the court evidence bundle for one default, the trust
// root a verifier holds, and the offline verification of the one with the
// other.
//
// A bundle (MediaType) holds the default's record and every later record
// about it, each as its transparency-log leaf (package translog) with an
// inclusion proof; the reporter's member record versions that register (and
// possibly revoke) the keys that signed them; a checkpoint cosigned by a
// quorum of organisations, which commits to the log's root and to its chain
// heads; and, in fabric mode, the blocks and transactions behind the records
// with their endorsements.
//
// Verify checks a bundle against a TrustRoot with no network and returns a
// Transcript: an ordered list of checks, each saying what was checked,
// against which key, and the result, in English or Simplified Chinese. Its
// error names the first check that failed.
//
// The package is pure (no clock, no network, no node dependency) so that a
// court's evidence platform can import it. docs/evidence.md describes every
// field and what the proof does and does not establish.
package evidence
