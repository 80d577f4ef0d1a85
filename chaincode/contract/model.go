package contract

import (
	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

// Member statuses.
const (
	StatusActive    = "active"
	StatusSuspended = "suspended"
	StatusExpelled  = "expelled"
)

// Member roles.
const (
	RoleReporter = "reporter"
	RoleQuerier  = "querier"
)

// Key states.
const (
	KeyActive  = "active"
	KeyRevoked = "revoked"
)

// Member is an organisation on the ledger. The association has a member
// record of its own (Association true, no roles) so that its signing keys are
// registered the same way as a bank's.
type Member struct {
	MSPID           string   `json:"mspId"`
	LegalName       string   `json:"legalName"`
	CreditCode      string   `json:"creditCode,omitempty"`
	Association     bool     `json:"association,omitempty"`
	Roles           []string `json:"roles"`
	Status          string   `json:"status"`
	StatusReason    string   `json:"statusReason,omitempty"`
	StatusChangedAt string   `json:"statusChangedAt"`
	AdmittedAt      string   `json:"admittedAt"`
	Keys            []Key    `json:"keys"`
}

// Key is a registered ES256 signing key; its kid appears in the JWS header.
type Key struct {
	KID          string `json:"kid"`
	PublicKey    string `json:"publicKey"`
	Status       string `json:"status"`
	RegisteredAt string `json:"registeredAt"`
	RevokedAt    string `json:"revokedAt,omitempty"`
}

// Policy is the association's listing and retention policy.
type Policy struct {
	// MinDaysPastDue is the days past due from which a default counts.
	MinDaysPastDue int `json:"minDaysPastDue"`
	// MinAmount is, per ISO 4217 currency, the outstanding amount in minor
	// units from which a default counts; a currency absent here has no minimum.
	MinAmount map[string]int64 `json:"minAmount"`
	// RetentionYears is how long a settled, revoked or overturned default
	// stays in query results after it stopped counting.
	RetentionYears int `json:"retentionYears"`
	// DisputeAnswerDays is how long a reporter has to answer a dispute.
	DisputeAnswerDays int `json:"disputeAnswerDays"`
	// DailyDerivations and DailyLookups are each member's daily budgets of
	// raw-ID derivations and of subjects looked up (budget.go); 0 in a
	// request means the default.
	DailyDerivations int64 `json:"dailyDerivations,omitempty"`
	DailyLookups     int64 `json:"dailyLookups,omitempty"`
	// LogQuorum is how many distinct organisations must cosign a
	// transparency-log checkpoint for evidence to rest on it (cosign.go);
	// 0 means the default, a majority of the active organisations.
	LogQuorum int `json:"logQuorum,omitempty"`
	// ProtectionMonths is how long a protective registration stays in
	// force after it is registered or renewed; 0 in a request means the
	// default (DefaultProtectionMonths).
	ProtectionMonths int `json:"protectionMonths,omitempty"`
	// PoolMinCount is the smallest count a pool statistic shows: a cell
	// counting fewer subjects is suppressed, and a pool that differs from
	// one of its member's recent pools in fewer subjects is refused (the
	// node's pool statistics); 0 means the default (DefaultPoolMinCount).
	PoolMinCount int `json:"poolMinCount,omitempty"`
	// PublicationSchedule is when the association's node publishes the
	// blacklist to credit agencies each day, "HH:MM <IANA zone>" (e.g.
	// "02:00 Asia/Shanghai"); "" means on demand only (publication.Schedule).
	PublicationSchedule string `json:"publicationSchedule,omitempty"`
	UpdatedAt           string `json:"updatedAt,omitempty"`
}

// DefaultPolicy is the policy a new ledger starts with.
func DefaultPolicy() Policy {
	return Policy{MinDaysPastDue: 90, MinAmount: map[string]int64{}, RetentionYears: 5, DisputeAnswerDays: 20,
		DailyDerivations: DefaultDailyDerivations, DailyLookups: DefaultDailyLookups}
}

// Record is an attestation: the signed JWS, its decoded payload and when
// the ledger accepted it. Under the subject's keys it is stored without the
// JWS, which lives in the att/<id> index, so that status scans read only
// what they compute with.
type Record struct {
	ID         string              `json:"id"`
	JWS        string              `json:"jws,omitempty"`
	KeyID      string              `json:"kid"`
	Payload    attestation.Payload `json:"payload"`
	RecordedAt string              `json:"recordedAt"`
	TxID       string              `json:"txId"`
}

// Dispute states. Overdue is not stored: it is an open dispute past its due
// time, computed at query time.
const (
	DisputeOpen     = "open"
	DisputeUpheld   = "upheld"
	DisputeRejected = "rejected"
	DisputeOverdue  = "overdue"
)

// Dispute reason codes.
var disputeReasons = map[string]bool{
	"not-mine": true, "amount-wrong": true, "already-paid": true,
	"no-notice": true, "dates-wrong": true, "other": true,
}

// Dispute is a subject's objection to a default.
type Dispute struct {
	ID              string `json:"id"`
	AttestationID   string `json:"attestationId"`
	Subject         string `json:"subject"`
	Reporter        string `json:"reporter"`
	OpenedBy        string `json:"openedBy"`
	ReasonCode      string `json:"reasonCode"`
	StatementDigest string `json:"statementDigest"`
	OpenedAt        string `json:"openedAt"`
	DueBy           string `json:"dueBy"`
	State           string `json:"state"`
	ResolvedBy      string `json:"resolvedBy,omitempty"`
	ResolvedAt      string `json:"resolvedAt,omitempty"`
	AnsweredLate    bool   `json:"answeredLate,omitempty"`
	Note            string `json:"note,omitempty"`
	// Overdue is computed when read: open and past DueBy.
	Overdue bool `json:"overdue,omitempty"`
}

// Default states as reported by queries.
const (
	StateActive         = "active"
	StateBelowThreshold = "below-threshold"
	StateSettled        = "settled"
	StateRevoked        = "revoked"
	StateOverturned     = "overturned"
)

// Status is a subject's standing on the blacklist at the transaction time.
type Status struct {
	SubjectKey string `json:"subjectKey"`
	Listed     bool   `json:"listed"`
	// ActiveDefaults counts defaults that meet the policy and are neither
	// settled, revoked nor overturned.
	ActiveDefaults int `json:"activeDefaults"`
	// Reporters are the distinct members with active defaults.
	Reporters []string `json:"reporters"`
	// Outstanding sums the active defaults' amounts per currency.
	Outstanding       map[string]int64 `json:"outstanding"`
	Disputed          bool             `json:"disputed"`
	OverdueDisputes   int              `json:"overdueDisputes"`
	FirstOverdueSince string           `json:"firstOverdueSince,omitempty"`
	// SettledRecords counts settled defaults still within retention.
	SettledRecords int `json:"settledRecords"`
	// Records counts every default still visible (any state).
	Records int `json:"records"`
	// Protected is the protective registration in force, if any; it never
	// makes the subject listed.
	Protected *Protected `json:"protected,omitempty"`
}

// HistoryEntry is one default with everything that happened to it.
type HistoryEntry struct {
	Default  Record    `json:"default"`
	State    string    `json:"state"`
	Closure  *Record   `json:"closure,omitempty"`
	Disputes []Dispute `json:"disputes"`
}

// History is every record of a subject still within retention.
type History struct {
	SubjectKey string         `json:"subjectKey"`
	Entries    []HistoryEntry `json:"entries"`
	// Protected is the protective registration in force, if any.
	Protected *Protected `json:"protected,omitempty"`
}

// Item result statuses of SubmitAttestations.
const (
	ItemAccepted  = "accepted"
	ItemDuplicate = "duplicate"
	ItemRejected  = "rejected"
)

// ItemResult is the outcome of one attestation in a batch.
type ItemResult struct {
	Index   int    `json:"index"`
	ID      string `json:"id,omitempty"`
	Type    string `json:"type,omitempty"`
	Status  string `json:"status"`
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
	// Listed is, for a default the ledger accepted or already had, whether
	// it counts toward listing its subject under the policy in force. A
	// default below the policy's threshold is recorded (and shown by
	// attestation show as below-threshold) but lists nobody; without this
	// the reporter would believe the subject listed.
	Listed *bool `json:"listed,omitempty"`
	// BelowThreshold says, when Listed is false, which minimum it missed.
	BelowThreshold *Threshold `json:"belowThreshold,omitempty"`
	// Warnings are things the reporter should check although the ledger
	// accepted the item: WarningSubjectProtected for a default on a
	// subject under protective registration (identity theft).
	Warnings []string `json:"warnings,omitempty"`
}

// Threshold is the part of the policy a default fell short of: the
// minimums, and which of them it missed ("daysPastDue", "amount").
type Threshold struct {
	MinDaysPastDue int      `json:"minDaysPastDue"`
	MinAmount      int64    `json:"minAmount"`
	Currency       string   `json:"currency"`
	Missed         []string `json:"missed"`
}

// SubmitResult is the outcome of SubmitAttestations.
type SubmitResult struct {
	Results    []ItemResult `json:"results"`
	Accepted   int          `json:"accepted"`
	Duplicates int          `json:"duplicates"`
	Rejected   int          `json:"rejected"`
}

// AttestationEvent is the payload of the "attestations" chaincode event: one
// entry per newly accepted attestation of the transaction.
type AttestationEvent struct {
	ID       string `json:"id"`
	Type     string `json:"type"`
	Subject  string `json:"subject"`
	Reporter string `json:"reporter"`
	RefersTo string `json:"refersTo,omitempty"`
}

// AttestationView is GetAttestation's answer.
type AttestationView struct {
	Record
	// State is the default's state; for a settlement or revocation, the
	// state of the default it refers to.
	State string `json:"state"`
	// ClosedBy is the id of the settlement or revocation of a default.
	ClosedBy string `json:"closedBy,omitempty"`
}
