package evidence

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// clockSkew is the contract's tolerance for an issuedAt ahead of the ledger
// time; a key registered this little after issuedAt is still accepted.
const clockSkew = 5 * time.Minute

// memberRecord is the part of the contract's member record (package
// contract's Member) the verifier reads.
type memberRecord struct {
	MSPID string `json:"mspId"`
	Keys  []struct {
		KID          string `json:"kid"`
		PublicKey    string `json:"publicKey"`
		RegisteredAt string `json:"registeredAt"`
		RevokedAt    string `json:"revokedAt"`
	} `json:"keys"`
}

type run struct {
	b  *Bundle
	tr *TrustRoot
	t  Transcript
	cp *translog.OpenedCheckpoint
	// roots are the tree roots known good: the checkpoint's, and older
	// ones proven consistent with it.
	roots map[int64]translog.Hash
}

// Verify checks a bundle against a trust root, offline. It returns the
// transcript of every check made and, if any failed, a *Failure naming the
// first. A bundle verifies only if every check passed.
func Verify(b *Bundle, tr *TrustRoot) (*Transcript, error) {
	if b == nil || tr == nil {
		return &Transcript{}, errors.New("no bundle or no trust root")
	}
	r := &run{b: b, tr: tr, roots: map[int64]translog.Hash{}}
	r.verify()
	for i, c := range r.t.Checks {
		if !c.OK {
			return &r.t, &Failure{Index: i, Check: c}
		}
	}
	if len(r.t.Checks) == 0 {
		return &r.t, errors.New("nothing was checked")
	}
	return &r.t, nil
}

func (r *run) add(step string, what, against Text, ok bool, result Text) bool {
	r.t.Checks = append(r.t.Checks, Check{Step: step, What: what, Against: against, OK: ok, Result: result})
	return ok
}

func errText(err error) Text { return text("r.error", err) }

func (r *run) verify() {
	tr, b := r.tr, r.b
	if err := tr.check(); !r.add("trust-root", text("w.trust-root"), text("a.trust-root", tr.Origin, len(tr.Organisations), tr.Quorum), err == nil, resultOf(err, text("r.ok"))) {
		return
	}
	against := text("a.media-type", MediaType)
	switch {
	case b.MediaType != MediaType:
		r.add("format", text("w.format", b.AttestationID), against, false, text("r.media-type", b.MediaType, MediaType))
		return
	case b.Mode != tr.Mode:
		r.add("format", text("w.format", b.AttestationID), against, false, text("r.mode", b.Mode, tr.Mode))
		return
	}
	r.add("format", text("w.format", b.AttestationID), against, true, text("r.format-ok", MediaType, b.Mode, tr.Origin))
	if !r.checkpoint() {
		return
	}
	r.consistency()
	chain := translog.ChainOfAttestation(b.AttestationID)
	r.records(b.Records, chain, b.RecordsHead, true)
	r.records(b.KeyRecords, translog.ChainOfMember(b.Reporter), b.KeyRecordsHead, false)
	r.signatures()
	r.content()
	if tr.Mode == translog.ModeFabric {
		r.fabric()
	}
}

func resultOf(err error, ok Text) Text {
	if err != nil {
		return errText(err)
	}
	return ok
}

