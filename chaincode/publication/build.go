package publication

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"hash"
	"time"
)

// Standing is what the ledger says about one subject that has records
// within retention, as the contract computes it (contract.Standings).
type Standing struct {
	Subject string
	// Listed is whether the subject has an active default; Entry is then
	// its entry.
	Listed bool
	Entry  Entry
	// Reason is, when not listed, why: the state of the default that
	// stopped counting last (settled, revoked, dispute-upheld,
	// below-threshold).
	Reason string
}

// Next pulls the next previous entry; ok false at the end.
type Next func() (e Entry, ok bool, err error)

// Sink receives what Build and Apply produce, in key order; a nil func is
// skipped.
type Sink struct {
	Entry  func(Entry) error
	Change func(Change) error
}

// Meta is what the node knows of the publication before computing it.
type Meta struct {
	Origin       string
	Number       uint64
	LedgerHeight uint64
	AsOf         time.Time
	// Previous is publication N-1's header; nil for the first.
	Previous *Header
}

// Builder computes publication N from N-1's entries and the standings
// at the ledger height, fed in key order with Add, then Finish.
type Builder struct {
	meta  Meta
	prev  Next
	sink  Sink
	head  *Entry // the next previous entry not yet consumed
	done  bool   // no more previous entries
	last  string // last subject added, for the order check
	root  RootBuilder
	diff  hash.Hash
	h     Header
	count int64
}

// NewBuilder starts publication meta.Number; prev gives N-1's entries
// (nil for the first publication).
func NewBuilder(meta Meta, prev Next, sink Sink) (*Builder, error) {
	if (meta.Number == 1) != (meta.Previous == nil) {
		return nil, fmt.Errorf("publication %d: the previous header is needed for all but the first", meta.Number)
	}
	if meta.Previous != nil && meta.Previous.Number+1 != meta.Number {
		return nil, fmt.Errorf("publication %d cannot follow publication %d", meta.Number, meta.Previous.Number)
	}
	if prev == nil {
		prev = func() (Entry, bool, error) { return Entry{}, false, nil }
	}
	b := &Builder{meta: meta, prev: prev, sink: sink, diff: sha256.New()}
	return b, b.pull()
}

func (b *Builder) pull() error {
	e, ok, err := b.prev()
	if err != nil {
		return err
	}
	if !ok {
		b.head, b.done = nil, true
		return nil
	}
	if b.head != nil && e.Subject <= b.head.Subject {
		return fmt.Errorf("previous entries out of order at %s", e.Subject)
	}
	b.head = &e
	return nil
}

func (b *Builder) change(c Change) error {
	b.diff.Write(c.Encode())
	b.diff.Write([]byte{'\n'})
	switch c.Op {
	case OpAdded:
		b.h.Added++
	case OpChanged:
		b.h.Changed++
	case OpRemoved:
		b.h.Removed++
	}
	if b.sink.Change != nil {
		return b.sink.Change(c)
	}
	return nil
}

func (b *Builder) entry(e Entry) error {
	b.root.Add(e.Encode())
	if b.sink.Entry != nil {
		return b.sink.Entry(e)
	}
	return nil
}

// dropBefore removes every previous entry whose key is below subject: the
// ledger no longer has anything about them within retention.
func (b *Builder) dropBefore(subject string) error {
	for !b.done && (subject == "" || b.head.Subject < subject) {
		if err := b.change(Change{Op: OpRemoved, Subject: b.head.Subject, Reason: ReasonRetentionExpiry}); err != nil {
			return err
		}
		if err := b.pull(); err != nil {
			return err
		}
	}
	return nil
}

// Add feeds the standing of the next subject in key order.
func (b *Builder) Add(s Standing) error {
	if s.Subject <= b.last {
		return fmt.Errorf("standings out of order at %s", s.Subject)
	}
	b.last = s.Subject
	if s.Listed {
		s.Entry.Subject = s.Subject
		if err := s.Entry.Check(); err != nil {
			return err
		}
	}
	if err := b.dropBefore(s.Subject); err != nil {
		return err
	}
	was := !b.done && b.head.Subject == s.Subject
	switch {
	case s.Listed && !was:
		e := s.Entry
		if err := b.change(Change{Op: OpAdded, Subject: s.Subject, Entry: &e}); err != nil {
			return err
		}
	case s.Listed && !b.head.Equal(s.Entry):
		e := s.Entry
		if err := b.change(Change{Op: OpChanged, Subject: s.Subject, Entry: &e}); err != nil {
			return err
		}
	case !s.Listed && was:
		r := s.Reason
		if r == "" {
			r = ReasonRetentionExpiry
		}
		if err := b.change(Change{Op: OpRemoved, Subject: s.Subject, Reason: r}); err != nil {
			return err
		}
	}
	if was {
		if err := b.pull(); err != nil {
			return err
		}
	}
	if s.Listed {
		return b.entry(s.Entry)
	}
	return nil
}

