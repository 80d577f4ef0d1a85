// Package state is the narrow view of a ledger that the contract's rules are
// written against.
//
// A State is one transaction's window on the world state: point reads, writes,
// deletes, ordered scans over a composite-key prefix, and the transaction's
// context (creator MSP ID, id, timestamp, event). Hyperledger Fabric provides
// it through the chaincode stub; the node's embedded ledger and its replica
// provide it over badger. Because both sides see the same interface and the
// same key encoding, the world state is byte-for-byte the same whichever runs
// the rules.
//
// Fabric's stub does not let a transaction read its own writes, while a
// local store usually does. Overlay hides that difference: the contract
// buffers its writes in an Overlay, reads through it, and flushes once at the
// end, so the rules behave identically on every backend. Child overlays give
// the per-item atomicity of batches: an item's writes are merged only if the
// item is accepted.
package state
