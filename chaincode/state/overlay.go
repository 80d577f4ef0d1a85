package state

import (
	"sort"
	"strings"
	"time"
)

// Overlay buffers a transaction's writes over a base State and serves reads
// from the buffer first, giving read-your-writes on any backend.
type Overlay struct {
	base   State
	parent *Overlay
	// writes maps a key to its new value; a nil value marks a delete.
	writes map[string][]byte
}

// NewOverlay starts an empty overlay over base.
func NewOverlay(base State) *Overlay {
	return &Overlay{base: base, writes: map[string][]byte{}}
}

// Child starts a nested overlay whose writes reach o only through Merge.
func (o *Overlay) Child() *Overlay {
	return &Overlay{base: o, parent: o, writes: map[string][]byte{}}
}

// Merge moves a child's writes into its parent.
func (o *Overlay) Merge() {
	for k, v := range o.writes {
		o.parent.writes[k] = v
	}
	o.writes = map[string][]byte{}
}

// Flush writes the buffered changes to the base state in key order, so the
// backend sees a deterministic sequence, and empties the buffer.
func (o *Overlay) Flush() error {
	for _, k := range sortedKeys(o.writes, "") {
		var err error
		if v := o.writes[k]; v == nil {
			err = o.base.Delete(k)
		} else {
			err = o.base.Put(k, v)
		}
		if err != nil {
			return err
		}
	}
	o.writes = map[string][]byte{}
	return nil
}

// Len is the number of buffered writes.
func (o *Overlay) Len() int { return len(o.writes) }

func (o *Overlay) Get(key string) ([]byte, error) {
	if v, ok := o.writes[key]; ok {
		return v, nil
	}
	return o.base.Get(key)
}

func (o *Overlay) Put(key string, value []byte) error {
	if value == nil {
		value = []byte{}
	}
	o.writes[key] = value
	return nil
}

func (o *Overlay) Delete(key string) error {
	o.writes[key] = nil
	return nil
}

// Scan merges the base's ordered scan with the buffered writes under the
// same prefix, lazily, so an early stop does not read the whole range.
func (o *Overlay) Scan(objectType string, attrs []string, fn func(string, []byte) error) error {
	prefix, err := CompositeKey(objectType, attrs...)
	if err != nil {
		return err
	}
	pending := sortedKeys(o.writes, prefix)
	stopped := false
	// emitPendingBelow yields buffered keys that sort before limit.
	emitPendingBelow := func(limit string, unbounded bool) error {
		for len(pending) > 0 && (unbounded || pending[0] < limit) {
			k := pending[0]
			pending = pending[1:]
			if v := o.writes[k]; v != nil {
				if err := fn(k, v); err != nil {
					return err
				}
			}
		}
		return nil
	}
	err = o.base.Scan(objectType, attrs, func(k string, v []byte) error {
		if err := emitPendingBelow(k, false); err != nil {
			stopped = true
			return err
		}
		if len(pending) > 0 && pending[0] == k {
			pending = pending[1:]
		}
		if w, ok := o.writes[k]; ok {
			if w == nil {
				return nil
			}
			v = w
		}
		if err := fn(k, v); err != nil {
			stopped = true
			return err
		}
		return nil
	})
	if err != nil || stopped {
		return err
	}
	if err := emitPendingBelow("", true); err != nil && err != ErrStop {
		return err
	}
	return nil
}

func (o *Overlay) Creator() (string, error)                   { return o.base.Creator() }
func (o *Overlay) TxID() string                               { return o.base.TxID() }
func (o *Overlay) TxTime() time.Time                          { return o.base.TxTime() }
func (o *Overlay) SetEvent(name string, payload []byte) error { return o.base.SetEvent(name, payload) }

func sortedKeys(m map[string][]byte, prefix string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	return keys
}
