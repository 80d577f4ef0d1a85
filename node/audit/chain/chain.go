// Package chain is the query audit log's entry format and the checks any
// verifier runs on it: the node when it verifies its own store, and blctl
// when an auditor verifies a member's exported log against the heads the
// member anchored on the shared ledger. It has no storage and no network,
// so that a verifier depends on nothing but this file's rules.
//
// Each member's entries form one chain: entry Pos (1, 2, ...) carries the
// Hash of entry Pos-1 as PrevHash (64 zeros for Pos 1), and its own Hash
// is SHA-256 over a fixed, length-prefixed encoding of every field but
// Hash and MAC (see Link). The chain is public: anyone with the entries
// recomputes it. The node's keyed MAC on each link (HMAC-SHA256 with a
// key only the node holds) is not part of it; see package audit.
package chain

import (
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"strconv"
)

// Outcomes of an audited request.
const (
	OutcomeOK         = "ok"
	OutcomeDenied     = "denied"
	OutcomeError      = "error"
	OutcomeOverBudget = "over-budget"
)

// Kinds of audited access.
const (
	KindStatus      = "status"
	KindHistory     = "history"
	KindWatch       = "watch"
	KindDerive      = "derive"
	KindAttestation = "attestation"
	KindAlert       = "alert"
	KindEvidence    = "evidence"
	KindProtection  = "protection"
	// KindPool is one pool-statistics request: Subject is the pool's
	// digest (see PoolSize), not a subject key.
	KindPool = "pool"
)

// Zero is the PrevHash of a member's first entry.
const Zero = "0000000000000000000000000000000000000000000000000000000000000000"

// Entry records one subject accessed (or one access attempted) by one
// client of a member.
type Entry struct {
	// Seq orders entries across the node (all members); paging uses it.
	Seq uint64 `json:"seq"`
	// Pos is the entry's position in its member's chain, from 1.
	Pos     uint64 `json:"pos"`
	Time    string `json:"time"`
	Client  string `json:"client"`
	Member  string `json:"member"`
	Subject string `json:"subject"`
	Purpose string `json:"purpose"`
	// Kind is what was accessed: status, history, watch, derive,
	// attestation, alert or evidence.
	Kind string `json:"kind"`
	// Outcome is ok, denied, error or over-budget.
	Outcome        string `json:"outcome"`
	Listed         bool   `json:"listed"`
	ActiveDefaults int    `json:"activeDefaults"`
	Height         uint64 `json:"height"`
	// PoolSize is, on a pool entry (KindPool), the number of distinct
	// subjects in the pool; 0 on every other kind.
	PoolSize uint64 `json:"poolSize,omitempty"`
	PrevHash string `json:"prevHash"`
	Hash     string `json:"hash"`
	// MAC is the node's keyed tag on Hash; only the node can check it.
	MAC string `json:"mac,omitempty"`
}