// checkpoint opens the signed checkpoint with the trust root's log keys.
func (r *run) checkpoint() bool {
	var known []translog.OrgKey
	for _, o := range r.tr.Organisations {
		for _, k := range o.LogKeys {
			known = append(known, translog.OrgKey{Org: o.ID, Verifier: k})
		}
	}
	cp, err := translog.OpenCheckpoint([]byte(r.b.Checkpoint), known)
	var invalid *translog.InvalidSignatureError
	if errors.As(err, &invalid) {
		id := translog.KeyID(invalid.KeyName, invalid.KeyHash)
		return r.add("checkpoint-signature", text("w.cp-signature", invalid.Org), text("a.log-key", id, invalid.Org), false,
			text("r.bad-signature", invalid.Org, id, invalid.Org))
	}
	if err != nil {
		return r.add("checkpoint", text("w.checkpoint", "?", "?", "?"), text("a.log-keys"), false, errText(err))
	}
	c := cp.Checkpoint
	what := text("w.checkpoint", c.Origin, c.Size, c.Root)
	if c.Origin != r.tr.Origin {
		return r.add("checkpoint", what, text("a.log-keys"), false, text("r.origin", c.Origin, r.tr.Origin))
	}
	r.add("checkpoint", what, text("a.log-keys"), true, text("r.ok"))
	for _, s := range cp.Signers {
		id := translog.KeyID(s.KeyName, s.KeyHash)
		r.add("checkpoint-signature", text("w.cp-signature", s.Org), text("a.log-key", id, s.Org), true, text("r.signed-valid", id))
	}
	ok := true
	for _, u := range cp.Unknown {
		id := translog.KeyID(u.KeyName, u.KeyHash)
		ok = r.add("checkpoint-unknown-signer", text("w.cp-unknown", id), text("a.log-keys"), false, text("r.unknown-key", id)) && ok
	}
	orgs := strings.Join(cp.Orgs, ", ")
	if len(cp.Orgs) < r.tr.Quorum {
		ok = r.add("checkpoint-quorum", text("w.quorum"), text("a.quorum", r.tr.Quorum), false, text("r.quorum-short", len(cp.Orgs), orgs, r.tr.Quorum)) && ok
	} else {
		r.add("checkpoint-quorum", text("w.quorum"), text("a.quorum", r.tr.Quorum), true, text("r.quorum-met", len(cp.Orgs), orgs, r.tr.Quorum))
	}
	res := text("r.reporter-out")
	if cp.SignedBy(r.b.Reporter) {
		res = text("r.reporter-in", len(cp.Orgs)-1)
	}
	r.add("checkpoint-reporter", text("w.reporter-signed", r.b.Reporter), text("a.none"), true, res)
	// The bundle's own statement of who signed, when it makes one, must be
	// what was verified: a reader of the JSON should not be told more than
	// the signatures say.
	stated := append([]string(nil), r.b.Cosigners...)
	sort.Strings(stated)
	if r.b.Cosigners != nil && (strings.Join(stated, ", ") != orgs || r.b.ReporterCosigned != cp.SignedBy(r.b.Reporter)) {
		ok = r.add("checkpoint-cosigners", text("w.cosigners"), text("a.none"), false,
			text("r.cosigners-differ", strings.Join(stated, ", "), r.b.ReporterCosigned, orgs)) && ok
	}
	r.cp = cp
	r.roots[c.Size] = c.Root
	return ok
}

func (r *run) consistency() {
	c := r.cp.Checkpoint
	for _, p := range r.b.Consistency {
		err := translog.VerifyConsistency(p.Proof, p.FromSize, p.FromRoot, c.Size, c.Root)
		if r.add("consistency", text("w.consistency", p.FromSize), text("a.checkpoint", c.Size), err == nil, resultOf(err, text("r.consistent"))) {
			r.roots[p.FromSize] = p.FromRoot
		}
	}
}

// recordText names a record and its ledger position.
func recordText(index int64, l translog.Leaf) Text {
	p := l.Position
	if p.Mode == translog.ModeFabric {
		return text("w.inclusion-fabric", index, l.Kind, l.RecordID(), p.Block, p.TxIndex)
	}
	return text("w.inclusion", index, l.Kind, l.RecordID(), p.Height)
}

// records checks each record's inclusion, the chain links between them and
// that the last is the chain's head. attestations says the chain must start
// with the default itself; a member chain may start anywhere.
func (r *run) records(recs []Record, chain string, head translog.HeadProof, attestations bool) {
	if len(recs) == 0 {
		r.add("completeness", text("w.completeness", chain, "-"), text("a.heads", "?"), false, text("r.no-records"))
		return
	}
	for i, rec := range recs {
		l := rec.Leaf
		what := recordText(rec.LeafIndex, l)
		h, err := l.Hash()
		if err != nil {
			r.add("inclusion", what, text("a.checkpoint", rec.TreeSize), false, text("r.bad-leaf", err))
			continue
		}
		root, ok := r.roots[rec.TreeSize]
		if !ok {
			r.add("inclusion", what, text("a.checkpoint", rec.TreeSize), false, text("r.no-older-root", rec.TreeSize))
			continue
		}
		against := text("a.checkpoint", rec.TreeSize)
		if rec.TreeSize != r.cp.Checkpoint.Size {
			against = text("a.older-root", root, rec.TreeSize)
		}
		if err := translog.VerifyInclusion(rec.InclusionProof, rec.LeafIndex, rec.TreeSize, h, root); err != nil {
			r.add("inclusion", what, against, false, text("r.not-included"))
		} else {
			r.add("inclusion", what, against, true, text("r.included", len(rec.InclusionProof)))
		}
		if l.Chain() != chain {
			r.add("chain-link", text("w.chain-link", rec.LeafIndex, "-", chain), text("a.prev"), false, text("r.foreign", l.Chain(), chain))
			continue
		}
		if i == 0 {
			if attestations {
				ok := l.Prev == nil && l.Kind == translog.KindDefault && l.RecordID() == r.b.AttestationID
				res := text("r.first")
				if !ok {
					res = text("r.not-first", l.Kind, l.RecordID(), prevString(l.Prev), r.b.AttestationID)
				}
				r.add("chain-link", text("w.chain-first", r.b.AttestationID), text("a.prev"), ok, res)
			}
			continue
		}
		prev := recs[i-1].LeafIndex
		linked := l.Prev != nil && int64(*l.Prev) == prev
		res := text("r.linked")
		if !linked {
			res = text("r.gap", prevString(l.Prev), prev)
		}
		r.add("chain-link", text("w.chain-link", rec.LeafIndex, prev, chain), text("a.prev"), linked, res)
	}
	last := recs[len(recs)-1].LeafIndex
	what := text("w.completeness", chain, last)
	heads := r.cp.Checkpoint.Heads
	n := "0"
	if heads != nil {
		n = fmt.Sprint(heads.Size)
	}
	against := text("a.heads", n)
	switch err := translog.VerifyHead(head, heads); {
	case err != nil:
		r.add("completeness", what, against, false, errText(err))
	case head.Head.Chain != chain:
		r.add("completeness", what, against, false, text("r.head-other-chain", head.Head.Chain))
	case int64(head.Head.Index) != last:
		r.add("completeness", what, against, false, text("r.incomplete", head.Head.Index, last))
	default:
		r.add("completeness", what, against, true, text("r.complete", head.Head.Index))
	}
}

