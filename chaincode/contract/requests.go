package contract

// Requests are the JSON arguments of the transactions. Unknown fields are
// rejected when decoding.

type InitRequest struct {
	Association string `json:"association"`
	LegalName   string `json:"legalName"`
	// SubjectKeyCheck is the consortium secret's key-check value
	// (sealedsecret.KeyCheck); nodes refuse a secret that does not match.
	SubjectKeyCheck string `json:"subjectKeyCheck,omitempty"`
}

type KeyRequest struct {
	KID       string `json:"kid"`
	PublicKey string `json:"publicKey"`
}

type AdmitMemberRequest struct {
	MSPID      string       `json:"mspId"`
	LegalName  string       `json:"legalName"`
	CreditCode string       `json:"creditCode"`
	Roles      []string     `json:"roles"`
	Keys       []KeyRequest `json:"keys"`
	// NodeKey, when given, registers the member node's encryption key
	// (see RegisterNodeKeyRequest) with the admission.
	NodeKey string `json:"nodeKey,omitempty"`
}

// MemberStatusRequest is the argument of SuspendMember, ReinstateMember and
// ExpelMember.
type MemberStatusRequest struct {
	MSPID  string `json:"mspId"`
	Reason string `json:"reason"`
}

type RegisterKeyRequest struct {
	MSPID string `json:"mspId"`
	KeyRequest
}

type RevokeKeyRequest struct {
	MSPID  string `json:"mspId"`
	KID    string `json:"kid"`
	Reason string `json:"reason"`
}

type SubmitRequest struct {
	Attestations []string `json:"attestations"`
}

type OpenDisputeRequest struct {
	AttestationID   string `json:"attestationId"`
	ReasonCode      string `json:"reasonCode"`
	StatementDigest string `json:"statementDigest"`
}

type ResolveDisputeRequest struct {
	DisputeID string `json:"disputeId"`
	Outcome   string `json:"outcome"`
	Note      string `json:"note"`
}

type PurgeRequest struct {
	Limit int `json:"limit"`
}

type PurgeResult struct {
	Purged int  `json:"purged"`
	More   bool `json:"more"`
}

type MemberRequest struct {
	MSPID string `json:"mspId"`
}

type IDRequest struct {
	ID string `json:"id"`
}

type SubjectRequest struct {
	Subject string `json:"subject"`
}

type SubjectsRequest struct {
	Subjects []string `json:"subjects"`
}

type ListDisputesRequest struct {
	State string `json:"state"`
}
