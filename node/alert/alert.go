// Package alert is a member's early warning after lending (贷后预警): the
// node raises an alert whenever the ledger gains a default, settlement,
// revocation, dispute or dispute resolution on a subject in the member's
// private watchlist, whoever filed it.
//
// Alerts are derived from committed ledger changes, never from the request
// that caused them: a Monitor follows the ledger's feed of committed
// chaincode events (ledger.Feed: the embedded ledger's log, or in fabric
// mode the replica's blocks, which carry what other organisations' nodes
// wrote) from a position it keeps in the node's store. The alerts of a
// stretch of the feed and the position after it are written in one badger
// transaction, so after a crash the Monitor resumes where it stopped and
// raises nothing twice and nothing too few.
//
// Adding a subject that is already listed raises an "already-listed"
// alert at once, for each active default. Watch additions and derivation
// take the same lock, and the ledger is asked after the lock is taken, so a
// default committed while a key is being added is reported by one path or
// the other; a marker per member and default keeps the two from reporting
// the same default twice.
//
// Every alert has a sequence number, increasing across the node, that is
// its id: members page through their alerts after an id, streams resume
// after the last id they saw, and webhook receivers drop duplicates by it.
//
// Keys in the node store (package store): "al/a/<member>/<seq>" the alerts, "al/x/<member>/
// <attestation>" the markers, "al/seq" the last sequence number, "al/pos"
// the feed position to continue from.
package alert

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/rules"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Alert kinds.
const (
	KindDefault         = "default"
	KindSettlement      = "settlement"
	KindRevocation      = "revocation"
	KindDisputeOpened   = "dispute-opened"
	KindDisputeResolved = "dispute-resolved"
	KindAlreadyListed   = "already-listed"
	// KindBudgetExceeded tells the association that a member went over a
	// daily budget of raw-ID derivations or lookups (its node recorded it
	// on the ledger). It is addressed to the association, not to watchers,
	// and has no subject.
	KindBudgetExceeded = "budget-exceeded"
	// KindLogDivergence tells the association that a member's node
	// computed another transparency-log root than another organisation
	// cosigned at the same size, and refused to cosign: one copy of the
	// ledger was altered. Addressed to the association; no subject.
	KindLogDivergence = "log-divergence"
	// KindProtection tells watchers that a subject's protective
	// registration (identity theft) was registered, renewed or removed.
	KindProtection = "protection"
	// KindPublicationDivergence tells the association that a member's
	// node recomputed a publication of the blacklist and got another
	// digest than the association recorded, and refused to cosign it.
	// Addressed to the association; no subject.
	KindPublicationDivergence = "publication-divergence"
)

// PublicationDivergence is what a publication-divergence alert is about:
// Member's node computed Digest for publication Number, the association
// recorded RecordedDigest.
type PublicationDivergence struct {
	Member         string `json:"member"`
	Number         uint64 `json:"number"`
	Digest         string `json:"digest"`
	RecordedDigest string `json:"recordedDigest"`
}

// Divergence is what a log-divergence alert is about: Member's node
// computed RootHash at Size, where Other cosigned OtherRootHash.
type Divergence struct {
	Member        string `json:"member"`
	Origin        string `json:"origin"`
	Size          int64  `json:"size"`
	RootHash      string `json:"rootHash"`
	Other         string `json:"other"`
	OtherRootHash string `json:"otherRootHash"`
}

// ProtectionChange is what a protection alert is about.
type ProtectionChange struct {
	// Action is registered, renewed or removed.
	Action     string `json:"action"`
	ReasonCode string `json:"reasonCode"`
	Since      string `json:"since"`
	// Until is when the registration ends: its expiry, or the removal.
	Until string `json:"until"`
}

// Budget is what a budget-exceeded alert is about.
type Budget struct {
	// Member went over its budget of Kind (derivations or lookups) on Day
	// (Asia/Shanghai), asking for Count against a budget of Limit.
	Member string `json:"member"`
	Kind   string `json:"kind"`
	Day    string `json:"day"`
	Count  int64  `json:"count"`
	Limit  int64  `json:"limit"`
}

