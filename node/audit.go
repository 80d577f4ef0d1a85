package node

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/dgraph-io/badger/v4"
)

// AuditEntry records one subject looked up by one client.
type AuditEntry struct {
	Seq     uint64 `json:"seq"`
	Time    string `json:"time"`
	Client  string `json:"client"`
	Member  string `json:"member"`
	Subject string `json:"subject"`
	Purpose string `json:"purpose"`
	// Kind is what was read: "status" or "history".
	Kind string `json:"kind"`
	// Outcome is "ok", "denied" (refused before reading: role, member
	// status, purpose, limits) or "error" (the read failed).
	Outcome        string `json:"outcome"`
	Listed         bool   `json:"listed"`
	ActiveDefaults int    `json:"activeDefaults"`
	Height         uint64 `json:"height"`
	PrevHash       string `json:"prevHash"`
	Hash           string `json:"hash"`
}

type auditHead struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

var auditHeadKey = []byte("ah")

func auditKey(seq uint64) []byte {
	k := make([]byte, 10)
	copy(k, "a/")
	binary.BigEndian.PutUint64(k[2:], seq)
	return k
}

func (e *AuditEntry) computeHash() string {
	c := *e
	c.Hash = ""
	b, _ := json.Marshal(c)
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

func (n *Node) loadAuditHead() error {
	n.auditHead = auditHead{Hash: hex.EncodeToString(make([]byte, 32))}
	return n.db.View(func(txn *badger.Txn) error {
		item, err := txn.Get(auditHeadKey)
		if errors.Is(err, badger.ErrKeyNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		return item.Value(func(v []byte) error { return json.Unmarshal(v, &n.auditHead) })
	})
}

// auditRequest is one lookup's entries waiting for the audit writer.
type auditRequest struct {
	entries []AuditEntry
	done    chan error
}

// audit appends entries durably, chaining each to the previous one. A
// lookup is answered only after its entries are on disk; concurrent
// lookups share one write and one fsync (group commit).
func (n *Node) audit(entries []AuditEntry) error {
	if len(entries) == 0 {
		return nil
	}
	r := auditRequest{entries: entries, done: make(chan error, 1)}
	n.auditQueue <- r
	return <-r.done
}

// auditWriter is the only goroutine that appends to the audit chain.
func (n *Node) auditWriter() {
	defer close(n.auditStopped)
	for first := range n.auditQueue {
		group := []auditRequest{first}
	gather:
		for len(group) < 1024 {
			select {
			case r, ok := <-n.auditQueue:
				if !ok {
					break gather
				}
				group = append(group, r)
			default:
				break gather
			}
		}
		err := n.appendAudit(group)
		for _, r := range group {
			r.done <- err
		}
	}
}

func (n *Node) appendAudit(group []auditRequest) error {
	head := n.auditHead
	now := time.Now().UTC().Format(time.RFC3339Nano)
	err := n.db.Update(func(txn *badger.Txn) error {
		for _, r := range group {
			for i := range r.entries {
				e := &r.entries[i]
				e.Seq, e.Time, e.PrevHash = head.Seq+1, now, head.Hash
				e.Hash = e.computeHash()
				b, _ := json.Marshal(e)
				if err := txn.Set(auditKey(e.Seq), b); err != nil {
					return err
				}
				head = auditHead{Seq: e.Seq, Hash: e.Hash}
			}
		}
		hb, _ := json.Marshal(head)
		return txn.Set(auditHeadKey, hb)
	})
	if err != nil {
		return fmt.Errorf("query audit log: %w", err)
	}
	n.auditHead = head
	return nil
}

// AuditFilter selects audit entries; empty fields match everything.
type AuditFilter struct {
	Member  string
	Subject string
	From    time.Time
	To      time.Time
	After   uint64 // entries with Seq > After
	Limit   int
}

// QueryAudit returns matching entries in log order, at most f.Limit.
func (n *Node) QueryAudit(f AuditFilter) ([]AuditEntry, error) {
	out := []AuditEntry{}
	err := n.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("a/"), PrefetchValues: true})
		defer it.Close()
		for it.Seek(auditKey(f.After + 1)); it.Valid() && len(out) < f.Limit; it.Next() {
			var e AuditEntry
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return err
			}
			t, _ := time.Parse(time.RFC3339Nano, e.Time)
			if (f.Member != "" && e.Member != f.Member) || (f.Subject != "" && e.Subject != f.Subject) ||
				(!f.From.IsZero() && t.Before(f.From)) || (!f.To.IsZero() && !t.Before(f.To)) {
				continue
			}
			out = append(out, e)
		}
		return nil
	})
	return out, err
}

// VerifyAudit walks the audit chain and reports the first broken link.
func (n *Node) VerifyAudit() (uint64, error) {
	var seq uint64
	err := n.db.View(func(txn *badger.Txn) error {
		prev := hex.EncodeToString(make([]byte, 32))
		it := txn.NewIterator(badger.IteratorOptions{Prefix: []byte("a/"), PrefetchValues: true})
		defer it.Close()
		for it.Rewind(); it.Valid(); it.Next() {
			seq++
			var e AuditEntry
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &e) }); err != nil {
				return err
			}
			if e.Seq != seq || e.PrevHash != prev || e.computeHash() != e.Hash {
				return fmt.Errorf("audit entry %d does not match the chain", seq)
			}
			prev = e.Hash
		}
		return nil
	})
	return seq, err
}
