package pool

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

// How much of each member's pool history the overlap check keeps.
const (
	MaxRecent    = 16
	RecentWindow = 90 * 24 * time.Hour
)

// sketchChunk is how many 8-byte prefixes one store value holds (512 KiB),
// well under badger's limits on a value and a transaction.
const sketchChunk = 64 << 10

// Recent is one pool a member asked about.
type Recent struct {
	Seq    uint64    `json:"seq"`
	Digest string    `json:"digest"`
	Size   int       `json:"size"`
	Client string    `json:"client"`
	At     time.Time `json:"at"`
	Chunks int       `json:"chunks"`
}

// OverlapError refuses a pool that differs from a recent one of the same
// member in at least one but fewer than the minimum count of subjects.
type OverlapError struct {
	Recent Recent
	Min    int
}

func (e *OverlapError) Error() string {
	return fmt.Sprintf("this pool differs from pool %s of %s (asked by %s) in fewer than %d subjects; pools must differ from each of the member's recent pools in none or at least %d",
		e.Recent.Digest, e.Recent.At.UTC().Format(time.RFC3339), e.Recent.Client, e.Min, e.Min)
}

// History is each member's recent pools in the node store.
type History struct {
	db *badger.DB
	mu sync.Map // member -> *sync.Mutex
}

// NewHistory keeps the history in db.
func NewHistory(db *badger.DB) *History { return &History{db: db} }

// Lock serialises one member's pool requests, so that two of them cannot
// both pass the check before either is recorded; call the returned
// function to unlock.
func (h *History) Lock(member string) func() {
	m, _ := h.mu.LoadOrStore(member, &sync.Mutex{})
	mu := m.(*sync.Mutex)
	mu.Lock()
	return mu.Unlock
}

func headerPrefix(member string) []byte { return store.PoolHistory.Key(member, "") }

func headerKey(member string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(headerPrefix(member), seq)
}

func chunkKey(member string, seq uint64, chunk int) []byte {
	k := binary.BigEndian.AppendUint64(store.PoolSketches.Key(member, ""), seq)
	return binary.BigEndian.AppendUint32(k, uint32(chunk))
}

// recent lists the member's pools within the window, newest first.
func (h *History) recent(member string, now time.Time) ([]Recent, error) {
	var out []Recent
	err := h.db.View(func(txn *badger.Txn) error {
		return store.ScanJSON(txn, headerPrefix(member), nil, func(_ []byte, r Recent) error {
			if now.Sub(r.At) < RecentWindow {
				out = append(out, r)
			}
			return nil
		})
	})
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	if len(out) > MaxRecent {
		out = out[:MaxRecent]
	}
	return out, err
}

func (h *History) sketch(member string, r Recent) ([]uint64, error) {
	out := make([]uint64, 0, r.Size)
	err := h.db.View(func(txn *badger.Txn) error {
		for c := 0; c < r.Chunks; c++ {
			if _, err := store.Get(txn, chunkKey(member, r.Seq, c), func(v []byte) error {
				for i := 0; i+8 <= len(v); i += 8 {
					out = append(out, binary.BigEndian.Uint64(v[i:]))
				}
				return nil
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return out, err
}

// Difference is how many subjects are in one sorted sketch and not the
// other, either way.
func Difference(a, b []uint64) int {
	i, j, common := 0, 0, 0
	for i < len(a) && j < len(b) {
		switch {
		case a[i] == b[j]:
			common++
			i++
			j++
		case a[i] < b[j]:
			i++
		default:
			j++
		}
	}
	return len(a) + len(b) - 2*common
}

// Check refuses (*OverlapError) a pool whose sketch differs from one of
// the member's recent pools in at least one but fewer than min subjects.
func (h *History) Check(member string, sk []uint64, min int, now time.Time) error {
	recent, err := h.recent(member, now)
	if err != nil {
		return err
	}
	for _, r := range recent {
		if d := r.Size - len(sk); d >= min || -d >= min {
			continue // sizes alone differ by the minimum
		}
		old, err := h.sketch(member, r)
		if err != nil {
			return err
		}
		if d := Difference(sk, old); d > 0 && d < min {
			return &OverlapError{Recent: r, Min: min}
		}
	}
	return nil
}

// Add records a pool the member was answered about, and forgets the
// member's pools beyond MaxRecent or older than the window.
func (h *History) Add(member, client, digest string, sk []uint64, now time.Time) error {
	var all []Recent
	err := h.db.View(func(txn *badger.Txn) error {
		return store.ScanJSON(txn, headerPrefix(member), nil, func(_ []byte, r Recent) error {
			all = append(all, r)
			return nil
		})
	})
	if err != nil {
		return err
	}
	seq := uint64(1)
	if len(all) > 0 {
		seq = all[len(all)-1].Seq + 1
	}
	rec := Recent{Seq: seq, Digest: digest, Size: len(sk), Client: client, At: now.UTC(), Chunks: (len(sk) + sketchChunk - 1) / sketchChunk}
	wb := h.db.NewWriteBatch()
	defer wb.Cancel()
	for c := 0; c < rec.Chunks; c++ {
		part := sk[c*sketchChunk : min(len(sk), (c+1)*sketchChunk)]
		v := make([]byte, 0, 8*len(part))
		for _, x := range part {
			v = binary.BigEndian.AppendUint64(v, x)
		}
		if err := wb.Set(chunkKey(member, seq, c), v); err != nil {
			return err
		}
	}
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	if err := wb.Set(headerKey(member, seq), b); err != nil {
		return err
	}
	// Forget the oldest beyond the bound, and what left the window.
	keep := MaxRecent - 1
	for i, r := range all {
		if len(all)-i > keep || now.Sub(r.At) >= RecentWindow {
			for c := 0; c < r.Chunks; c++ {
				if err := wb.Delete(chunkKey(member, r.Seq, c)); err != nil {
					return err
				}
			}
			if err := wb.Delete(headerKey(member, r.Seq)); err != nil {
				return err
			}
		}
	}
	return wb.Flush()
}
