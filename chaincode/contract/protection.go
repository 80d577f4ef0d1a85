package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"slices"
	"strings"
	"time"

	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// Protective registration (identity-theft victims): a member, on a
// subject's behalf, or the association flags a subject whose identity
// documents were lost or stolen, so that every lender verifies identity
// more carefully before lending in that name. A protection never lists
// anyone and never blocks a filing: a default filed on a protected subject
// is accepted with the warning WarningSubjectProtected for its reporter,
// since fraud victims' loans are the typical wrongful defaults.
//
// Each registration is its own record under the subject's keys,
//
//	subj/<subject>/r/<protectionId>
//
// so that the status scan that computes listing reads it too, and no
// aggregate key is shared with anything else. At most one registration of
// a subject is in force at a time: from Since to Until (the transaction
// time of registration plus the policy's ProtectionMonths; a renewal moves
// Until to its own time plus the period) unless removed earlier. A
// registration that ended (expired or removed) stays in the history for
// the policy's retention and is then purged by PurgeExpired through the
// same closed/<time>/… index as defaults: each registration has exactly
// one closed/ entry, at its current end (Until, or the removal time).

// EventProtections is the chaincode event of protection changes.
const EventProtections = "protections"

// DefaultProtectionMonths is the protection period when the policy leaves
// ProtectionMonths 0.
const DefaultProtectionMonths = 13

// WarningSubjectProtected is the warning on a default accepted for a
// subject under protection.
const WarningSubjectProtected = "subject-protected"

// Protection reason codes: why the subject's identity is at risk. A closed
// list, so that the ledger never holds a case narrative.
const (
	// ProtectionDocumentsLost: identity documents were lost.
	ProtectionDocumentsLost = "documents-lost"
	// ProtectionDocumentsStolen: identity documents were stolen.
	ProtectionDocumentsStolen = "documents-stolen"
	// ProtectionImpersonation: credit was already sought or obtained in
	// the subject's name by someone else.
	ProtectionImpersonation = "impersonation"
	// ProtectionDataBreach: the subject's identity data were exposed in a
	// breach.
	ProtectionDataBreach = "data-breach"
)

// ProtectionReasons lists the reason codes in the order documents show them.
var ProtectionReasons = []string{ProtectionDocumentsLost, ProtectionDocumentsStolen, ProtectionImpersonation, ProtectionDataBreach}

// Protection actions, as events carry them.
const (
	ProtectionRegistered = "registered"
	ProtectionRenewed    = "renewed"
	ProtectionRemoved    = "removed"
)

// Protection states, computed when read.
const (
	ProtectionActive  = "active"
	ProtectionExpired = "expired"
	ProtectionEnded   = "removed"
)

// RegisterProtectionRequest is the argument of RegisterProtection.
type RegisterProtectionRequest struct {
	Subject    string `json:"subject"`
	ReasonCode string `json:"reasonCode"`
	// CaseRef is the lower-case hex SHA-256 of the registering member's
	// case reference: never the reference or any case text itself.
	CaseRef string `json:"caseRef"`
}

// ProtectionRequest is the argument of RenewProtection, RemoveProtection
// and ListProtections.
type ProtectionRequest struct {
	Subject string `json:"subject"`
}

// Protection is one registration.
type Protection struct {
	ID           string `json:"id"`
	Subject      string `json:"subject"`
	RegisteredBy string `json:"registeredBy"`
	ReasonCode   string `json:"reasonCode"`
	CaseRef      string `json:"caseRef"`
	Since        string `json:"since"`
	Until        string `json:"until"`
	Renewals     int    `json:"renewals,omitempty"`
	RenewedAt    string `json:"renewedAt,omitempty"`
	RemovedBy    string `json:"removedBy,omitempty"`
	RemovedAt    string `json:"removedAt,omitempty"`
	TxID         string `json:"txId"`
	// State is computed when read: active, expired or removed.
	State string `json:"state,omitempty"`
}

// Protected is what a status or history answer says of a subject under
// protection; absent when there is none in force.
type Protected struct {
	Since      string `json:"since"`
	Until      string `json:"until"`
	ReasonCode string `json:"reasonCode"`
}

// Protections is ListProtections' answer: the protection in force, if any,
// and every registration still within retention, newest first.
type Protections struct {
	Subject     string       `json:"subject"`
	Protected   *Protected   `json:"protected,omitempty"`
	Protections []Protection `json:"protections"`
}

