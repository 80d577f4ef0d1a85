package store

import "github.com/dgraph-io/badger/v4"

// Tuning sizes the memory of one badger store the node opens: the ledger's
// (the embedded ledger or the Fabric replica) and the node store each get
// one. Badger's own defaults size every store for a large server (a 256 MB
// block cache, every table's index and Bloom filter held in memory, four
// compactors), which a node serving 10,000,000 attestations paid with
// 1.8 GB of anonymous memory. A zero field keeps the store's own default.
// blacklistd sets them with --store-* (docs/operations.md).
type Tuning struct {
	// BlockCacheMB caches decompressed table blocks: lookups of subjects
	// read recently skip the decompression.
	BlockCacheMB int64
	// IndexCacheMB caches tables' indexes and Bloom filters; without a
	// cache (badger's default) every table's are in memory, which grows
	// with the store.
	IndexCacheMB int64
	// MemTableMB is the size of each memtable: writes collect in one until
	// it is flushed to a table. A transaction may be up to 15% of it.
	MemTableMB int64
	// Compactors is how many goroutines compact tables (at least 2).
	Compactors int
	// MemTables is how many memtables a store keeps in memory at most: the
	// one written to and those waiting to be flushed to tables (badger's
	// default is 5). Each is MemTableMB once written full, so a node that
	// writes much (every lookup writes its audit entries) holds up to
	// MemTables x MemTableMB per store.
	MemTables int
}

// DefaultTuning is what blacklistd uses unless told otherwise: with it a
// node serving 10,000,000 attestations stays under 1 GB of anonymous
// memory (docs/benchmarks.md). The memtables keep each store's default
// (the embedded ledger's 128 MB, badger's 64 MB): the audit log writes a
// 10,000-subject lookup (about 7 MB) in one transaction of at most 15% of
// a memtable.
var DefaultTuning = Tuning{BlockCacheMB: 64, IndexCacheMB: 64, Compactors: 2}

// Apply returns o with t's sizes.
func (t Tuning) Apply(o badger.Options) badger.Options {
	if t.BlockCacheMB > 0 {
		o = o.WithBlockCacheSize(t.BlockCacheMB << 20)
	}
	if t.IndexCacheMB > 0 {
		o = o.WithIndexCacheSize(t.IndexCacheMB << 20)
	}
	if t.MemTableMB > 0 {
		o = o.WithMemTableSize(t.MemTableMB << 20)
	}
	if t.Compactors > 0 {
		o = o.WithNumCompactors(max(2, t.Compactors))
	}
	if t.MemTables > 0 {
		o = o.WithNumMemtables(t.MemTables)
	}
	return o
}