// Finish removes what is left of N-1 and returns N's header.
func (b *Builder) Finish() (Header, error) {
	if err := b.dropBefore(""); err != nil {
		return Header{}, err
	}
	h := b.h
	h.Format = Format
	h.Origin = b.meta.Origin
	h.Number = b.meta.Number
	h.LedgerHeight = b.meta.LedgerHeight
	h.AsOf = b.meta.AsOf.UTC().Format(time.RFC3339Nano)
	h.Count = b.root.Count()
	h.Root = RootOf(b.root.Root())
	h.DiffDigest = base64.StdEncoding.EncodeToString(b.diff.Sum(nil))
	if b.meta.Previous != nil {
		h.Previous = b.meta.Previous.DigestString()
	}
	return h, h.Check()
}

// Applied is what replaying a diff gives.
type Applied struct {
	Root       string
	Count      int64
	DiffDigest string
	Added      int64
	Changed    int64
	Removed    int64
}

// Apply replays diff (N's changes, in key order) on prev (N-1's entries)
// and returns N's root and counts, sending N's entries to sink. A change
// that does not fit (adding a present key, changing or removing an absent
// one, out of order) is an error.
func Apply(prev Next, diff func() (Change, bool, error), sink func(Entry) error) (Applied, error) {
	var root RootBuilder
	dd := sha256.New()
	var a Applied
	emit := func(e Entry) error {
		root.Add(e.Encode())
		if sink != nil {
			return sink(e)
		}
		return nil
	}
	var head *Entry
	pull := func() error {
		e, ok, err := prev()
		if err != nil {
			return err
		}
		if !ok {
			head = nil
			return nil
		}
		if head != nil && e.Subject <= head.Subject {
			return fmt.Errorf("previous entries out of order at %s", e.Subject)
		}
		head = &e
		return nil
	}
	if err := pull(); err != nil {
		return a, err
	}
	last := ""
	for {
		c, ok, err := diff()
		if err != nil {
			return a, err
		}
		if !ok {
			break
		}
		if err := c.Check(); err != nil {
			return a, err
		}
		if c.Subject <= last {
			return a, fmt.Errorf("diff out of order at %s", c.Subject)
		}
		last = c.Subject
		dd.Write(c.Encode())
		dd.Write([]byte{'\n'})
		for head != nil && head.Subject < c.Subject {
			if err := emit(*head); err != nil {
				return a, err
			}
			if err := pull(); err != nil {
				return a, err
			}
		}
		present := head != nil && head.Subject == c.Subject
		switch c.Op {
		case OpAdded:
			if present {
				return a, fmt.Errorf("diff adds %s, which the previous publication lists", c.Subject)
			}
			a.Added++
			if err := emit(*c.Entry); err != nil {
				return a, err
			}
			continue
		case OpChanged:
			if !present {
				return a, fmt.Errorf("diff changes %s, which the previous publication does not list", c.Subject)
			}
			a.Changed++
			if err := emit(*c.Entry); err != nil {
				return a, err
			}
		case OpRemoved:
			if !present {
				return a, fmt.Errorf("diff removes %s, which the previous publication does not list", c.Subject)
			}
			a.Removed++
		}
		if err := pull(); err != nil {
			return a, err
		}
	}
	for head != nil {
		if err := emit(*head); err != nil {
			return a, err
		}
		if err := pull(); err != nil {
			return a, err
		}
	}
	a.Root = RootOf(root.Root())
	a.Count = root.Count()
	a.DiffDigest = base64.StdEncoding.EncodeToString(dd.Sum(nil))
	return a, nil
}

// SliceNext iterates over entries held in memory.
func SliceNext(es []Entry) Next {
	i := 0
	return func() (Entry, bool, error) {
		if i >= len(es) {
			return Entry{}, false, nil
		}
		i++
		return es[i-1], true, nil
	}
}

// SliceChanges iterates over changes held in memory.
func SliceChanges(cs []Change) func() (Change, bool, error) {
	i := 0
	return func() (Change, bool, error) {
		if i >= len(cs) {
			return Change{}, false, nil
		}
		i++
		return cs[i-1], true, nil
	}
}