// Alert tells a member that something happened to a subject it watches.
type Alert struct {
	// ID is the alert's sequence number in decimal: stable, unique on this
	// node, and increasing in the order alerts were raised.
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	Member     string `json:"member"`
	SubjectKey string `json:"subjectKey"`
	// AttestationID is the attestation the change is about: the default,
	// settlement or revocation filed, or the disputed default.
	AttestationID string `json:"attestationId"`
	// RefersTo is the default a settlement or revocation closes.
	RefersTo  string `json:"refersTo,omitempty"`
	DisputeID string `json:"disputeId,omitempty"`
	// Outcome is a resolved dispute's: upheld or rejected.
	Outcome  string `json:"outcome,omitempty"`
	Reporter string `json:"reporter"`
	// Height is the ledger position of the change: the embedded ledger's
	// log height or the Fabric block number; for already-listed, the
	// height the status was read at.
	Height uint64 `json:"height"`
	TxID   string `json:"txId,omitempty"`
	// Time is when the change was committed (already-listed: when the
	// default was recorded).
	Time string `json:"time"`
	// Label is the member's own label of the subject in its watchlist.
	Label string `json:"label,omitempty"`
	// Budget is set on budget-exceeded alerts.
	Budget *Budget `json:"budget,omitempty"`
	// Protection is set on protection alerts.
	Protection *ProtectionChange `json:"protection,omitempty"`
	RaisedAt   string            `json:"raisedAt"`
	// Plan is the handling plan of the member's first alert rule that
	// matched when the alert was raised (package rules); nil when none did.
	Plan *rules.Matched `json:"plan,omitempty"`
	// Divergence is set on log-divergence alerts.
	Divergence *Divergence `json:"divergence,omitempty"`
	// Publication is set on publication-divergence alerts.
	Publication *PublicationDivergence `json:"publication,omitempty"`
}

// Seq returns the alert's sequence number.
func (a Alert) Seq() uint64 {
	n, _ := strconv.ParseUint(a.ID, 10, 64)
	return n
}

// ErrBadID is returned for an alert id that is not a sequence number.
var ErrBadID = errors.New("an alert id is a decimal sequence number")

// ParseID parses an alert id ("" is 0, before the first alert).
func ParseID(id string) (uint64, error) {
	if id == "" {
		return 0, nil
	}
	n, err := strconv.ParseUint(id, 10, 64)
	if err != nil {
		return 0, ErrBadID
	}
	return n, nil
}

var (
	seqKey = store.AlertSeq.Bytes()
	posKey = store.AlertPos.Bytes()
)

func alertPrefix(member string) []byte { return store.Alerts.Key(member, "") }

func alertKey(member string, seq uint64) []byte {
	return binary.BigEndian.AppendUint64(alertPrefix(member), seq)
}

func markerKey(member, attestation string) []byte {
	return store.AlertMarkers.Key(member, attestation)
}

// readUint reads a counter; an absent one is 0.
func readUint(txn *badger.Txn, key []byte) (uint64, error) {
	var n uint64
	_, err := store.Get(txn, key, store.Uint64(&n))
	return n, err
}

// List returns up to limit of member's alerts with ids after after, in
// order, and the id to continue from ("" when there are no more now).
func (m *Monitor) List(member string, after uint64, limit int) ([]Alert, string, error) {
	out, more, err := store.Page[Alert](m.db, alertPrefix(member), alertKey(member, after+1), limit)
	next := ""
	if more && len(out) > 0 {
		next = out[len(out)-1].ID
	}
	return out, next, err
}

// Count counts member's alerts with ids after after, up to bound, reading
// keys only: a status that shows a backlog must not decode it.
func (m *Monitor) Count(member string, after uint64, bound int) (int, error) {
	n := 0
	prefix := alertPrefix(member)
	err := m.db.View(func(txn *badger.Txn) error {
		return store.ScanKeys(txn, prefix, alertKey(member, after+1), func([]byte) error {
			if n == bound {
				return store.ErrStop
			}
			n++
			return nil
		})
	})
	return n, err
}

// writeAlerts stores alerts and their markers in txn.
func writeAlerts(txn *badger.Txn, alerts []Alert) error {
	for _, a := range alerts {
		b, err := json.Marshal(a)
		if err != nil {
			return err
		}
		if err := txn.Set(alertKey(a.Member, a.Seq()), b); err != nil {
			return err
		}
		if a.Kind == KindDefault || a.Kind == KindAlreadyListed {
			if err := txn.Set(markerKey(a.Member, a.AttestationID), []byte{1}); err != nil {
				return err
			}
		}
	}
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339) } // whole seconds, like the API's other times
