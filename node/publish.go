package node

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Publications of the blacklist to credit agencies (issue 14,
// docs/publications.md, decision 0023).
//
// The association's node computes publication N on one snapshot of its
// ledger (contract.Standings, the status code of lookups) against N-1's
// entries from its store, in one forward pass: entries and diff lines go
// to the store as they are produced, so memory does not grow with the
// list. It then signs the header with the log keys it holds (the
// association's; in embedded mode every organisation's the operator
// holds, as for checkpoints), keeps header and note as pending, records
// the header on the ledger (RecordPublication, a leaf of the transparency
// log) and marks it recorded. A publication left pending by a crash is
// recorded on the next attempt, never recomputed: its entries are
// already what agencies may have been sent.
//
// Agencies read publications as NDJSON (StreamPublication): the preamble
// (view, header, note), then entries or diff lines, streamed from one
// store snapshot.

// ErrNotAssociation refuses Publish to anyone but the association.
var ErrNotAssociation = &contract.Error{Code: contract.CodeForbidden, Msg: "only the association's admin may publish the blacklist"}

// ErrNoPublication is a publication number this node has not made.
var ErrNoPublication = &contract.Error{Code: contract.CodeNotFound, Msg: "no such publication"}

// DefaultPublicationCheck is how often the node looks whether a scheduled
// publication is due.
const DefaultPublicationCheck = time.Minute

// StoredPublication is a publication's header as the node keeps it.
type StoredPublication struct {
	Header publication.Header `json:"header"`
	// Note is the signed note over the header.
	Note string `json:"note"`
	// Slot is the scheduled time it was made for; "" when on demand.
	Slot string `json:"slot,omitempty"`
	// MadeAt is when the node computed it (RFC 3339, UTC, wall clock).
	MadeAt string `json:"madeAt"`
	// Recorded is set once the header is on the ledger; TxID names the
	// transaction.
	Recorded bool   `json:"recorded"`
	TxID     string `json:"txId,omitempty"`
	// Signers are the organisations whose log keys signed Note.
	Signers []string `json:"signers"`
}

func pubKey(p store.Prefix, n uint64, rest ...byte) []byte {
	k := binary.BigEndian.AppendUint64(append([]byte(nil), p...), n)
	return append(k, rest...)
}

// Publish makes the next publication now (POST /v1/publications).
func (n *Node) Publish(ctx context.Context, c *Client) (StoredPublication, error) {
	if err := n.Authorize(ctx, c, Publish); err != nil {
		return StoredPublication{}, err
	}
	m, _, err := evaluate(n, c.Member, contract.TxGetMember, contract.MemberRequest{MSPID: c.Member})
	if err != nil {
		return StoredPublication{}, err
	}
	if !m.Association {
		return StoredPublication{}, ErrNotAssociation
	}
	return n.publish(ctx, c.Member, "")
}

func (n *Node) lastPublication(txn *badger.Txn) (StoredPublication, bool, error) {
	it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: store.PublicationHeads.Bytes()})
	defer it.Close()
	it.Seek(pubKey(store.PublicationHeads, ^uint64(0)))
	if !it.Valid() {
		return StoredPublication{}, false, nil
	}
	var sp StoredPublication
	err := it.Item().Value(store.JSON(&sp))
	return sp, err == nil, err
}

