package contract

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// EventDisputes is the chaincode event name of dispute changes.
const EventDisputes = "disputes"

// IsHexDigest reports whether s is a SHA-256 digest in lower-case hex, the
// form of subject keys and record ids. It is on the path of every key of
// a batch lookup or watchlist import, where a regular expression cost
// more than the lookup.
func IsHexDigest(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !lowerHex[s[i]] {
			return false
		}
	}
	return true
}

// lowerHex marks the bytes of lower-case hex (a table: pools check a
// million keys).
var lowerHex = func() (t [256]bool) {
	for _, c := range "0123456789abcdef" {
		t[c] = true
	}
	return t
}()

func disputeIndexKey(id string) string { return key("dispute", id) }

type disputeIndex struct {
	Subject string `json:"subject"`
	State   string `json:"state"`
}

// DisputeEvent is the payload of the "disputes" chaincode event.
type DisputeEvent struct {
	ID            string `json:"id"`
	AttestationID string `json:"attestationId"`
	Subject       string `json:"subject"`
	Reporter      string `json:"reporter"`
	State         string `json:"state"`
}

func (c *Contract) openDispute(tx *txn, arg []byte) (any, error) {
	var req OpenDisputeRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if _, err := tx.activeCreator(); err != nil {
		return nil, err
	}
	if !disputeReasons[req.ReasonCode] {
		return nil, errorf(CodeInvalidArgument, "reasonCode: %q is not one of not-mine, amount-wrong, already-paid, no-notice, dates-wrong, other", req.ReasonCode)
	}
	if !IsHexDigest(req.StatementDigest) {
		return nil, errorf(CodeInvalidArgument, "statementDigest: must be the lower-case hex SHA-256 of the subject's statement")
	}
	if !IsHexDigest(req.AttestationID) {
		return nil, errorf(CodeInvalidArgument, "attestationId: must be 64 lower-case hex characters")
	}
	def, err := tx.visibleDefault(req.AttestationID)
	if err != nil {
		return nil, err
	}
	switch def.state(tx.policy) {
	case StateRevoked:
		return nil, errorf(CodeFailedPrecondition, "default %s was revoked by its reporter", def.rec.ID)
	case StateOverturned:
		return nil, errorf(CodeFailedPrecondition, "default %s is already overturned", def.rec.ID)
	}
	for _, d := range def.disputes {
		if d.State == DisputeOpen {
			return nil, errorf(CodeConflict, "default %s already has open dispute %s", def.rec.ID, d.ID)
		}
	}
	sum := sha256.Sum256([]byte("dispute\x00" + tx.id + "\x00" + req.AttestationID))
	d := Dispute{
		ID: hex.EncodeToString(sum[:]), AttestationID: def.rec.ID, Subject: def.rec.Payload.Subject,
		Reporter: def.rec.Payload.Reporter, OpenedBy: tx.creator, ReasonCode: req.ReasonCode,
		StatementDigest: req.StatementDigest, OpenedAt: FormatTime(tx.now),
		DueBy: FormatTime(tx.now.AddDate(0, 0, tx.policy.DisputeAnswerDays)), State: DisputeOpen,
	}
	return d, tx.saveDispute(&d)
}

// visibleDefault finds a default by id that is still within retention.
func (tx *txn) visibleDefault(id string) (*subjectDefault, error) {
	var idx attIndex
	if ok, err := getJSON(tx.st, attKey(id), &idx); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorf(CodeNotFound, "no attestation %s on the ledger", id)
	}
	if idx.Type != attestation.TypeDefault {
		return nil, errorf(CodeInvalidArgument, "attestation %s is a %s; disputes apply to defaults", id, idx.Type)
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	defs, err := loadSubject(tx.st, idx.Subject)
	if err != nil {
		return nil, err
	}
	for _, d := range visible(defs, p, tx.now) {
		if d.rec.ID == id {
			return d, nil
		}
	}
	return nil, errorf(CodeNotFound, "attestation %s is past retention", id)
}