// ProtectionEvent is the payload of the "protections" event.
type ProtectionEvent struct {
	ID         string `json:"id"`
	Subject    string `json:"subject"`
	Action     string `json:"action"`
	By         string `json:"by"`
	ReasonCode string `json:"reasonCode"`
	Since      string `json:"since"`
	Until      string `json:"until"`
}

func protectionKey(subject, id string) string { return key("subj", subject, "r", id) }

// ProtectionPeriod is the policy's protection period in months.
func (p *Policy) ProtectionPeriod() int {
	if p.ProtectionMonths > 0 {
		return p.ProtectionMonths
	}
	return DefaultProtectionMonths
}

// end is when the registration stopped (or will stop) being in force.
func (r *Protection) end() string {
	if r.RemovedAt != "" && r.RemovedAt < r.Until {
		return r.RemovedAt
	}
	return r.Until
}

// inForce reports whether the registration protects its subject at now:
// Since <= now < Until and not removed. At Until exactly it has expired.
func (r *Protection) inForce(now string) bool {
	return r.RemovedAt == "" && r.Since <= now && now < r.Until
}

func (r *Protection) markState(now string) {
	switch {
	case r.RemovedAt != "":
		r.State = ProtectionEnded
	case r.inForce(now):
		r.State = ProtectionActive
	default:
		r.State = ProtectionExpired
	}
}

// protectedAt returns the registration in force at now among prots, or nil.
func protectedAt(prots []Protection, now string) *Protected {
	for i := range prots {
		if prots[i].inForce(now) {
			return &Protected{Since: prots[i].Since, Until: prots[i].Until, ReasonCode: prots[i].ReasonCode}
		}
	}
	return nil
}

// loadProtections reads a subject's registrations, in key order.
func loadProtections(st state.State, subject string) ([]Protection, error) {
	var out []Protection
	err := st.Scan("subj", []string{subject, "r"}, func(_ string, v []byte) error {
		var r Protection
		if err := fastjson.Unmarshal(v, &r); err != nil {
			return err
		}
		out = append(out, r)
		return nil
	})
	return out, err
}

// active finds the subject's registration in force, refusing with
// CodeNotFound when there is none.
func (tx *txn) activeProtection(subject string) (*Protection, error) {
	prots, err := loadProtections(tx.st, subject)
	if err != nil {
		return nil, err
	}
	now := FormatTime(tx.now)
	for i := range prots {
		if prots[i].inForce(now) {
			return &prots[i], nil
		}
	}
	return nil, errorf(CodeNotFound, "subject %s has no protection in force", subject)
}