func (n *Node) publish(ctx context.Context, assoc, slot string) (StoredPublication, error) {
	n.pubMu.Lock()
	defer n.pubMu.Unlock()
	viewer, ok := n.ledger.(ledger.Viewer)
	if !ok || n.tlog == nil {
		return StoredPublication{}, errors.New("this node's ledger cannot lend snapshots or keeps no transparency log: it cannot publish")
	}
	var last StoredPublication
	var have bool
	if err := n.db.View(func(txn *badger.Txn) (err error) {
		last, have, err = n.lastPublication(txn)
		return err
	}); err != nil {
		return StoredPublication{}, err
	}
	if have && !last.Recorded {
		// A crash between keeping and recording: record what was kept.
		return last, n.recordPublication(ctx, assoc, &last)
	}
	// A store behind the ledger (a new or restored association node):
	// take up from the latest recorded publication, recomputed as of its
	// height, so that the next one has its entries to diff against.
	latest, _, err := evaluate(n, assoc, contract.TxGetPublication, contract.PublicationRequest{})
	var ce *contract.Error
	switch {
	case errors.As(err, &ce) && ce.Code == contract.CodeNotFound:
	case err != nil:
		return StoredPublication{}, err
	case !have || last.Header.Number < latest.Header.Number:
		h, err := n.recompute(assoc, latest)
		if err != nil {
			return StoredPublication{}, fmt.Errorf("taking up from publication %d on the ledger: %w", latest.Header.Number, err)
		}
		if h.DigestString() != latest.Digest {
			return StoredPublication{}, fmt.Errorf("taking up from publication %d on the ledger: this node computes digest %s, the ledger records %s", latest.Header.Number, h.DigestString(), latest.Digest)
		}
		last = StoredPublication{Header: h, Recorded: true, TxID: latest.TxID, MadeAt: time.Now().UTC().Format(time.RFC3339)}
		if err := n.signPublication(ctx, &last); err != nil {
			return StoredPublication{}, err
		}
		if err := n.keepPublication(last); err != nil {
			return StoredPublication{}, err
		}
		have = true
	}
	meta := publication.Meta{Origin: n.tlog.origin, Number: 1}
	if have {
		meta.Number, meta.Previous = last.Header.Number+1, &last.Header
	}
	num := meta.Number
	h, err := n.computeInto(num, meta, have, true, viewer.ViewAt)
	if err != nil {
		return StoredPublication{}, fmt.Errorf("computing publication %d: %w", num, err)
	}
	sp := StoredPublication{Header: h, Slot: slot, MadeAt: time.Now().UTC().Format(time.RFC3339)}
	if err := n.signPublication(ctx, &sp); err != nil {
		return StoredPublication{}, err
	}
	if err := n.keepPublication(sp); err != nil {
		return StoredPublication{}, err
	}
	return sp, n.recordPublication(ctx, assoc, &sp)
}

// computeInto computes publication meta on the state view lends (the
// ledger's LedgerHeight and AsOf are set from it), reading the previous
// entries from the store's publication num-1 when withPrev, and writes
// its entries (and, when withDiff, its diff lines) to the store as
// publication num.
func (n *Node) computeInto(num uint64, meta publication.Meta, withPrev, withDiff bool, view func(func(state.State, ledger.At) error) error) (publication.Header, error) {
	// Leftovers of an attempt at num that never reached its header.
	for _, p := range []store.Prefix{store.PublicationEntries, store.PublicationDiffs} {
		var left bool
		if err := n.db.View(func(txn *badger.Txn) error {
			it := txn.NewIterator(badger.IteratorOptions{Prefix: pubKey(p, num)})
			defer it.Close()
			it.Rewind()
			left = it.Valid()
			return nil
		}); err != nil {
			return publication.Header{}, err
		}
		if left {
			if err := n.db.DropPrefix(pubKey(p, num)); err != nil {
				return publication.Header{}, err
			}
		}
	}
	var h publication.Header
	err := n.db.View(func(prevTxn *badger.Txn) error {
		var prev func(bool) (publication.Entry, bool, error)
		if withPrev {
			prev = n.entriesOf(prevTxn, num-1)
		}
		defer func() {
			if prev != nil {
				prev(true)
			}
		}()
		wb := n.db.NewWriteBatch()
		defer wb.Cancel()
		var next publication.Next
		if prev != nil {
			next = func() (publication.Entry, bool, error) { return prev(false) }
		}
		sink := publication.Sink{
			Entry: func(e publication.Entry) error {
				return wb.Set(pubKey(store.PublicationEntries, num, []byte(e.Subject)...), e.Encode())
			},
		}
		if withDiff {
			sink.Change = func(c publication.Change) error {
				return wb.Set(pubKey(store.PublicationDiffs, num, []byte(c.Subject)...), c.Encode())
			}
		}
		return view(func(st state.State, at ledger.At) error {
			meta.LedgerHeight, meta.AsOf = at.Height, at.Time
			b, err := publication.NewBuilder(meta, next, sink)
			if err != nil {
				return err
			}
			if err := contract.Standings(st, at.Time, b.Add); err != nil {
				return err
			}
			if h, err = b.Finish(); err != nil {
				return err
			}
			return wb.Flush()
		})
	})
	return h, err
}

// entriesOf iterates over publication num's entries in key order; call
// it with true to release the iterator.
func (n *Node) entriesOf(txn *badger.Txn, num uint64) func(stop bool) (publication.Entry, bool, error) {
	prefix := pubKey(store.PublicationEntries, num)
	it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
	it.Seek(prefix)
	started := false
	return func(stop bool) (publication.Entry, bool, error) {
		if stop {
			it.Close()
			return publication.Entry{}, false, nil
		}
		if started {
			it.Next()
		}
		started = true
		if !it.Valid() {
			return publication.Entry{}, false, nil
		}
		var e publication.Entry
		err := it.Item().Value(func(v []byte) error {
			var err error
			e, err = publication.DecodeEntry(v)
			return err
		})
		return e, err == nil, err
	}
}

