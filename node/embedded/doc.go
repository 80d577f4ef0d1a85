// Package embedded is a ledger that runs the contract's rules in-process over
// badger, so a node works with no Fabric network: the quick start, the tests
// and small single-operator deployments.
//
// Transactions are executed one at a time by a single committer goroutine,
// in arrival order, with the submitting member as creator and the committer's
// clock (never going backwards) as transaction time. The committer gathers
// whatever transactions are waiting into a group and commits the whole group
// in one badger transaction with one fsync (group commit): concurrent
// submitters share the cost of durability, and a transaction is acknowledged
// only after its group is on disk. Each transaction's writes are applied
// atomically or not at all, because the contract buffers them and the
// committer applies them to the group only when the contract accepted.
//
// Every committed transaction is appended to a hash-chained log, the embedded
// counterpart of Fabric's blocks: height, tx id, creator, time, function,
// argument digest, its full write set and the digest of it, its event, and the
// previous entry's hash. Verify walks the chain and replays the write sets,
// so editing any stored entry or any world-state value is detected.
//
// Keys in badger (the list: node/badgerstate/keys.go): "s"+state key for
// the world state, "v"+state key for the status shadow of subject records,
// "l"+big-endian height for log entries, "h" for the head (height, hash,
// time), all written in the same badger transaction, so a crash leaves
// either all of a group or none of it.
package embedded