// Link computes the entry's hash from its fields and PrevHash. The
// encoding is "blacklist-audit/v1", then each field in the order of the
// struct (Seq, Pos, Time, Client, Member, Subject, Purpose, Kind, Outcome,
// Listed, ActiveDefaults, Height, PrevHash), each as an 8-byte big-endian
// length followed by its bytes; numbers in decimal, booleans as
// "true"/"false". A pool entry's PoolSize, when not 0, follows PrevHash
// the same way, so that entries without one hash as they always did.
func (e *Entry) Link() string {
	// Built in one buffer: a lookup of 10,000 subjects links 10,000
	// entries before it is answered.
	var buf [512]byte
	b := append(buf[:0], "blacklist-audit/v1"...)
	var num [20]byte
	field := func(f []byte) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	text := func(f string) {
		b = binary.BigEndian.AppendUint64(b, uint64(len(f)))
		b = append(b, f...)
	}
	field(strconv.AppendUint(num[:0], e.Seq, 10))
	field(strconv.AppendUint(num[:0], e.Pos, 10))
	text(e.Time)
	text(e.Client)
	text(e.Member)
	text(e.Subject)
	text(e.Purpose)
	text(e.Kind)
	text(e.Outcome)
	field(strconv.AppendBool(num[:0], e.Listed))
	field(strconv.AppendInt(num[:0], int64(e.ActiveDefaults), 10))
	field(strconv.AppendUint(num[:0], e.Height, 10))
	text(e.PrevHash)
	if e.PoolSize != 0 {
		field(strconv.AppendUint(num[:0], e.PoolSize, 10))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Anchor is a head a member committed to the shared ledger: its log (named
// by the hash of its first entry) had Size entries and the last one's
// hash was Head.
type Anchor struct {
	Log  string `json:"log"`
	Size uint64 `json:"size"`
	Head string `json:"head"`
	TxID string `json:"txId,omitempty"`
	At   string `json:"anchoredAt,omitempty"`
}

// Problem kinds a verification reports.
const (
	BrokenLink = "broken-link" // an entry's hash or link does not match (rewritten)
	Gap        = "gap"         // a position is missing or out of order
	Truncated  = "truncated"   // the log ends before an anchored size
	Diverged   = "diverged"    // the log does not extend an anchored head
	Mixed      = "mixed"       // entries of another member
)

// Failure is why a log did not verify, with the first position found bad.
type Failure struct {
	Kind string
	// Pos is the first bad position: for Diverged, the anchored size at
	// which the log's hash differs (the rewrite is after the previous
	// matching anchor, at or before Pos).
	Pos uint64
	Msg string
}

func (f *Failure) Error() string { return fmt.Sprintf("position %d: %s", f.Pos, f.Msg) }

// Verifier checks a member's chain entry by entry, in order, from its
// first entry, against the anchors of the log that entry names.
type Verifier struct {
	Member  string
	size    uint64
	head    string
	anchors []Anchor
	logs    map[string]bool   // the member's anchored logs
	want    map[uint64]Anchor // this log's anchors by size
}

// NewVerifier checks member's log against the member's anchors (all its
// logs, any order).
func NewVerifier(member string, anchors []Anchor) *Verifier {
	v := &Verifier{Member: member, head: Zero, anchors: anchors, logs: map[string]bool{}, want: map[uint64]Anchor{}}
	for _, a := range anchors {
		v.logs[a.Log] = true
	}
	return v
}

// Logs is how many logs the member anchored; more than one means its node
// started a new log at some point, and each should be verified.
func (v *Verifier) Logs() int { return len(v.logs) }

// Add checks the next entry of the log.
func (v *Verifier) Add(e *Entry) error {
	next := v.size + 1
	if v.Member == "" {
		v.Member = e.Member
	}
	if e.Member != v.Member {
		return &Failure{Mixed, next, fmt.Sprintf("entry of member %q in the log of %q", e.Member, v.Member)}
	}
	if e.Pos != next {
		return &Failure{Gap, next, fmt.Sprintf("expected position %d, found %d: entries are missing or out of order", next, e.Pos)}
	}
	if e.PrevHash != v.head {
		return &Failure{BrokenLink, next, "prevHash does not match the previous entry's hash: an entry before it was removed or rewritten"}
	}
	if e.Link() != e.Hash {
		return &Failure{BrokenLink, next, "the entry's hash does not match its content: the entry was rewritten"}
	}
	if next == 1 {
		for _, a := range v.anchors {
			if a.Log == e.Hash {
				v.want[a.Size] = a
			}
		}
		if len(v.want) == 0 && len(v.logs) > 0 {
			return &Failure{Diverged, 1, fmt.Sprintf("the log's first entry matches none of the %d logs the member anchored: the log was rewritten from its start, or it is not this member's", len(v.logs))}
		}
	}
	v.size, v.head = next, e.Hash
	if a, ok := v.want[next]; ok && a.Head != e.Hash {
		return v.diverged(a)
	}
	return nil
}

func (v *Verifier) diverged(a Anchor) error {
	prev := uint64(0)
	for s := range v.want {
		if s < a.Size && s > prev {
			prev = s
		}
	}
	return &Failure{Diverged, a.Size, fmt.Sprintf("the log does not extend the head anchored at size %d%s: "+
		"an entry after position %d and at or before %d was rewritten, or the chain was rebuilt", a.Size, where(a), prev, a.Size)}
}

func where(a Anchor) string {
	s := ""
	if a.At != "" {
		s += " on " + a.At
	}
	if a.TxID != "" {
		s += " (tx " + a.TxID + ")"
	}
	return s
}

// Finish checks that the log reached every anchored size; it returns the
// log's size and head.
func (v *Verifier) Finish() (size uint64, head string, err error) {
	if v.size == 0 && len(v.logs) > 0 {
		return 0, v.head, &Failure{Truncated, 1, fmt.Sprintf("the log is empty but the member anchored %d logs", len(v.logs))}
	}
	var last *Anchor
	for s, a := range v.want {
		if s > v.size && (last == nil || s < last.Size) {
			a := a
			last = &a
		}
	}
	if last != nil {
		return v.size, v.head, &Failure{Truncated, v.size + 1, fmt.Sprintf("the log ends at position %d but the member anchored size %d%s: entries were removed from the end",
			v.size, last.Size, where(*last))}
	}
	return v.size, v.head, nil
}
