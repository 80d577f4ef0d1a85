package contract

import (
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

// PublicationRequest names a recorded publication.
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
	var rec PublicationRecord
	ok, err := getJSON(tx.st, publicationKey(req.Number), &rec)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(CodeNotFound, "no publication %d", req.Number)
	}
	return rec, nil
}