func (tx *txn) saveDispute(d *Dispute) error {
	d.Overdue = false
	if err := putJSON(tx.st, disputeKey(d.Subject, d.ID), d); err != nil {
		return err
	}
	if err := putJSON(tx.st, disputeIndexKey(d.ID), disputeIndex{Subject: d.Subject, State: d.State}); err != nil {
		return err
	}
	b, err := json.Marshal(DisputeEvent{ID: d.ID, AttestationID: d.AttestationID, Subject: d.Subject, Reporter: d.Reporter, State: d.State})
	if err != nil {
		return err
	}
	return tx.st.SetEvent(EventDisputes, b)
}

func (c *Contract) resolveDispute(tx *txn, arg []byte) (any, error) {
	var req ResolveDisputeRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	creator, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if req.Outcome != DisputeUpheld && req.Outcome != DisputeRejected {
		return nil, errorf(CodeInvalidArgument, "outcome: must be upheld or rejected, got %q", req.Outcome)
	}
	if err := checkText("note", req.Note, 1, 500); err != nil {
		return nil, err
	}
	d, err := tx.dispute(req.DisputeID)
	if err != nil {
		return nil, err
	}
	if d.Reporter != creator.MSPID && !creator.Association {
		return nil, errorf(CodeForbidden, "only %s (the reporter) or the association may resolve dispute %s", d.Reporter, d.ID)
	}
	if d.State != DisputeOpen {
		return nil, errorf(CodeConflict, "dispute %s is already %s", d.ID, d.State)
	}
	d.markOverdue(tx.now)
	d.AnsweredLate = d.Overdue
	d.State, d.ResolvedBy, d.ResolvedAt, d.Note = req.Outcome, creator.MSPID, FormatTime(tx.now), req.Note
	if d.State == DisputeUpheld {
		if err := putJSON(tx.st, closedKey(d.ResolvedAt, d.Subject, d.AttestationID), marker{Subject: d.Subject, ID: d.AttestationID}); err != nil {
			return nil, err
		}
	}
	return d, tx.saveDispute(d)
}

func (tx *txn) dispute(id string) (*Dispute, error) {
	if !IsHexDigest(id) {
		return nil, errorf(CodeInvalidArgument, "disputeId: must be 64 lower-case hex characters")
	}
	var idx disputeIndex
	if ok, err := getJSON(tx.st, disputeIndexKey(id), &idx); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorf(CodeNotFound, "no dispute %s", id)
	}
	var d Dispute
	if ok, err := getJSON(tx.st, disputeKey(idx.Subject, id), &d); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorf(CodeInternal, "dispute %s is indexed but missing", id)
	}
	return &d, nil
}

// listDisputes shows the association every dispute and a member those on
// its own attestations or opened by it.
func (c *Contract) listDisputes(tx *txn, arg []byte) (any, error) {
	var req ListDisputesRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	switch req.State {
	case "", DisputeOpen, DisputeUpheld, DisputeRejected, DisputeOverdue:
	default:
		return nil, errorf(CodeInvalidArgument, "state: %q is not one of open, overdue, upheld, rejected", req.State)
	}
	creator, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	stored := req.State
	if stored == DisputeOverdue {
		stored = DisputeOpen
	}
	out := []Dispute{}
	err = tx.st.Scan("dispute", nil, func(k string, v []byte) error {
		var idx disputeIndex
		if err := json.Unmarshal(v, &idx); err != nil {
			return err
		}
		if stored != "" && idx.State != stored {
			return nil
		}
		_, attrs, err := state.SplitCompositeKey(k)
		if err != nil {
			return err
		}
		d, err := tx.dispute(attrs[0])
		if err != nil {
			return err
		}
		d.markOverdue(tx.now)
		if req.State == DisputeOverdue && !d.Overdue {
			return nil
		}
		if creator.Association || d.Reporter == creator.MSPID || d.OpenedBy == creator.MSPID {
			out = append(out, *d)
		}
		return nil
	})
	return out, err
}