func (n *Node) keepPublication(sp StoredPublication) error {
	return n.db.Update(func(txn *badger.Txn) error {
		b, err := json.Marshal(sp)
		if err != nil {
			return err
		}
		return txn.Set(pubKey(store.PublicationHeads, sp.Header.Number), b)
	})
}

// signPublication signs the header with every log key the node signs
// checkpoints with, registering a key the ledger does not have yet.
func (n *Node) signPublication(ctx context.Context, sp *StoredPublication) error {
	orgs, err := n.logCosigners()
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return errors.New("this node holds no log key: it cannot sign a publication")
	}
	slices.Sort(orgs)
	var notes [][]byte
	for _, org := range orgs {
		k, err := n.tlog.logKey(org)
		if err != nil {
			return err
		}
		if active, err := n.memberActive(org); err != nil || !active {
			continue
		}
		keys, _, err := evaluate(n, org, contract.TxListLogKeys, contract.ListLogKeysRequest{MSPID: org})
		if err != nil {
			return err
		}
		if !slices.ContainsFunc(keys, func(lk contract.LogKey) bool { return lk.Verifier == k.Verifier }) {
			if _, _, err := submit(ctx, n, org, contract.TxRegisterLogKey, contract.RegisterLogKeyRequest{MSPID: org, Verifier: k.Verifier}); err != nil {
				return fmt.Errorf("registering %s's log key: %w", org, err)
			}
		}
		note, err := publication.Sign(sp.Header, k.Signer)
		if err != nil {
			return err
		}
		notes = append(notes, note)
		sp.Signers = append(sp.Signers, org)
	}
	if len(notes) == 0 {
		return errors.New("no active organisation to sign the publication for")
	}
	merged, err := publication.Merge(notes...)
	if err != nil {
		return err
	}
	sp.Note = string(merged)
	return nil
}

func (n *Node) recordPublication(ctx context.Context, assoc string, sp *StoredPublication) error {
	rec, _, err := submit(ctx, n, assoc, contract.TxRecordPublication, contract.RecordPublicationRequest{Header: sp.Header})
	var ce *contract.Error
	if errors.As(err, &ce) && ce.Code == contract.CodeConflict {
		// Recorded before a crash: it must be this very header.
		rec, _, err = evaluate(n, assoc, contract.TxGetPublication, contract.PublicationRequest{Number: sp.Header.Number})
		if err == nil && rec.Digest != sp.Header.DigestString() {
			err = fmt.Errorf("the ledger records another publication %d (digest %s) than this node kept (%s)", sp.Header.Number, rec.Digest, sp.Header.DigestString())
		}
	}
	if err != nil {
		return fmt.Errorf("recording publication %d: %w", sp.Header.Number, err)
	}
	sp.Recorded, sp.TxID = true, rec.TxID
	return n.keepPublication(*sp)
}

