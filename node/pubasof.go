package node

import (
	"errors"
	"fmt"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// The world state as of an earlier height, for a member's node that
// recomputes a publication the association computed at that height
// (pubcosign.go). Neither backend keeps old versions of the state, but both
// keep every committed transaction's write set (ledger.CommittedFeed): the
// state at height H is the current snapshot with every key written after H
// put back to its last write at or before H (absent if none). The keys
// touched after H are few (a member cosigns within minutes); finding their
// earlier values walks the write sets from the start once.
//
// A retention purge after H deleted records that H still had: they come
// back, as they must. A purge before H is already in the snapshot.

// ErrFutureHeight is a height the node's ledger has not reached yet.
var ErrFutureHeight = errors.New("the ledger has not reached that height yet")

// viewAt lends fn the state as of height h, with the time of the last
// transaction at h.
func (n *Node) viewAt(h uint64, fn func(st state.State, at ledger.At) error) error {
	viewer, ok := n.ledger.(ledger.Viewer)
	feed, ok2 := n.ledger.(ledger.Logged)
	if !ok || !ok2 {
		return errors.New("this node's ledger cannot lend snapshots or keeps no write sets")
	}
	mode, _ := feed.LogIdentity()
	// firstAfter is the feed position of the first transaction not in
	// the state at h: embedded positions are heights (h is the last one
	// applied), replica positions are blocks (h blocks applied: 0..h-1).
	firstAfter := h + 1
	if mode == translog.ModeFabric {
		firstAfter = h
	}
	return viewer.ViewAt(func(st state.State, at ledger.At) error {
		if at.Height < h {
			return fmt.Errorf("%w: at %d, asked for %d", ErrFutureHeight, at.Height, h)
		}
		if at.Height == h {
			return fn(st, at)
		}
		touched := map[string]bool{}
		if err := walkFeed(feed, firstAfter, ^uint64(0), func(c ledger.Committed) error {
			for _, w := range c.Writes {
				touched[w.Key] = true
			}
			return nil
		}); err != nil {
			return err
		}
		// Their values at h, and the time of h's last transaction.
		old := map[string][]byte{}
		var last time.Time
		if err := walkFeed(feed, 0, firstAfter, func(c ledger.Committed) error {
			// The latest, as the backends' heads keep it (the replica
			// keeps the largest transaction time).
			if c.Time.After(last) {
				last = c.Time
			}
			for _, w := range c.Writes {
				if !touched[w.Key] {
					continue
				}
				if w.Delete {
					delete(old, w.Key)
				} else {
					old[w.Key] = w.Value
				}
			}
			return nil
		}); err != nil {
			return err
		}
		o := state.NewOverlay(st)
		for k := range touched {
			var err error
			if v, ok := old[k]; ok {
				err = o.Put(k, v)
			} else {
				err = o.Delete(k)
			}
			if err != nil {
				return err
			}
		}
		return fn(o, ledger.At{Height: h, Time: last})
	})
}

// walkFeed calls fn for every committed transaction at positions
// [from, to), in order.
func walkFeed(feed ledger.CommittedFeed, from, to uint64, fn func(ledger.Committed) error) error {
	errDone := errors.New("done")
	for from < to {
		next, err := feed.CommittedTxs(from, func(c ledger.Committed) error {
			if c.Position >= to {
				return errDone
			}
			return fn(c)
		})
		if errors.Is(err, errDone) {
			return nil
		}
		if err != nil {
			return err
		}
		if next <= from {
			return nil
		}
		from = next
	}
	return nil
}
