package node

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Members' cosignatures of publications (fabric mode: each organisation's
// node signs only for its own organisation). On the same ticker as the
// log's cosigning, a node that cosigns for an organisation other than the
// association looks at the latest recorded publication; if its
// organisations have not cosigned it, it recomputes the publication from
// its own ledger copy as of the publication's height (viewAt), N-1's
// entries first when it does not have them, and compares the digest:
//
//   - the same: it signs the header with each organisation's log key and
//     submits CosignPublication;
//   - another: it refuses, submits ReportPublicationDivergence (from which
//     the association's node raises a publication-divergence alert) and
//     never cosigns that publication.
//
// The association's node merges the cosignatures on the ledger into the
// note it serves.

// ErrPublicationDiverged is returned once this node computed another
// publication than the association recorded.
var ErrPublicationDiverged = errors.New("this node computed another publication than the association recorded: it refuses to cosign it")

// CosignPublications cosigns the latest recorded publication for every
// organisation this node signs for that has not, after recomputing it.
func (n *Node) CosignPublications(ctx context.Context) error {
	if n.tlog == nil {
		return ErrNoLog
	}
	n.pubMu.Lock()
	defer n.pubMu.Unlock()
	orgs, err := n.logCosigners()
	if err != nil || len(orgs) == 0 {
		return err
	}
	reader := orgs[0]
	rec, _, err := evaluate(n, reader, contract.TxGetPublication, contract.PublicationRequest{})
	var ce *contract.Error
	if errors.As(err, &ce) && ce.Code == contract.CodeNotFound {
		return nil
	}
	if err != nil {
		return err
	}
	num := rec.Header.Number
	if n.pubDiverged == num {
		return ErrPublicationDiverged
	}
	sigs, _, err := evaluate(n, reader, contract.TxListPublicationCosignatures, contract.PublicationRequest{Number: num})
	if err != nil {
		return err
	}
	var own StoredPublication
	if _, err := store.View(n.db, pubKey(store.PublicationHeads, num), store.JSON(&own)); err != nil {
		return err
	}
	var need []string
	for _, org := range orgs {
		if slices.ContainsFunc(sigs, func(c contract.PublicationCosignature) bool { return c.MSPID == org }) ||
			(own.Header.Number == num && slices.Contains(own.Signers, org)) {
			continue
		}
		if m, _, err := evaluate(n, org, contract.TxGetMember, contract.MemberRequest{MSPID: org}); err != nil || m.Association || m.Status != contract.StatusActive {
			continue
		}
		need = append(need, org)
	}
	if len(need) == 0 {
		return nil
	}
	h, err := n.recompute(reader, rec)
	if err != nil {
		return fmt.Errorf("recomputing publication %d: %w", num, err)
	}
	if h.DigestString() != rec.Digest {
		n.pubDiverged = num
		n.logf("publication %d: this node computed digest %s (root %s, %d entries), the association recorded %s (root %s, %d entries); refusing to cosign and reporting it",
			num, h.DigestString(), h.Root, h.Count, rec.Digest, rec.Header.Root, rec.Header.Count)
		if _, _, err := submit(ctx, n, need[0], contract.TxReportPublicationDivergence, contract.ReportPublicationDivergenceRequest{Number: num, Digest: h.DigestString()}); err != nil {
			return fmt.Errorf("%w (reporting it failed: %v)", ErrPublicationDiverged, err)
		}
		return ErrPublicationDiverged
	}
	for _, org := range need {
		k, err := n.ensureLogKey(ctx, org)
		if err != nil {
			return err
		}
		note, err := publication.Sign(rec.Header, k.Signer)
		if err != nil {
			return err
		}
		_, lines, err := translog.SplitNote(note)
		if err != nil || len(lines) != 1 {
			return fmt.Errorf("signing publication %d: %v", num, err)
		}
		if _, _, err := submit(ctx, n, org, contract.TxCosignPublication, contract.CosignPublicationRequest{MSPID: org, Number: num, Signature: lines[0].Base64}); err != nil {
			return fmt.Errorf("%s cosigning publication %d: %w", org, num, err)
		}
	}
	return nil
}

