package contract

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// EventAttestations is the chaincode event name of accepted attestations.
const EventAttestations = "attestations"

// clockSkew is how far in the future of the transaction time an attestation's
// issuedAt may lie: bank clocks and the submitting client's differ a little.
const clockSkew = 5 * time.Minute

// Item refusal codes, in addition to attestation's parse codes.
const (
	ItemUnknownKey       = "unknown-key"
	ItemRevokedKey       = "revoked-key"
	ItemReporterMismatch = "reporter-mismatch"
)

// Keys of attestation records.
func defaultKey(subject, id string) string { return key("subj", subject, "d", id) }
func closureKey(subject, defaultID string) string {
	return key("subj", subject, "c", defaultID)
}
func attKey(id string) string                 { return key("att", id) }
func loanKey(reporter, loanRef string) string { return key("loan", reporter, loanRef) }
func closedKey(at, subject, id string) string { return key("closed", at, subject, id) }

// attIndex says where an attestation lives. Default is the default's id:
// the attestation itself for a default, the one it refers to otherwise.
type attIndex struct {
	Subject string `json:"subject"`
	Type    string `json:"type"`
	Default string `json:"default"`
	JWS     string `json:"jws"`
}

// withoutJWS is how a record is stored under the subject.
func withoutJWS(rec *Record) Record {
	r := *rec
	r.JWS = ""
	return r
}

// fillJWS puts a stored record's JWS back from its index.
func (tx *txn) fillJWS(rec *Record) error {
	var idx attIndex
	ok, err := getJSON(tx.st, attKey(rec.ID), &idx)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(CodeInternal, "attestation %s has no index entry", rec.ID)
	}
	rec.JWS = idx.JWS
	return nil
}

type loanIndex struct {
	ID string `json:"id"`
}

// marker is a closed/ index entry: what stopped counting, for retention.
// Kind is empty for a default and markerProtection for a protective
// registration.
type marker struct {
	Subject string `json:"subject"`
	ID      string `json:"id"`
	Kind    string `json:"kind,omitempty"`
}

const markerProtection = "protection"

func (c *Contract) submitAttestations(tx *txn, arg []byte) (any, error) {
	var req SubmitRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if len(req.Attestations) == 0 || len(req.Attestations) > MaxBatch {
		return nil, errorf(CodeInvalidArgument, "attestations: between 1 and %d per transaction, got %d", MaxBatch, len(req.Attestations))
	}
	// The association's config and the creator's member record, which
	// activeCreator reads next: together (state.Prefetcher).
	state.Prefetch(tx.st, []string{configKey(), memberKey(tx.creator)})
	creator, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	// The items' checks that read nothing (parsing, signature, creator's
	// key) come first, so that the point keys the accepted ones will read
	// can be announced together: on Fabric one GetMultipleStates instead
	// of a round trip to the peer per key (state.Prefetcher, decision
	// 0027). The results are those of checking each item in turn.
	checked := make([]checkedItem, len(req.Attestations))
	var reads []string
	withDefault := false
	for i, jws := range req.Attestations {
		checked[i] = c.checkItem(tx, creator, jws)
		reads = checked[i].pointReads(creator, reads)
		withDefault = withDefault || checked[i].refused == nil && checked[i].parsed.Payload.Type == attestation.TypeDefault
	}
	if withDefault && tx.policy == nil {
		// A default's result says whether it lists (getPolicy).
		reads = append(reads, policyKey())
	}
	state.Prefetch(tx.st, reads)
	res := SubmitResult{Results: make([]ItemResult, len(req.Attestations))}
	var events []AttestationEvent
	for i := range checked {
		item := tx.st.Child()
		r, ev := c.submitOne(tx, item, creator, &checked[i])
		r.Index = i
		res.Results[i] = r
		switch r.Status {
		case ItemAccepted:
			item.Merge()
			res.Accepted++
			events = append(events, *ev)
		case ItemDuplicate:
			res.Duplicates++
		default:
			res.Rejected++
		}
	}
	if len(events) > 0 {
		b, err := json.Marshal(events)
		if err != nil {
			return nil, err
		}
		if err := tx.st.SetEvent(EventAttestations, b); err != nil {
			return nil, err
		}
	}
	return res, nil
}

