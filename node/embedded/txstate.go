package embedded

import (
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/badgerstate"
)

// txState is the state a transaction runs on: like Fabric's stub it reads
// committed data (here: committed plus the earlier members of the group)
// and collects writes instead of applying them; the contract's overlay
// supplies read-your-writes.
type txState struct {
	badgerstate.Reader
	writes map[string]*Write
	event  *Event
}

func newTxState(txn *badger.Txn, creator, id string, now time.Time) *txState {
	s := &txState{Reader: badgerstate.Reader{Txn: txn, MSPID: creator, ID: id, Now: now}, writes: map[string]*Write{}}
	s.Changes = s.record
	return s
}

func (s *txState) record(key string, value []byte, del bool) error {
	w := &Write{Key: key, Delete: del}
	if !del {
		w.Value = append([]byte(nil), value...)
	}
	s.writes[key] = w
	return nil
}

func (s *txState) SetEvent(name string, payload []byte) error {
	s.event = &Event{Name: name, Payload: append([]byte(nil), payload...)}
	return nil
}

func (s *txState) writeSet() []Write {
	ws := make([]Write, 0, len(s.writes))
	for _, w := range s.writes {
		ws = append(ws, *w)
	}
	sortWrites(ws)
	return ws
}