func prevString(p *uint64) string {
	if p == nil {
		return "none"
	}
	return fmt.Sprint(*p)
}

// keyState is what the member records say about one key.
type keyState struct {
	pem          string
	registeredAt string
	revokedAt    string
	// firstAt is the leaf index of the first member record listing it.
	firstAt int64
	found   bool
}

// key reads kid's history from the bundle's member records: its first
// listing, and its state in the last (head) version.
func (r *run) key(kid string) keyState {
	var ks keyState
	for _, rec := range r.b.KeyRecords {
		var m memberRecord
		if json.Unmarshal(rec.Leaf.Value, &m) != nil || rec.Leaf.Kind != translog.KindMember {
			continue
		}
		for _, k := range m.Keys {
			if k.KID != kid {
				continue
			}
			if !ks.found {
				ks.found, ks.firstAt = true, rec.LeafIndex
			}
			ks.pem, ks.registeredAt, ks.revokedAt = k.PublicKey, k.RegisteredAt, k.RevokedAt
		}
	}
	return ks
}

// signatures checks every attestation record's JWS with the reporter's key
// as its member records show it, and the key's validity at issuedAt.
func (r *run) signatures() {
	if len(r.b.KeyRecords) > 0 {
		first := r.b.KeyRecords[0]
		if def := r.firstDefault(); def != nil {
			ks := r.key(def.KeyID)
			var m memberRecord
			_ = json.Unmarshal(first.Leaf.Value, &m)
			listed := false
			for _, k := range m.Keys {
				listed = listed || k.KID == def.KeyID
			}
			res := text("r.key-listed", def.KeyID, ks.registeredAt)
			if !listed {
				res = text("r.key-not-listed", def.KeyID)
			}
			r.add("key-chain", text("w.key-chain-first", def.KeyID), text("a.member-key", def.KeyID, r.b.Reporter, first.LeafIndex), listed, res)
		}
	}
	for _, rec := range r.b.Records {
		l := rec.Leaf
		switch l.Kind {
		case translog.KindDefault, translog.KindSettlement, translog.KindRevocation:
		default:
			continue
		}
		p, err := attestation.Parse(l.JWS())
		if err != nil {
			r.add("jws-signature", text("w.jws", l.Kind, l.RecordID(), "?"), text("a.none"), false, text("r.jws-invalid", err))
			continue
		}
		r.recordMatches(rec, p)
		ks := r.key(p.KeyID)
		if !ks.found {
			r.add("jws-signature", text("w.jws", l.Kind, p.ID, p.KeyID), text("a.none"), false, text("r.key-unknown", r.b.Reporter, p.KeyID))
			continue
		}
		against := text("a.member-key", p.KeyID, r.b.Reporter, ks.firstAt)
		pub, err := attestation.ParsePublicKeyPEM(ks.pem)
		if err == nil {
			err = p.Verify(pub)
		}
		if !r.add("jws-signature", text("w.jws", l.Kind, p.ID, p.KeyID), against, err == nil, resultOf(err, text("r.jws-valid", r.b.Reporter))) {
			continue
		}
		r.keyValid(rec, p, ks)
		r.trustRootKey(p, pub, ks)
	}
}

func (r *run) firstDefault() *attestation.Parsed {
	for _, rec := range r.b.Records {
		if rec.Leaf.Kind == translog.KindDefault {
			if p, err := attestation.Parse(rec.Leaf.JWS()); err == nil {
				return p
			}
		}
	}
	return nil
}

