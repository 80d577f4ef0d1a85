package contract

import (
	"encoding/base64"
	"encoding/json"
	"fmt"

	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// Publications of the blacklist to credit agencies (issue 14,
// docs/publications.md, decision 0023). The association's node computes
// publication N off the ledger (Standings on a snapshot) and records its
// header here:
//
//	publication/<number, 20 digits>  the header and its digest (a record of
//	                                 the transparency log: kind publication)
//
// Numbers run 1, 2, 3… without gaps, and each header's previous digest
// must be the recorded digest of the one before, so the ledger holds one
// chain of publications and the log proves each one's place in it. The
// contract cannot recompute a publication (it would read the whole
// state); member nodes do, and cosign it.

// RecordPublicationRequest records publication Header.Number.
type RecordPublicationRequest struct {
	Header publication.Header `json:"header"`
}

// PublicationRecord is a recorded publication.
type PublicationRecord struct {
	Header publication.Header `json:"header"`
	// Digest is the header's digest (base64), as the next one's previous.
	Digest     string `json:"digest"`
	RecordedAt string `json:"recordedAt"`
	TxID       string `json:"txId"`
}

// PublicationRequest names a recorded publication; for GetPublication,
// 0 names the latest.
type PublicationRequest struct {
	Number uint64 `json:"number"`
}

func publicationKey(n uint64) string {
	return key(translog.PublicationObjectType, fmt.Sprintf("%020d", n))
}

func (c *Contract) recordPublication(tx *txn, arg []byte) (any, error) {
	var req RecordPublicationRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if _, err := tx.activeCreator(); err != nil {
		return nil, err
	}
	if err := tx.requireAssociation("record a publication"); err != nil {
		return nil, err
	}
	h := req.Header
	if err := h.Check(); err != nil {
		return nil, errorf(CodeInvalidArgument, "%v", err)
	}
	var have PublicationRecord
	if ok, err := getJSON(tx.st, publicationKey(h.Number), &have); err != nil {
		return nil, err
	} else if ok {
		return nil, errorf(CodeConflict, "publication %d is recorded", h.Number)
	}
	if h.Number > 1 {
		var prev PublicationRecord
		ok, err := getJSON(tx.st, publicationKey(h.Number-1), &prev)
		if err != nil {
			return nil, err
		}
		if !ok {
			return nil, errorf(CodeFailedPrecondition, "publication %d follows publication %d, which is not recorded", h.Number, h.Number-1)
		}
		if h.Previous != prev.Digest {
			return nil, errorf(CodeInvalidArgument, "header: previous %s is not publication %d's digest %s", h.Previous, h.Number-1, prev.Digest)
		}
		if h.LedgerHeight < prev.Header.LedgerHeight {
			return nil, errorf(CodeInvalidArgument, "header: ledger height %d is below publication %d's %d", h.LedgerHeight, h.Number-1, prev.Header.LedgerHeight)
		}
	}
	rec := PublicationRecord{Header: h, Digest: h.DigestString(), RecordedAt: FormatTime(tx.now), TxID: tx.id}
	return rec, putJSON(tx.st, publicationKey(h.Number), rec)
}

func (c *Contract) getPublication(tx *txn, arg []byte) (any, error) {
	var req PublicationRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if _, err := tx.activeCreator(); err != nil {
		return nil, err
	}
	n := req.Number
	if n == 0 {
		var err error
		if n, err = tx.latestPublication(); err != nil {
			return nil, err
		}
	}
	return tx.recordedPublication(n)
}

// Cosignatures of publications by member organisations, whose nodes
// recompute publication N from their own copy of the ledger at the same
// height:
//
//	pubsig/<number, 20 digits>/<msp>   the organisation's signature line
//	pubdivergence/<number>/<msp>       its report that it computed another
//	                                   digest (event publication-divergence)
//
// One key per (number, organisation), as for checkpoints.

// CosignPublicationRequest is an organisation's signature of a recorded
// publication's header note.
type CosignPublicationRequest struct {
	MSPID  string `json:"mspId"`
	Number uint64 `json:"number"`
	// Signature is the base64 of a note signature line by one of the
	// organisation's registered log keys over the header's note text.
	Signature string `json:"signature"`
}

// PublicationCosignature is a committed cosignature.
type PublicationCosignature struct {
	MSPID     string `json:"mspId"`
	Number    uint64 `json:"number"`
	Signature string `json:"signature"`
	SignedAt  string `json:"signedAt"`
	TxID      string `json:"txId"`
}

// Line is the cosignature as a note signature line.
func (c PublicationCosignature) Line() string { return "— " + c.MSPID + " " + c.Signature + "\n" }

// ReportPublicationDivergenceRequest is a node's report that it computed
// another digest for publication Number than the association recorded.
type ReportPublicationDivergenceRequest struct {
	Number uint64 `json:"number"`
	// Digest is the digest the reporter's node computed (base64).
	Digest string `json:"digest"`
}

// PublicationDivergence is a recorded report and the event's payload.
type PublicationDivergence struct {
	Member         string `json:"member"`
	Number         uint64 `json:"number"`
	Digest         string `json:"digest"`
	RecordedDigest string `json:"recordedDigest"`
	Association    string `json:"association"`
	ReportedAt     string `json:"reportedAt"`
	TxID           string `json:"txId"`
}

// EventPublicationDivergence is the chaincode event of
// ReportPublicationDivergence.
const EventPublicationDivergence = "publication-divergence"

func (tx *txn) recordedPublication(n uint64) (*PublicationRecord, error) {
	var rec PublicationRecord
	ok, err := getJSON(tx.st, publicationKey(n), &rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(CodeNotFound, "no publication %d", n)
	}
	return &rec, nil
}

func (c *Contract) cosignPublication(tx *txn, arg []byte) (any, error) {
	var req CosignPublicationRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if req.MSPID != m.MSPID {
		return nil, errorf(CodeForbidden, "%s may only cosign for itself, not for %q", m.MSPID, req.MSPID)
	}
	if len(req.Signature) > 200 {
		return nil, errorf(CodeInvalidArgument, "signature: longer than 200 characters")
	}
	rec, err := tx.recordedPublication(req.Number)
	if err != nil {
		return nil, err
	}
	keys, err := tx.logKeys(m.MSPID)
	if err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, errorf(CodeFailedPrecondition, "%s has registered no log key", m.MSPID)
	}
	known := make([]translog.OrgKey, len(keys))
	for i, k := range keys {
		known[i] = translog.OrgKey{Org: k.MSPID, Verifier: k.Verifier}
	}
	cs := PublicationCosignature{MSPID: m.MSPID, Number: req.Number, Signature: req.Signature, SignedAt: FormatTime(tx.now), TxID: tx.id}
	signed := []byte(rec.Header.NoteText() + "\n" + cs.Line())
	if o, err := publication.Open(signed, known); err != nil || !o.SignedBy(m.MSPID) {
		return nil, errorf(CodeInvalidArgument, "signature: not %s's signature of publication %d: %v", m.MSPID, req.Number, err)
	}
	k := key("pubsig", fmt.Sprintf("%020d", req.Number), m.MSPID)
	var have PublicationCosignature
	if ok, err := getJSON(tx.st, k, &have); err != nil {
		return nil, err
	} else if ok {
		return nil, errorf(CodeConflict, "%s cosigned publication %d already", m.MSPID, req.Number)
	}
	return cs, putJSON(tx.st, k, cs)
}

