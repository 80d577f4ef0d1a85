package badgerstate

import "testing"

// Each kind of key of the ledger stores has a byte of its own.
func TestLedgerStorePrefixesAreDistinct(t *testing.T) {
	seen := map[byte]bool{}
	for _, p := range ledgerStorePrefixes {
		if seen[p] {
			t.Fatalf("prefix %q listed twice", p)
		}
		seen[p] = true
	}
	for _, p := range []byte{statePrefix, shadowPrefix, shadowMarker} {
		if !seen[p] {
			t.Fatalf("prefix %q is not in the list", p)
		}
	}
}
