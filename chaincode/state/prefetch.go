package state

// A Prefetcher is a State whose point reads are round trips (Fabric's
// chaincode stub: one message to the peer per GetState) and that can read
// many keys in one (GetMultipleStates, Fabric v3.1). The contract announces
// the keys a transaction is about to read; Prefetch reads those it can in
// one go and keeps them for the transaction's later Gets, which must then
// answer exactly what they would have answered without it.
//
// Prefetch is a hint: it returns nothing, and a Prefetcher that cannot read
// ahead (an older peer, an error) keeps nothing, so the Gets go one by one
// as they would have. A State that reads from local memory or disk (the
// embedded ledger's badger views, Memory) has no reason to implement it.
// Decision 0027.
type Prefetcher interface {
	Prefetch(keys []string)
}

// Prefetch announces keys to st if st can use them.
func Prefetch(st State, keys []string) {
	if p, ok := st.(Prefetcher); ok && len(keys) > 0 {
		p.Prefetch(keys)
	}
}

// Prefetch passes on the keys that the overlay would answer from its base:
// a key it has buffered a write for is served from the buffer, and reading
// it ahead would only add a read the transaction never makes.
func (o *Overlay) Prefetch(keys []string) {
	rest := make([]string, 0, len(keys))
	for _, k := range keys {
		if _, ok := o.writes[k]; !ok {
			rest = append(rest, k)
		}
	}
	Prefetch(o.base, rest)
}
