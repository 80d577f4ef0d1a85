package badgerstate

// The ledger stores' keys: the one list of the first bytes of the keys of
// the embedded ledger's store (<data>/ledger) and of the Fabric replica's
// store. Both keep the world state and its status shadow the same way
// (this package); the rest is each one's own, written by its package.
// A new kind of key takes a byte that is in neither column (the package
// test checks the list has no duplicate).
//
//	byte  embedded ledger (node/embedded)      replica (node/replica)
//	's'   state key                            state key
//	'v'   status shadow of a subject           status shadow
//	      (its "subj" key prefix: 0028)
//	'x'   status shadow's version marker       status shadow's version marker
//	'l'   log entry <height>                   -
//	'h'   head                                 -
//	'r'   -                                    head
//	'e'   -                                    event <block><tx>
//	'w'   -                                    write set <block><tx>
//	'b'   -                                    block <block>
//	'f'   -                                    first block with write sets
var ledgerStorePrefixes = []byte{'s', 'v', 'x', 'l', 'h', 'r', 'e', 'w', 'b', 'f'}

const (
	// statePrefix starts every state key.
	statePrefix = 's'
	// shadowPrefix starts every status shadow key (shadow.go).
	shadowPrefix = 'v'
	// shadowMarker is the one key holding the shadow's version.
	shadowMarker = 'x'
)