func rejected(p *attestation.Parsed, err error) ItemResult {
	r := ItemResult{Status: ItemRejected, Code: CodeInternal, Message: err.Error()}
	if p != nil {
		r.ID, r.Type = p.ID, p.Payload.Type
	}
	var ae *attestation.Error
	var ce *Error
	switch {
	case errors.As(err, &ae):
		r.Code, r.Message = ae.Code, ae.Msg
	case errors.As(err, &ce):
		r.Code, r.Message = ce.Code, ce.Msg
	}
	return r
}

// checkedItem is one attestation of a batch after the checks that read
// no state: parsed is nil when it did not parse, and refused is set when
// those checks refused it.
type checkedItem struct {
	parsed  *attestation.Parsed
	refused *ItemResult
}

// checkItem parses the attestation (or takes it from Preverified) and
// authenticates it against the creator's keys.
func (c *Contract) checkItem(tx *txn, creator *Member, jws string) checkedItem {
	pre, ok := c.Preverified.take(jws)
	p := pre.parsed
	if !ok {
		var err error
		if p, err = attestation.Parse(jws); err != nil {
			r := rejected(nil, err)
			return checkedItem{refused: &r}
		}
	}
	if err := c.authenticate(tx, creator, p, pre.keyPEM); err != nil {
		r := rejected(p, err)
		return checkedItem{parsed: p, refused: &r}
	}
	return checkedItem{parsed: p}
}

// pointReads appends the point keys that recording the item reads from
// the ledger (recordDefault, recordClosure), for Prefetch. A default
// always reads its attestation index and its loan; a closure the index of
// the default it refers to and, when that default is on the ledger under
// the closure's subject (every closure that can be accepted), the
// default's record and its closure slot. A closure refused by those
// reads may so leave one or two keys in a Fabric read set that it did not
// read: validation can only be stricter for that, never answer
// differently. The scans (a default's protections, a closure's disputes)
// are not point reads.
func (it *checkedItem) pointReads(creator *Member, keys []string) []string {
	if it.refused != nil {
		return keys
	}
	a := it.parsed.Payload
	if a.Type == attestation.TypeDefault {
		if !creator.hasRole(RoleReporter) {
			return keys
		}
		return append(keys, attKey(it.parsed.ID), loanKey(creator.MSPID, a.LoanRef))
	}
	keys = append(keys, attKey(a.RefersTo))
	if checkSubject(a.Subject) != nil || checkSubject(a.RefersTo) != nil {
		return keys
	}
	return append(keys, defaultKey(a.Subject, a.RefersTo), closureKey(a.Subject, a.RefersTo))
}

// submitOne records one checked attestation in its own overlay.
func (c *Contract) submitOne(tx *txn, st *state.Overlay, creator *Member, it *checkedItem) (ItemResult, *AttestationEvent) {
	if it.refused != nil {
		return *it.refused, nil
	}
	p := it.parsed
	var dup bool
	var err error
	switch p.Payload.Type {
	case attestation.TypeDefault:
		dup, err = c.recordDefault(tx, st, creator, p)
	default:
		dup, err = c.recordClosure(tx, st, creator, p)
	}
	if err != nil {
		return rejected(p, err), nil
	}
	r := ItemResult{ID: p.ID, Type: p.Payload.Type, Status: ItemAccepted}
	if p.Payload.Type == attestation.TypeDefault {
		pol, err := tx.getPolicy()
		if err != nil {
			return rejected(p, err), nil
		}
		listed, t := pol.threshold(p.Payload)
		r.Listed, r.BelowThreshold = &listed, t
		// Identity-theft victims' loans are the typical wrongful
		// defaults: the filing stands, and its reporter is told.
		prots, err := loadProtections(st, p.Payload.Subject)
		if err != nil {
			return rejected(p, err), nil
		}
		if protectedAt(prots, FormatTime(tx.now)) != nil {
			r.Warnings = []string{WarningSubjectProtected}
		}
	}
	if dup {
		r.Status = ItemDuplicate
		return r, nil
	}
	return r, &AttestationEvent{ID: p.ID, Type: p.Payload.Type, Subject: p.Payload.Subject,
		Reporter: p.Payload.Reporter, RefersTo: p.Payload.RefersTo}
}