func (c *Contract) listPublicationCosignatures(tx *txn, arg []byte) (any, error) {
	var req PublicationRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if _, err := tx.activeCreator(); err != nil {
		return nil, err
	}
	out := []PublicationCosignature{}
	err := scanJSON(tx.st, "pubsig", []string{fmt.Sprintf("%020d", req.Number)}, func(cs PublicationCosignature) error {
		out = append(out, cs)
		return nil
	})
	return out, err
}

func (c *Contract) reportPublicationDivergence(tx *txn, arg []byte) (any, error) {
	var req ReportPublicationDivergenceRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if d, err := base64.StdEncoding.DecodeString(req.Digest); err != nil || len(d) != 32 {
		return nil, errorf(CodeInvalidArgument, "digest: must be 32 bytes in base64")
	}
	rec, err := tx.recordedPublication(req.Number)
	if err != nil {
		return nil, err
	}
	if rec.Digest == req.Digest {
		return nil, errorf(CodeInvalidArgument, "publication %d has that digest: no divergence", req.Number)
	}
	k := key("pubdivergence", fmt.Sprintf("%020d", req.Number), m.MSPID)
	var prev PublicationDivergence
	if ok, err := getJSON(tx.st, k, &prev); err != nil {
		return nil, err
	} else if ok {
		return prev, nil // reported already (a retry)
	}
	assoc, err := tx.association()
	if err != nil {
		return nil, err
	}
	d := PublicationDivergence{Member: m.MSPID, Number: req.Number, Digest: req.Digest, RecordedDigest: rec.Digest,
		Association: assoc, ReportedAt: FormatTime(tx.now), TxID: tx.id}
	if err := putJSON(tx.st, k, d); err != nil {
		return nil, err
	}
	ev, err := json.Marshal(d)
	if err != nil {
		return nil, err
	}
	return d, tx.st.SetEvent(EventPublicationDivergence, ev)
}

// latestPublication is the recorded publication with the largest number
// (0 when none): one forward scan of a key per publication.
func (tx *txn) latestPublication() (uint64, error) {
	var n uint64
	err := scanJSON(tx.st, translog.PublicationObjectType, nil, func(rec PublicationRecord) error {
		n = max(n, rec.Header.Number)
		return nil
	})
	return n, err
}
