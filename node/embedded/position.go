package embedded

import (
	"errors"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/store"
)

// decodedPosition is the position read from one version of the head
// record.
type decodedPosition struct {
	version uint64
	pos     badgerstate.Position
}

// positionCache keeps the last head record decoded for a query's snapshot.
// Every query reads, in its own snapshot, the height and time it reflects;
// decoding the head's JSON and parsing its time was 5% of a single lookup's
// CPU, for a record that changes once per committed group while thousands
// of queries read it. badger gives each committed version of a key its own
// commit timestamp, so a snapshot whose head item has the cached version
// holds the very bytes that were decoded: the cache cannot change what a
// query sees (a snapshot at another version decodes its own).
type positionCache struct {
	last atomic.Pointer[decodedPosition]
}

// position returns the height and time of the head in txn.
func (c *positionCache) position(txn *badger.Txn) (badgerstate.Position, error) {
	item, err := txn.Get(headKey)
	if errors.Is(err, badger.ErrKeyNotFound) {
		return badgerstate.Position{}, nil // genesis: height 0, no time
	}
	if err != nil {
		return badgerstate.Position{}, err
	}
	if d := c.last.Load(); d != nil && d.version == item.Version() {
		return d.pos, nil
	}
	h := Head{Hash: genesisHash}
	if err := item.Value(store.JSON(&h)); err != nil {
		return badgerstate.Position{}, err
	}
	t, _ := time.Parse(time.RFC3339Nano, h.Time)
	pos := badgerstate.Position{Height: h.Height, Time: t}
	c.last.Store(&decodedPosition{version: item.Version(), pos: pos})
	return pos, nil
}