// authenticate ties the attestation to the transaction's creator and one of
// its registered, unrevoked keys. verifiedWith is the PEM of a key the
// signature was already checked against, if any.
func (c *Contract) authenticate(tx *txn, creator *Member, p *attestation.Parsed, verifiedWith string) error {
	if p.Payload.Reporter != creator.MSPID {
		return errorf(ItemReporterMismatch, "payload reporter %s is not the submitting member %s", p.Payload.Reporter, creator.MSPID)
	}
	var k *Key
	for i := range creator.Keys {
		if creator.Keys[i].KID == p.KeyID {
			k = &creator.Keys[i]
		}
	}
	if k == nil {
		return errorf(ItemUnknownKey, "%s has no registered key %q", creator.MSPID, p.KeyID)
	}
	if k.Status != KeyActive {
		return errorf(ItemRevokedKey, "key %s of %s was revoked at %s", k.KID, creator.MSPID, k.RevokedAt)
	}
	if verifiedWith != k.PublicKey {
		pub, err := c.publicKey(k.PublicKey)
		if err != nil {
			return errorf(CodeInternal, "registered key %s cannot be parsed: %v", k.KID, err)
		}
		if err := p.Verify(pub); err != nil {
			return err
		}
	}
	if p.Payload.IssuedTime().After(tx.now.Add(clockSkew)) {
		return &attestation.Error{Code: attestation.CodeInvalidPayload,
			Msg: "issuedAt " + p.Payload.IssuedAt + " is later than the ledger time " + FormatTime(tx.now)}
	}
	return nil
}

func newRecord(tx *txn, p *attestation.Parsed) Record {
	return Record{ID: p.ID, JWS: p.Compact, KeyID: p.KeyID, Payload: *p.Payload,
		RecordedAt: FormatTime(tx.now), TxID: tx.id}
}

// recordDefault enforces one default per (reporter, loanRef): the same
// payload again is a duplicate, another payload for the loan a conflict.
func (c *Contract) recordDefault(tx *txn, st *state.Overlay, creator *Member, p *attestation.Parsed) (bool, error) {
	if !creator.hasRole(RoleReporter) {
		return false, errorf(CodeForbidden, "%s does not have the reporter role", creator.MSPID)
	}
	var idx attIndex
	if ok, err := getJSON(st, attKey(p.ID), &idx); err != nil {
		return false, err
	} else if ok {
		var loan loanIndex
		if ok, err := getJSON(st, loanKey(creator.MSPID, p.Payload.LoanRef), &loan); err != nil {
			return false, err
		} else if ok && loan.ID == p.ID {
			return true, nil
		}
		return false, errorf(CodeConflict, "attestation %s was revoked; file a corrected attestation with a new issuedAt", p.ID)
	}
	var loan loanIndex
	if ok, err := getJSON(st, loanKey(creator.MSPID, p.Payload.LoanRef), &loan); err != nil {
		return false, err
	} else if ok {
		return false, errorf(CodeConflict, "loan %s already has default %s from %s; revoke it before filing another", p.Payload.LoanRef, loan.ID, creator.MSPID)
	}
	rec := newRecord(tx, p)
	return false, putAll(st, defaultWrites(&rec))
}

func defaultWrites(rec *Record) map[string]any {
	a := &rec.Payload
	return map[string]any{
		defaultKey(a.Subject, rec.ID):  withoutJWS(rec),
		attKey(rec.ID):                 attIndex{Subject: a.Subject, Type: a.Type, Default: rec.ID, JWS: rec.JWS},
		loanKey(a.Reporter, a.LoanRef): loanIndex{ID: rec.ID},
	}
}