// ensureLogKey loads org's log key and registers it if the ledger does not
// have it.
func (n *Node) ensureLogKey(ctx context.Context, org string) (translog.LogKey, error) {
	k, err := n.tlog.logKey(org)
	if err != nil {
		return k, err
	}
	keys, _, err := evaluate(n, org, contract.TxListLogKeys, contract.ListLogKeysRequest{MSPID: org})
	if err != nil {
		return k, err
	}
	if !slices.ContainsFunc(keys, func(lk contract.LogKey) bool { return lk.Verifier == k.Verifier }) {
		if _, _, err := submit(ctx, n, org, contract.TxRegisterLogKey, contract.RegisterLogKeyRequest{MSPID: org, Verifier: k.Verifier}); err != nil {
			return k, fmt.Errorf("registering %s's log key: %w", org, err)
		}
	}
	return k, nil
}

// recompute computes, from this node's ledger copy, the publication the
// association recorded as rec: N-1's entries as of N-1's height first
// (unless this node kept them with N-1's recorded digest), then N as of
// N's height, into this node's store.
func (n *Node) recompute(reader string, rec contract.PublicationRecord) (publication.Header, error) {
	num := rec.Header.Number
	meta := publication.Meta{Origin: n.tlog.origin, Number: num}
	if num > 1 {
		prev, _, err := evaluate(n, reader, contract.TxGetPublication, contract.PublicationRequest{Number: num - 1})
		if err != nil {
			return publication.Header{}, err
		}
		meta.Previous = &prev.Header
		var kept StoredPublication
		found, err := store.View(n.db, pubKey(store.PublicationHeads, num-1), store.JSON(&kept))
		if err != nil {
			return publication.Header{}, err
		}
		if !found || kept.Header.DigestString() != prev.Digest {
			pm := publication.Meta{Origin: n.tlog.origin, Number: 1}
			if _, err := n.computeInto(num-1, pm, false, false, n.viewFunc(prev.Header.LedgerHeight)); err != nil {
				return publication.Header{}, err
			}
		}
	}
	h, err := n.computeInto(num, meta, num > 1, true, n.viewFunc(rec.Header.LedgerHeight))
	if err != nil {
		return h, err
	}
	if h.DigestString() == rec.Digest {
		sp := StoredPublication{Header: h, Recorded: true, TxID: rec.TxID}
		if err := n.keepPublication(sp); err != nil {
			return h, err
		}
	}
	return h, nil
}

// viewFunc is viewAt(h) for computeInto.
func (n *Node) viewFunc(h uint64) func(func(state.State, ledger.At) error) error {
	return func(fn func(state.State, ledger.At) error) error { return n.viewAt(h, fn) }
}

// cosignedNote merges the cosignatures recorded on the ledger into sp's
// note, as served to agencies.
func (n *Node) cosignedNote(member string, sp StoredPublication) (string, []string, error) {
	sigs, _, err := evaluate(n, member, contract.TxListPublicationCosignatures, contract.PublicationRequest{Number: sp.Header.Number})
	if err != nil || len(sigs) == 0 {
		return sp.Note, sp.Signers, err
	}
	notes := [][]byte{[]byte(sp.Note)}
	signers := slices.Clone(sp.Signers)
	for _, cs := range sigs {
		if slices.Contains(signers, cs.MSPID) {
			continue
		}
		notes = append(notes, []byte(sp.Header.NoteText()+"\n"+cs.Line()))
		signers = append(signers, cs.MSPID)
	}
	merged, err := publication.Merge(notes...)
	if err != nil {
		return sp.Note, sp.Signers, err
	}
	slices.Sort(signers)
	return string(merged), signers, nil
}
