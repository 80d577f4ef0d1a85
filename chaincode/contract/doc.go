// Package contract holds every rule of the shared credit blacklist: who may
// write, what an attestation must say, when a subject is listed, how long a
// settled record stays visible, and how disputes run.
//
// The rules are written once against state.State and run unchanged in three
// places: inside Fabric chaincode (package fabriccc), inside the node's
// embedded badger ledger, and over the node's read replica for queries. A
// transaction is a function name and one JSON argument; Invoke runs it and
// returns a JSON result. Identity always comes from the transaction's creator
// (the Fabric MSP ID), never from the request, and time always comes from the
// transaction timestamp, never from the wall clock, so every endorser computes
// the same writes.
//
// # World state
//
// Every record has its own composite key; there is no per-subject aggregate
// that concurrent transactions would fight over (Fabric's MVCC check rejects a
// transaction whose reads changed before commit). A subject's status is
// computed by one range scan over its keys:
//
//	subj/<subject>/d/<defaultId>   the default attestation
//	subj/<subject>/c/<defaultId>   its closure: settlement or revocation (at most one)
//	subj/<subject>/p/<disputeId>   a dispute on one of the subject's defaults
//	att/<id>                       where attestation <id> lives (for lookups by id)
//	loan/<reporter>/<loanRef>      one default per loan and reporter
//	dispute/<disputeId>            where a dispute lives, and its state
//	closed/<time>/<subject>/<id>   when a default stopped counting, for retention
//	member/<msp>, config/association, config/policy
//	auditanchor/<member>/<log>/<size>   an audit head the member anchored (anchor.go)
//	auditanchorhead/<member>/<log>      the log's latest anchor
//	budgetexceeded/<member>/<kind>/<day> a member's first budget excess of a day (budget.go)
//	logkey/<member>/<key hash>          an organisation's transparency-log key (cosign.go)
//	cosig/<size>/<member>               its signature of the log's checkpoint at size
//	logdivergence/<member>/<size>       its report of another organisation's different root
//
// # Batches
//
// SubmitAttestations takes up to 1,000 signed attestations. Each item runs in
// its own child overlay and is merged only when accepted, so a rejected item
// never leaves a partial write, while accepted items of the same batch commit
// together in one ledger transaction.
package contract