// DefaultWrites returns the world-state entries that accepting the default
// rec writes, exactly as SubmitAttestations would. Data generators use it to
// build large ledgers quickly; it checks nothing, so it has no place on a
// path that takes input from members.
func DefaultWrites(rec *Record) (map[string][]byte, error) {
	out := map[string][]byte{}
	for k, v := range defaultWrites(rec) {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		out[k] = b
	}
	return out, nil
}

func putAll(st state.State, writes map[string]any) error {
	for k, v := range writes {
		if err := putJSON(st, k, v); err != nil {
			return err
		}
	}
	return nil
}

// recordClosure files a settlement or revocation: only by the default's
// reporter or the association, only once per default, and only while the
// default is active.
func (c *Contract) recordClosure(tx *txn, st *state.Overlay, creator *Member, p *attestation.Parsed) (bool, error) {
	var idx attIndex
	if ok, err := getJSON(st, attKey(p.Payload.RefersTo), &idx); err != nil {
		return false, err
	} else if !ok || idx.Type != attestation.TypeDefault {
		return false, errorf(CodeNotFound, "refersTo: no default %s on the ledger", p.Payload.RefersTo)
	}
	var def Record
	if ok, err := getJSON(st, defaultKey(idx.Subject, idx.Default), &def); err != nil {
		return false, err
	} else if !ok {
		return false, errorf(CodeNotFound, "refersTo: default %s has been purged", p.Payload.RefersTo)
	}
	if def.Payload.Reporter != creator.MSPID && !creator.Association {
		return false, errorf(CodeForbidden, "only %s (the reporter) or the association may %s default %s",
			def.Payload.Reporter, verbFor(p.Payload.Type), def.ID)
	}
	if p.Payload.Subject != def.Payload.Subject {
		return false, errorf(attestation.CodeInvalidPayload, "subject differs from the subject of default %s", def.ID)
	}
	var closure Record
	if ok, err := getJSON(st, closureKey(def.Payload.Subject, def.ID), &closure); err != nil {
		return false, err
	} else if ok {
		if closure.ID == p.ID {
			return true, nil
		}
		return false, errorf(CodeFailedPrecondition, "default %s is already %s by %s", def.ID, pastTense(closure.Payload.Type), closure.ID)
	}
	overturned, err := c.overturnedAt(st, def.Payload.Subject, def.ID)
	if err != nil {
		return false, err
	}
	if overturned != "" {
		return false, errorf(CodeFailedPrecondition, "default %s was overturned by an upheld dispute", def.ID)
	}
	if p.Payload.Type == attestation.TypeSettlement && p.Payload.SettledOn < def.Payload.OverdueSince {
		return false, errorf(attestation.CodeInvalidPayload, "settledOn %s is before the default's overdueSince %s", p.Payload.SettledOn, def.Payload.OverdueSince)
	}
	rec := newRecord(tx, p)
	writes := map[string]any{
		closureKey(def.Payload.Subject, def.ID):                withoutJWS(&rec),
		attKey(p.ID):                                           attIndex{Subject: def.Payload.Subject, Type: p.Payload.Type, Default: def.ID, JWS: rec.JWS},
		closedKey(rec.RecordedAt, def.Payload.Subject, def.ID): marker{Subject: def.Payload.Subject, ID: def.ID},
	}
	if err := putAll(st, writes); err != nil {
		return false, err
	}
	if p.Payload.Type == attestation.TypeRevocation {
		// A revoked default frees its loan so the reporter can file a
		// corrected one.
		return false, st.Delete(loanKey(def.Payload.Reporter, def.Payload.LoanRef))
	}
	return false, nil
}

func verbFor(typ string) string {
	if typ == attestation.TypeRevocation {
		return "revoke"
	}
	return "settle"
}

func pastTense(typ string) string {
	if typ == attestation.TypeRevocation {
		return "revoked"
	}
	return "settled"
}
