package embedded

import (
	"errors"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// txState is state.State over a badger transaction. Like Fabric's stub it
// reads committed data (here: committed plus the earlier members of the
// group) and collects writes instead of applying them; the contract's
// overlay supplies read-your-writes.
type txState struct {
	txn     *badger.Txn
	creator string
	id      string
	now     time.Time
	writes  map[string]*Write
	event   *Event
}

func (s *txState) Get(key string) ([]byte, error) {
	item, err := s.txn.Get(stateKey(key))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return item.ValueCopy(nil)
}

func (s *txState) Put(key string, value []byte) error {
	if s.writes == nil {
		return errors.New("read-only transaction")
	}
	s.writes[key] = &Write{Key: key, Value: append([]byte(nil), value...)}
	return nil
}

func (s *txState) Delete(key string) error {
	if s.writes == nil {
		return errors.New("read-only transaction")
	}
	s.writes[key] = &Write{Key: key, Delete: true}
	return nil
}

func (s *txState) Scan(objectType string, attrs []string, fn func(string, []byte) error) error {
	prefix, err := state.CompositeKey(objectType, attrs...)
	if err != nil {
		return err
	}
	return scan(s.txn, stateKey(prefix), func(k, v []byte) error {
		return fn(string(k[1:]), v)
	})
}

// scan iterates keys with prefix in order; fn may return state.ErrStop.
func scan(txn *badger.Txn, prefix []byte, fn func(k, v []byte) error) error {
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: false})
	defer it.Close()
	for it.Seek(prefix); it.ValidForPrefix(prefix); it.Next() {
		item := it.Item()
		v, err := item.ValueCopy(nil)
		if err != nil {
			return err
		}
		if err := fn(item.KeyCopy(nil), v); err != nil {
			if errors.Is(err, state.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

func (s *txState) Creator() (string, error) { return s.creator, nil }
func (s *txState) TxID() string             { return s.id }
func (s *txState) TxTime() time.Time        { return s.now }

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
