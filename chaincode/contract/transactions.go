package contract

// Transaction names one of the contract's transactions together with the
// Go types of its request and its result, so that code outside the
// contract (the node, tests, tools) calls it typed: the name is written
// once, here, and a caller cannot pair a transaction with the wrong
// request or decode its answer into the wrong type.
//
// The contract itself is reached through a Ledger (embedded, Fabric, a
// replica), which carries the request and result as JSON; see the node's
// typed submit and evaluate helpers.
type Transaction[Req, Res any] struct {
	Name string
}

// Empty is the request of transactions that take no argument.
type Empty struct{}

// LedgerConfig is what Init records and returns.
type LedgerConfig = config

// The contract's transactions. Their handlers are registered in
// contract.go under these names.
var (
	TxInit                 = Transaction[InitRequest, LedgerConfig]{"Init"}
	TxAdmitMember          = Transaction[AdmitMemberRequest, Member]{"AdmitMember"}
	TxSuspendMember        = Transaction[MemberStatusRequest, Member]{"SuspendMember"}
	TxReinstateMember      = Transaction[MemberStatusRequest, Member]{"ReinstateMember"}
	TxExpelMember          = Transaction[MemberStatusRequest, Member]{"ExpelMember"}
	TxRegisterKey          = Transaction[RegisterKeyRequest, Member]{"RegisterKey"}
	TxRevokeKey            = Transaction[RevokeKeyRequest, Member]{"RevokeKey"}
	TxSetPolicy            = Transaction[Policy, Policy]{"SetPolicy"}
	TxSubmitAttestations   = Transaction[SubmitRequest, SubmitResult]{"SubmitAttestations"}
	TxOpenDispute          = Transaction[OpenDisputeRequest, Dispute]{"OpenDispute"}
	TxResolveDispute       = Transaction[ResolveDisputeRequest, Dispute]{"ResolveDispute"}
	TxPurgeExpired         = Transaction[PurgeRequest, PurgeResult]{"PurgeExpired"}
	TxAnchorAudit          = Transaction[AnchorAuditRequest, AuditAnchor]{"AnchorAudit"}
	TxRegisterNodeKey      = Transaction[RegisterNodeKeyRequest, NodeKey]{"RegisterNodeKey"}
	TxSealSecret           = Transaction[SealSecretRequest, SealedSecret]{"SealSecret"}
	TxReportBudgetExceeded = Transaction[ReportBudgetExceededRequest, BudgetExceeded]{"ReportBudgetExceeded"}

	TxGetMember        = Transaction[MemberRequest, Member]{"GetMember"}
	TxListMembers      = Transaction[Empty, []Member]{"ListMembers"}
	TxGetPolicy        = Transaction[Empty, Policy]{"GetPolicy"}
	TxGetAttestation   = Transaction[IDRequest, AttestationView]{"GetAttestation"}
	TxSubjectStatus    = Transaction[SubjectRequest, Status]{"SubjectStatus"}
	TxSubjectStatuses  = Transaction[SubjectsRequest, []Status]{"SubjectStatuses"}
	TxSubjectHistory   = Transaction[SubjectRequest, History]{"SubjectHistory"}
	TxListDisputes     = Transaction[ListDisputesRequest, []Dispute]{"ListDisputes"}
	TxStateDigest      = Transaction[Empty, StateDigestResult]{"StateDigest"}
	TxListAuditAnchors = Transaction[ListAuditAnchorsRequest, []AuditAnchor]{"ListAuditAnchors"}
	TxSecretStatus     = Transaction[SecretStatusRequest, SecretStatus]{"SecretStatus"}

	// The transparency log's keys and cosignatures (cosign.go).
	TxRegisterLogKey      = Transaction[RegisterLogKeyRequest, LogKey]{"RegisterLogKey"}
	TxCosignCheckpoint    = Transaction[CosignCheckpointRequest, Cosignature]{"CosignCheckpoint"}
	TxListLogKeys         = Transaction[ListLogKeysRequest, []LogKey]{"ListLogKeys"}
	TxListCosignatures    = Transaction[ListCosignaturesRequest, []Cosignature]{"ListCosignatures"}
	TxCheckpointQuorum    = Transaction[Empty, CheckpointQuorum]{"CheckpointQuorum"}
	TxReportLogDivergence = Transaction[ReportLogDivergenceRequest, LogDivergence]{"ReportLogDivergence"}
	// The reporter's own defaults, for batch litigation exports (owndefaults.go).
	TxOwnDefaults = Transaction[OwnDefaultsRequest, OwnDefaultsResult]{"OwnDefaults"}
	// Protective registration (protection.go).
	TxRegisterProtection = Transaction[RegisterProtectionRequest, Protection]{"RegisterProtection"}
	TxRenewProtection    = Transaction[ProtectionRequest, Protection]{"RenewProtection"}
	TxRemoveProtection   = Transaction[ProtectionRequest, Protection]{"RemoveProtection"}
	TxListProtections    = Transaction[ProtectionRequest, Protections]{"ListProtections"}

	// Publications of the blacklist to credit agencies (publish.go).
	TxRecordPublication = Transaction[RecordPublicationRequest, PublicationRecord]{"RecordPublication"}
	TxGetPublication    = Transaction[PublicationRequest, PublicationRecord]{"GetPublication"}
	// Members' cosignatures and divergence reports.
	TxCosignPublication           = Transaction[CosignPublicationRequest, PublicationCosignature]{"CosignPublication"}
	TxListPublicationCosignatures = Transaction[PublicationRequest, []PublicationCosignature]{"ListPublicationCosignatures"}
	TxReportPublicationDivergence = Transaction[ReportPublicationDivergenceRequest, PublicationDivergence]{"ReportPublicationDivergence"}
)