// recordMatches checks that the leaf is the attestation it holds: its key
// names the signed payload's id, its kind the payload's type, and the
// payload's reporter and default are the bundle's.
func (r *run) recordMatches(rec Record, p *attestation.Parsed) {
	l := rec.Leaf
	what := text("w.record-id", rec.LeafIndex, p.ID)
	against := text("a.jws-payload")
	var ledger, signed []string
	mismatch := func(field, l, s string) {
		if l != s {
			ledger, signed = append(ledger, field+" "+l), append(signed, field+" "+s)
		}
	}
	mismatch("id", l.RecordID(), p.ID)
	mismatch("type", l.Kind, p.Payload.Type)
	mismatch("reporter", r.b.Reporter, p.Payload.Reporter)
	if l.Kind != translog.KindDefault {
		mismatch("refersTo", r.b.AttestationID, p.Payload.RefersTo)
	}
	if len(ledger) > 0 {
		r.add("record-id", what, against, false, text("r.id-mismatch", strings.Join(ledger, ", "), strings.Join(signed, ", ")))
		return
	}
	r.add("record-id", what, against, true, text("r.id-ok"))
}

func parseTime(s string) (time.Time, bool) {
	t, err := time.Parse(time.RFC3339Nano, s)
	return t, err == nil
}

func (r *run) keyValid(rec Record, p *attestation.Parsed, ks keyState) {
	issued := p.Payload.IssuedTime()
	what := text("w.key-valid", p.KeyID, r.b.Reporter, p.Payload.IssuedAt)
	against := text("a.member-key", p.KeyID, r.b.Reporter, r.b.KeyRecords[len(r.b.KeyRecords)-1].LeafIndex)
	reg, ok := parseTime(ks.registeredAt)
	switch {
	case !ok:
		r.add("key-validity", what, against, false, text("r.error", "registeredAt "+ks.registeredAt+" is not a time"))
	case reg.After(issued.Add(clockSkew)):
		r.add("key-validity", what, against, false, text("r.key-later", p.KeyID, ks.registeredAt, p.Payload.IssuedAt))
	case ks.revokedAt != "":
		rev, ok := parseTime(ks.revokedAt)
		if !ok || !rev.After(issued) {
			r.add("key-validity", what, against, false, text("r.key-revoked", p.KeyID, ks.revokedAt, p.Payload.IssuedAt))
		} else {
			r.add("key-validity", what, against, true, text("r.key-valid", ks.registeredAt, text("r.revoked-later", ks.revokedAt).String()))
		}
	default:
		r.add("key-validity", what, against, true, text("r.key-valid", ks.registeredAt, text("r.not-revoked").String()))
	}
	ok = ks.firstAt < rec.LeafIndex
	res := text("r.key-first-at", ks.firstAt)
	if !ok {
		res = text("r.key-after", ks.firstAt, rec.LeafIndex)
	}
	r.add("key-registration", text("w.key-before", p.KeyID, rec.LeafIndex), text("a.member-key", p.KeyID, r.b.Reporter, ks.firstAt), ok, res)
}

// trustRootKey compares the ledger's key with the trust root's entry for it.
func (r *run) trustRootKey(p *attestation.Parsed, pub *ecdsa.PublicKey, ks keyState) {
	what := text("w.trust-root-key", p.KeyID, r.b.Reporter)
	against := text("a.trust-key", p.KeyID)
	org, ok := r.tr.Organisation(r.b.Reporter)
	if !ok {
		r.add("trust-root-key", what, against, false, text("r.unknown-msp", r.b.Reporter))
		return
	}
	for _, k := range org.SigningKeys {
		if k.KID != p.KeyID {
			continue
		}
		tpub, err := ParseJWK(k.JWK)
		if err != nil || !pub.Equal(tpub) {
			r.add("trust-root-key", what, against, false, text("r.trust-other-key", p.KeyID))
			return
		}
		if ledgerReg, ok1 := parseTime(ks.registeredAt); ok1 {
			if trustReg, ok2 := parseTime(k.RegisteredAt); !ok2 || !trustReg.Equal(ledgerReg) {
				r.add("trust-root-key", what, against, false, text("r.trust-other-registration", p.KeyID, k.RegisteredAt, ks.registeredAt))
				return
			}
		}
		if k.RevokedAt != "" {
			if rev, ok := parseTime(k.RevokedAt); !ok || !rev.After(p.Payload.IssuedTime()) {
				r.add("trust-root-key", what, against, false, text("r.trust-revoked", p.KeyID, k.RevokedAt, p.Payload.IssuedAt))
				return
			}
		}
		r.add("trust-root-key", what, against, true, text("r.trust-agrees"))
		return
	}
	r.add("trust-root-key", what, against, true, text("r.trust-not-listed"))
}