func (c *Contract) registerProtection(tx *txn, arg []byte) (any, error) {
	var req RegisterProtectionRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	creator, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if err := checkSubject(req.Subject); err != nil {
		return nil, err
	}
	if !slices.Contains(ProtectionReasons, req.ReasonCode) {
		return nil, errorf(CodeInvalidArgument, "reasonCode: %q is not one of %s", req.ReasonCode, strings.Join(ProtectionReasons, ", "))
	}
	if !IsHexDigest(req.CaseRef) {
		return nil, errorf(CodeInvalidArgument, "caseRef: must be the lower-case hex SHA-256 of the case reference, never the reference itself")
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	if cur, err := tx.activeProtection(req.Subject); err == nil {
		// The registrant is not named: the conflict should not tell a
		// member where the subject banks.
		return nil, errorf(CodeConflict, "subject %s is already protected until %s; the member that registered it or the association may renew it", req.Subject, cur.Until)
	} else if e, ok := err.(*Error); !ok || e.Code != CodeNotFound {
		return nil, err
	}
	sum := sha256.Sum256([]byte("protection\x00" + tx.id + "\x00" + req.Subject))
	r := Protection{ID: hex.EncodeToString(sum[:]), Subject: req.Subject, RegisteredBy: creator.MSPID,
		ReasonCode: req.ReasonCode, CaseRef: req.CaseRef, Since: FormatTime(tx.now),
		Until: FormatTime(tx.now.AddDate(0, p.ProtectionPeriod(), 0)), TxID: tx.id}
	if err := tx.saveProtection(&r, "", ProtectionRegistered); err != nil {
		return nil, err
	}
	r.State = ProtectionActive
	return r, nil
}

// changeProtection finds the registration in force and checks that the
// creator registered it or is the association.
func (tx *txn) changeProtection(arg []byte, what string) (*Protection, *Member, error) {
	var req ProtectionRequest
	if err := decode(arg, &req); err != nil {
		return nil, nil, err
	}
	creator, err := tx.activeCreator()
	if err != nil {
		return nil, nil, err
	}
	if err := checkSubject(req.Subject); err != nil {
		return nil, nil, err
	}
	r, err := tx.activeProtection(req.Subject)
	if err != nil {
		return nil, nil, err
	}
	if r.RegisteredBy != creator.MSPID && !creator.Association {
		return nil, nil, errorf(CodeForbidden, "only %s (which registered it) or the association may %s the protection of %s", r.RegisteredBy, what, req.Subject)
	}
	return r, creator, nil
}

func (c *Contract) renewProtection(tx *txn, arg []byte) (any, error) {
	r, _, err := tx.changeProtection(arg, "renew")
	if err != nil {
		return nil, err
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	oldEnd := r.end()
	r.Until = FormatTime(tx.now.AddDate(0, p.ProtectionPeriod(), 0))
	r.Renewals++
	r.RenewedAt = FormatTime(tx.now)
	r.State = ""
	if err := tx.saveProtection(r, oldEnd, ProtectionRenewed); err != nil {
		return nil, err
	}
	r.State = ProtectionActive
	return r, nil
}

func (c *Contract) removeProtection(tx *txn, arg []byte) (any, error) {
	r, creator, err := tx.changeProtection(arg, "remove")
	if err != nil {
		return nil, err
	}
	oldEnd := r.end()
	r.RemovedAt, r.RemovedBy, r.State = FormatTime(tx.now), creator.MSPID, ""
	if err := tx.saveProtection(r, oldEnd, ProtectionRemoved); err != nil {
		return nil, err
	}
	r.State = ProtectionEnded
	return r, nil
}

// saveProtection writes the registration, moves its one closed/ entry from
// oldEnd (none for a new one) to its current end, and emits the event.
func (tx *txn) saveProtection(r *Protection, oldEnd, action string) error {
	if err := putJSON(tx.st, protectionKey(r.Subject, r.ID), r); err != nil {
		return err
	}
	if oldEnd != "" {
		if err := tx.st.Delete(closedKey(oldEnd, r.Subject, r.ID)); err != nil {
			return err
		}
	}
	if err := putJSON(tx.st, closedKey(r.end(), r.Subject, r.ID), marker{Subject: r.Subject, ID: r.ID, Kind: markerProtection}); err != nil {
		return err
	}
	b, err := json.Marshal(ProtectionEvent{ID: r.ID, Subject: r.Subject, Action: action, By: tx.creator,
		ReasonCode: r.ReasonCode, Since: r.Since, Until: r.end()})
	if err != nil {
		return err
	}
	return tx.st.SetEvent(EventProtections, b)
}

// listProtections answers a subject's registrations within retention; it
// is a read of the subject, open to those who may read statuses.
func (c *Contract) listProtections(tx *txn, arg []byte) (any, error) {
	var req ProtectionRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireQuerier(); err != nil {
		return nil, err
	}
	if err := checkSubject(req.Subject); err != nil {
		return nil, err
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	prots, err := loadProtections(tx.st, req.Subject)
	if err != nil {
		return nil, err
	}
	prots = visibleProtections(prots, p, tx.now)
	now := FormatTime(tx.now)
	out := Protections{Subject: req.Subject, Protected: protectedAt(prots, now), Protections: []Protection{}}
	for i := range prots {
		prots[i].markState(now)
		out.Protections = append(out.Protections, prots[i])
	}
	slices.SortStableFunc(out.Protections, func(a, b Protection) int { return strings.Compare(b.Since, a.Since) })
	return out, nil
}

// visibleProtections drops registrations that ended longer than the
// retention ago (PurgeExpired deletes them).
func visibleProtections(prots []Protection, p *Policy, now time.Time) []Protection {
	out := prots[:0]
	nowS := FormatTime(now)
	for _, r := range prots {
		end := r.end()
		if end > nowS || !p.expired(end, now) {
			out = append(out, r)
		}
	}
	return out
}

// purgeProtection deletes a registration whose end is past retention; it
// returns 1 when it deleted.
func (tx *txn) purgeProtection(subject, id string, p *Policy) (int, error) {
	var r Protection
	ok, err := getJSON(tx.st, protectionKey(subject, id), &r)
	if err != nil || !ok {
		return 0, err
	}
	end := r.end()
	if end > FormatTime(tx.now) || !p.expired(end, tx.now) {
		return 0, nil
	}
	for _, k := range []string{protectionKey(subject, id), closedKey(end, subject, id)} {
		if err := tx.st.Delete(k); err != nil {
			return 0, err
		}
	}
	return 1, nil
}