// Publications lists the publications this node made, newest first
// (GET /v1/publications), at most limit.
func (n *Node) Publications(ctx context.Context, c *Client, limit int) ([]StoredPublication, error) {
	if err := n.Authorize(ctx, c, ReadPublications); err != nil {
		return nil, err
	}
	out := []StoredPublication{}
	err := n.db.View(func(txn *badger.Txn) error {
		it := txn.NewIterator(badger.IteratorOptions{Reverse: true, Prefix: store.PublicationHeads.Bytes(), PrefetchValues: true})
		defer it.Close()
		for it.Seek(pubKey(store.PublicationHeads, ^uint64(0))); it.Valid() && len(out) < limit; it.Next() {
			var sp StoredPublication
			if err := it.Item().Value(store.JSON(&sp)); err != nil {
				return err
			}
			if sp.Recorded {
				out = append(out, sp)
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	for i := range out {
		if out[i].Note, out[i].Signers, err = n.cosignedNote(c.Member, out[i]); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// StreamPublication writes publication num as NDJSON to line, one call
// per line (GET /v1/publications/{n}): the preamble, then every entry
// (view full) or diff line (view diff), from one store snapshot. first is
// called with the preamble before anything is written, so an HTTP handler
// can still answer with an error status for a missing publication.
func (n *Node) StreamPublication(ctx context.Context, c *Client, num uint64, view string, line func([]byte) error) error {
	if err := n.Authorize(ctx, c, ReadPublications); err != nil {
		return err
	}
	if view != publication.ViewFull && view != publication.ViewDiff {
		return &contract.Error{Code: contract.CodeInvalidArgument, Msg: fmt.Sprintf("view: %q is neither full nor diff", view)}
	}
	logProof := n.publicationLogProof(c.Member, num)
	return n.db.View(func(txn *badger.Txn) error {
		var sp StoredPublication
		found, err := store.Get(txn, pubKey(store.PublicationHeads, num), store.JSON(&sp))
		if err != nil {
			return err
		}
		if !found || !sp.Recorded {
			return ErrNoPublication
		}
		if sp.Note, sp.Signers, err = n.cosignedNote(c.Member, sp); err != nil {
			return err
		}
		var pre bytes.Buffer
		if err := publication.WritePreamble(&pre, publication.Preamble{View: view, Header: sp.Header, Note: sp.Note, Log: logProof}); err != nil {
			return err
		}
		if err := line(pre.Bytes()); err != nil {
			return err
		}
		p := store.PublicationEntries
		if view == publication.ViewDiff {
			p = store.PublicationDiffs
		}
		prefix := pubKey(p, num)
		it := txn.NewIterator(badger.IteratorOptions{Prefix: prefix, PrefetchValues: true, PrefetchSize: 256})
		defer it.Close()
		buf := make([]byte, 0, 512)
		for it.Seek(prefix); it.Valid(); it.Next() {
			if err := ctx.Err(); err != nil {
				return err
			}
			buf = buf[:0]
			if err := it.Item().Value(func(v []byte) error { buf = append(append(buf, v...), '\n'); return nil }); err != nil {
				return err
			}
			if err := line(buf); err != nil {
				return err
			}
		}
		return nil
	})
}

// publicationLoop publishes at the policy's schedule, when this node acts
// for the association.
func (n *Node) publicationLoop(ctx context.Context, every time.Duration) {
	onTick(ctx, every, func() {
		if err := n.PublishIfDue(ctx, time.Now()); err != nil && ctx.Err() == nil {
			n.logf("scheduled publication: %v", err)
		}
		if err := n.CosignPublications(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrPublicationDiverged) {
			n.logf("cosigning publications: %v", err)
		}
		if err := n.PushPublications(ctx); err != nil && ctx.Err() == nil {
			n.logf("pushing publications: %v", err)
		}
	})
}

// PublishIfDue publishes when the policy's schedule has a slot at or
// before now that no publication was made for, and this node signs for
// the association. It returns without error when nothing is due.
func (n *Node) PublishIfDue(ctx context.Context, now time.Time) error {
	if n.tlog == nil {
		return nil
	}
	orgs, err := n.logCosigners()
	if err != nil {
		return err
	}
	assoc := ""
	for _, org := range orgs {
		m, _, err := evaluate(n, org, contract.TxGetMember, contract.MemberRequest{MSPID: org})
		if err == nil && m.Association {
			assoc = org
		}
	}
	if assoc == "" {
		return nil
	}
	p, err := n.policyOf(assoc)
	if err != nil || p.PublicationSchedule == "" {
		return err
	}
	s, err := publication.ParseSchedule(p.PublicationSchedule)
	if err != nil {
		return err
	}
	slot := s.Last(now).UTC().Format(time.RFC3339)
	var last StoredPublication
	var have bool
	if err := n.db.View(func(txn *badger.Txn) (err error) {
		last, have, err = n.lastPublication(txn)
		return err
	}); err != nil {
		return err
	}
	if have && last.Recorded && (last.Slot >= slot || last.MadeAt >= slot) {
		return nil
	}
	_, err = n.publish(ctx, assoc, slot)
	return err
}

// publicationLogProof proves publication num's ledger record is in the
// transparency log at the latest checkpoint a quorum cosigned; nil while
// no such checkpoint covers it (the file verifies without it).
func (n *Node) publicationLogProof(member string, num uint64) *publication.LogProof {
	if n.tlog == nil {
		return nil
	}
	qc, err := n.quorumCheckpoint(member)
	if err != nil {
		return nil
	}
	qc = n.withWitnesses(qc)
	tagged, err := n.tlog.log.Tagged(translog.ChainOfPublications)
	if err != nil {
		return nil
	}
	for _, i := range tagged {
		if i >= qc.Checkpoint.Size {
			break
		}
		data, err := n.tlog.log.Leaf(i)
		if err != nil {
			return nil
		}
		leaf, err := translog.DecodeLeaf(data)
		if err != nil {
			return nil
		}
		var rec contract.PublicationRecord
		if json.Unmarshal(leaf.Value, &rec) != nil || rec.Header.Number != num {
			continue
		}
		proof, err := n.tlog.log.InclusionProof(i, qc.Checkpoint.Size)
		if err != nil {
			return nil
		}
		lp := &publication.LogProof{Checkpoint: string(qc.Note), Index: i, Leaf: base64.StdEncoding.EncodeToString(data)}
		for _, h := range proof {
			lp.Proof = append(lp.Proof, base64.StdEncoding.EncodeToString(h[:]))
		}
		return lp
	}
	return nil
}
