// Package pool computes NPL pool statistics for ABS due diligence
// (不良资产证券化尽职调查): how a pool of borrowers stands across the whole
// industry, without telling anyone who they are.
//
// A pool is a stream of NDJSON lines, each a subject key or an identity
// number that the node turns into one (Read: constant memory per line, 32
// bytes per distinct subject kept, sorted, so that the statistics walk the
// store forward). The statistics are computed by the contract's own status
// code (contract.FactsReader) over one snapshot of the node's world state,
// split over goroutines that take stretches of consecutive keys of the
// sorted pool in turn (Compute), and answered as aggregates only (Report):
// no subject key, no identity number, no member but through counts.
//
// Privacy (docs/decisions/0020-pool-statistics-and-protection.md):
//
//   - Every cell counting fewer subjects than the policy's minimum
//     (PoolMinCount, default 10) is suppressed and marked so. Cells that
//     partition a shown total (listed and not listed; the histograms) are
//     suppressed further, smallest first, until what the suppressed cells
//     add up to (the total minus the shown cells) is itself at least the
//     minimum or every cell is suppressed, so that no suppressed cell can
//     be recovered by subtraction. Open categories (currencies, first-
//     overdue quarters) that are suppressed are merged into one "other"
//     cell, so that not even their presence is told.
//   - A pool that differs from one of the member's recent pools in at
//     least one but fewer than the minimum subjects is refused (History):
//     two such pools would tell one subject's status by their difference.
//     The node keeps, per member, the last MaxRecent pools of the last
//     RecentWindow as sorted 64-bit prefixes of their subject keys
//     (8 bytes a subject).
//
// What remains possible, and is documented in the decision: differencing
// with pools that differ in at least the minimum count of subjects whose
// status the asker already knows, pools older than the window or beyond
// the last MaxRecent, and pools asked by different members acting
// together. Every pool request is audited as one entry (the pool's digest
// and size), so such patterns are visible to the member's auditors and the
// association.
package pool
