package contract

import (
	"encoding/json"

	fastjson "github.com/goccy/go-json"
)

// Status-only reads.
//
// The status of a subject (SubjectStatus, SubjectStatuses, and the
// node's pool statistics through FactsReader) reads a few fields of each
// default and closure (statusRecord), never the signed attestation or the
// rest of the record. A node that keeps the world state itself may
// therefore keep, beside each subject record, a slim copy holding only
// those fields (SlimSubjectValue), and answer status-only transactions
// from the slim copies: a tenth of the bytes to walk
// (docs/decisions/0024-status-shadow.md). The contract stays the one
// place that knows the record format: it says which transactions read
// status only (Transaction.StatusOnly) and what a slim value is.

// statusOnly lists the transactions whose reads of subject records
// ("subj" keys) are status-only: each decodes defaults and closures with
// the status-only decoder, so a slim value gives it what the full record
// gives.
var statusOnly = map[string]bool{
	TxSubjectStatus.Name:   true,
	TxSubjectStatuses.Name: true,
}

// StatusOnly reports whether t reads only the status fields of subject
// records, so that a state serving slim subject records
// (SlimSubjectValue) answers it exactly as the full records would.
func (t Transaction[Req, Res]) StatusOnly() bool { return statusOnly[t.Name] }

// IsStatusOnly is StatusOnly for a transaction known by name (a ledger
// runtime receives names).
func IsStatusOnly(fn string) bool { return statusOnly[fn] }

// SubjectObjectType is the object type of a subject's records:
// "subj"/<subject>/<kind>/<id>, kind one of "d" (a default), "c" (its
// closure), "p" (a dispute) and "r" (a protective registration).
const SubjectObjectType = "subj"

// SlimSubjectValue is the slim image of the value of a subject record of
// the given kind: for defaults and closures the fields the status code
// reads, re-encoded as JSON that the status-only decoder reads as it
// reads the full record; other kinds unchanged (they are small and read
// whole). A value that does not decode is an error: the caller keeps it
// as it is, and a status-only read then fails on it as it would on the
// full record.
func SlimSubjectValue(kind string, v []byte) ([]byte, error) {
	if kind != "d" && kind != "c" {
		return v, nil
	}
	var s statusRecord
	if !scanStatusRecord(v, &s, nil) {
		s = statusRecord{}
		if err := fastjson.Unmarshal(v, &s); err != nil {
			return nil, err
		}
	}
	return json.Marshal(&s)
}
