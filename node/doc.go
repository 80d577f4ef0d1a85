// Package node is one member's node: what a bank (or the association) runs
// to use the shared ledger. It holds the ledger backend, the node's own
// badger store, and the things that never go on the ledger:
//
//   - API clients: bank systems authenticate with an API key (stored only as
//     a SHA-256 hash); each client belongs to one member and has roles
//     (admin, reporter, querier, auditor). The ledger sees only the member:
//     every transaction runs with the client's member as creator.
//   - Signing keys: when a bank system sends an unsigned attestation, the
//     node signs it with its member's registered ES256 key.
//   - The consortium secret, which turns raw identity numbers into subject
//     keys (package subjectkey). Raw numbers are never stored or logged. In
//     fabric mode it is the association's, checked against the key-check
//     value recorded at Init and received sealed to the node's encryption
//     key through the ledger (secret.go, decision 0007).
//   - The query audit log (package audit): every access to a subject, with
//     client, member, purpose, outcome, time and result, chained per member,
//     keyed by the node, and anchored on the shared ledger every few minutes
//     (AnchorAudit), so that an edited or dropped entry shows to an auditor.
//   - Daily budgets of raw-ID derivations and lookups per member (spend),
//     counted in the node store; the first excess of a day goes on the
//     ledger, where the association's node turns it into an alert.
package node
