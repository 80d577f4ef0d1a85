package state

import (
	"sort"
	"strings"
	"time"
)

// Memory is an in-memory State for unit tests and the property test's
// model runs. It applies writes immediately, like a committed store, and its
// transaction context is set by the caller.
type Memory struct {
	Data    map[string][]byte
	MSPID   string
	ID      string
	Time    time.Time
	Event   string
	Payload []byte
}

// NewMemory returns an empty store.
func NewMemory() *Memory { return &Memory{Data: map[string][]byte{}} }

func (m *Memory) Get(key string) ([]byte, error) { return m.Data[key], nil }

func (m *Memory) Put(key string, value []byte) error {
	m.Data[key] = append([]byte(nil), value...)
	return nil
}

func (m *Memory) Delete(key string) error {
	delete(m.Data, key)
	return nil
}

func (m *Memory) Scan(objectType string, attrs []string, fn func(string, []byte) error) error {
	prefix, err := CompositeKey(objectType, attrs...)
	if err != nil {
		return err
	}
	keys := make([]string, 0)
	for k := range m.Data {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	for _, k := range keys {
		if err := fn(k, m.Data[k]); err != nil {
			if err == ErrStop {
				return nil
			}
			return err
		}
	}
	return nil
}

func (m *Memory) Creator() (string, error) { return m.MSPID, nil }
func (m *Memory) TxID() string             { return m.ID }
func (m *Memory) TxTime() time.Time        { return m.Time }

func (m *Memory) SetEvent(name string, payload []byte) error {
	m.Event, m.Payload = name, payload
	return nil
}
