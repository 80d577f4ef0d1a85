package contract

import (
	"bytes"
	"crypto/ecdsa"
	"encoding/json"
	"sort"
	"sync"
	"time"

	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

// MaxBatch is the most attestations one SubmitAttestations may carry.
const MaxBatch = 1000

// MaxSubjects is the most subjects one SubjectStatuses may ask about.
const MaxSubjects = 10000

// timeLayout is fixed-width so that stored times sort as strings, which the
// retention index relies on.
const timeLayout = "2006-01-02T15:04:05.000000000Z07:00"

// FormatTime renders t as the ledger stores times.
func FormatTime(t time.Time) string { return t.UTC().Format(timeLayout) }

// Contract runs the rules. The zero value is ready to use.
type Contract struct {
	// Association, when set, is the only MSP ID that Init accepts as the
	// association. Fabric deployments set it on every endorser so that no
	// member can initialise the ledger with itself as administrator.
	Association string

	// Preverified, when set, lets Precheck do the parsing and signature
	// checks of attestations ahead of their transaction, in parallel.
	Preverified *Preverified

	// keys caches parsed public keys by PEM text; parsing is pure, so the
	// cache cannot change a result.
	keys sync.Map
}

type function struct {
	readOnly bool
	run      func(c *Contract, tx *txn, arg []byte) (any, error)
}

var functions map[string]function

func init() {
	functions = map[string]function{
		TxInit.Name:                 {false, (*Contract).initLedger},
		TxAdmitMember.Name:          {false, (*Contract).admitMember},
		TxSuspendMember.Name:        {false, (*Contract).suspendMember},
		TxReinstateMember.Name:      {false, (*Contract).reinstateMember},
		TxExpelMember.Name:          {false, (*Contract).expelMember},
		TxRegisterKey.Name:          {false, (*Contract).registerKey},
		TxRevokeKey.Name:            {false, (*Contract).revokeKey},
		TxSetPolicy.Name:            {false, (*Contract).setPolicy},
		TxSubmitAttestations.Name:   {false, (*Contract).submitAttestations},
		TxOpenDispute.Name:          {false, (*Contract).openDispute},
		TxResolveDispute.Name:       {false, (*Contract).resolveDispute},
		TxPurgeExpired.Name:         {false, (*Contract).purgeExpired},
		TxAnchorAudit.Name:          {false, (*Contract).anchorAudit},
		TxReportBudgetExceeded.Name: {false, (*Contract).reportBudgetExceeded},
		TxRegisterNodeKey.Name:      {false, (*Contract).registerNodeKey},
		TxSealSecret.Name:           {false, (*Contract).sealSecret},
		TxGetMember.Name:            {true, (*Contract).getMember},
		TxListMembers.Name:          {true, (*Contract).listMembers},
		TxGetPolicy.Name:            {true, (*Contract).getPolicy},
		TxGetAttestation.Name:       {true, (*Contract).getAttestation},
		TxSubjectStatus.Name:        {true, (*Contract).subjectStatus},
		TxSubjectStatuses.Name:      {true, (*Contract).subjectStatuses},
		TxSubjectHistory.Name:       {true, (*Contract).subjectHistory},
		TxListDisputes.Name:         {true, (*Contract).listDisputes},
		TxStateDigest.Name:          {true, (*Contract).stateDigest},
		TxListAuditAnchors.Name:     {true, (*Contract).listAuditAnchors},
		TxSecretStatus.Name:         {true, (*Contract).secretStatus},

		TxRegisterLogKey.Name:      {false, (*Contract).registerLogKey},
		TxCosignCheckpoint.Name:    {false, (*Contract).cosignCheckpoint},
		TxListLogKeys.Name:         {true, (*Contract).listLogKeys},
		TxListCosignatures.Name:    {true, (*Contract).listCosignatures},
		TxCheckpointQuorum.Name:    {true, (*Contract).checkpointQuorum},
		TxReportLogDivergence.Name: {false, (*Contract).reportLogDivergence},
		TxOwnDefaults.Name:         {true, (*Contract).ownDefaults},
		TxRegisterProtection.Name:  {false, (*Contract).registerProtection},
		TxRenewProtection.Name:     {false, (*Contract).renewProtection},
		TxRemoveProtection.Name:    {false, (*Contract).removeProtection},
		TxListProtections.Name:     {true, (*Contract).listProtections},

		TxRecordPublication.Name: {false, (*Contract).recordPublication},
		TxGetPublication.Name:    {true, (*Contract).getPublication},

		TxCosignPublication.Name:           {false, (*Contract).cosignPublication},
		TxListPublicationCosignatures.Name: {true, (*Contract).listPublicationCosignatures},
		TxReportPublicationDivergence.Name: {false, (*Contract).reportPublicationDivergence},
	}
}

// Functions lists the transaction names in sorted order.
func Functions() []string {
	names := make([]string, 0, len(functions))
	for n := range functions {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// IsReadOnly reports whether fn only reads; such functions can be evaluated
// on a replica or a single peer without ordering.
func IsReadOnly(fn string) bool {
	f, ok := functions[fn]
	return ok && f.readOnly
}

// Invoke runs transaction fn with its JSON argument against st and returns
// the JSON result. A refusal is an *Error and leaves st untouched: writes are
// buffered and reach st only when the whole transaction succeeds.
func (c *Contract) Invoke(st state.State, fn string, arg []byte) (result []byte, err error) {
	defer func() {
		// A bug must refuse the transaction, not crash the peer or the node.
		if r := recover(); r != nil {
			result, err = nil, errorf(CodeInternal, "%s: %v", fn, r)
		}
	}()
	f, ok := functions[fn]
	if !ok {
		return nil, errorf(CodeUnknownFunction, "unknown transaction %q", fn)
	}
	creator, err := st.Creator()
	if err != nil {
		return nil, errorf(CodeForbidden, "cannot read the transaction creator: %v", err)
	}
	tx := &txn{st: state.NewOverlay(st), creator: creator, now: st.TxTime().UTC(), id: st.TxID()}
	out, err := f.run(c, tx, arg)
	if err != nil {
		return nil, err
	}
	if !f.readOnly {
		if err := tx.st.Flush(); err != nil {
			return nil, err
		}
	}
	return json.Marshal(out)
}

// txn is one transaction's context as the rules see it.
type txn struct {
	st      *state.Overlay
	creator string
	now     time.Time
	id      string
	policy  *Policy
}

// decode parses a request strictly (strictjson): unknown fields, repeated
// keys, invalid UTF-8 and trailing data are refused, so that a typo never
// silently drops a field and no two readers of an argument see different
// requests.
func decode(arg []byte, v any) error {
	if len(bytes.TrimSpace(arg)) == 0 {
		arg = []byte("{}")
	}
	if err := strictjson.Decode(arg, v); err != nil {
		return errorf(CodeInvalidArgument, "request: %v", err)
	}
	return nil
}

func key(objectType string, attrs ...string) string {
	k, err := state.CompositeKey(objectType, attrs...)
	if err != nil {
		// Attributes are validated before keys are built; reaching this is
		// a bug, not bad input.
		panic(err)
	}
	return k
}

// scanJSON decodes each stored value of a scan over objectType and attrs
// (state.State's Scan) as a T and hands it to each.
func scanJSON[T any](st state.State, objectType string, attrs []string, each func(v T) error) error {
	return st.Scan(objectType, attrs, func(k string, b []byte) error {
		var v T
		// The contract's own JSON, as in getJSON.
		if err := fastjson.Unmarshal(b, &v); err != nil {
			return errorf(CodeInternal, "stored value at %q is corrupt: %v", k, err)
		}
		return each(v)
	})
}

// getJSON reads key into v and reports whether it existed.
func getJSON(st state.State, k string, v any) (bool, error) {
	b, err := st.Get(k)
	if err != nil {
		return false, err
	}
	if b == nil {
		return false, nil
	}
	// Stored values are the contract's own JSON: a faster decoder is safe
	// here, unlike for requests, which are decoded strictly.
	if err := fastjson.Unmarshal(b, v); err != nil {
		return false, errorf(CodeInternal, "stored value at %q is corrupt: %v", k, err)
	}
	return true, nil
}

func putJSON(st state.State, k string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return st.Put(k, b)
}

func (c *Contract) publicKey(pemText string) (*ecdsa.PublicKey, error) {
	if k, ok := c.keys.Load(pemText); ok {
		return k.(*ecdsa.PublicKey), nil
	}
	k, err := attestation.ParsePublicKeyPEM(pemText)
	if err != nil {
		return nil, err
	}
	c.keys.Store(pemText, k)
	return k, nil
}
