package contract

import (
	"github.com/assoc-ledger/blacklist/chaincode/publication"

	"regexp"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/freetext"
)

var (
	mspIDPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)
	kidPattern   = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$`)
)

type config struct {
	Association   string `json:"association"`
	InitializedAt string `json:"initializedAt"`
}

func configKey() string           { return key("config", "association") }
func policyKey() string           { return key("config", "policy") }
func memberKey(msp string) string { return key("member", msp) }

func (c *Contract) initLedger(tx *txn, arg []byte) (any, error) {
	var req InitRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	var cfg config
	if ok, err := getJSON(tx.st, configKey(), &cfg); err != nil {
		return nil, err
	} else if ok {
		return nil, errorf(CodeConflict, "ledger already initialised with association %s", cfg.Association)
	}
	if !mspIDPattern.MatchString(req.Association) {
		return nil, errorf(CodeInvalidArgument, "association: %q is not a valid MSP ID", req.Association)
	}
	if c.Association != "" && req.Association != c.Association {
		return nil, errorf(CodeForbidden, "this chaincode only accepts %s as the association", c.Association)
	}
	if tx.creator != req.Association {
		return nil, errorf(CodeForbidden, "only %s itself may initialise the ledger as association", req.Association)
	}
	if err := checkText("legalName", req.LegalName, 1, 200); err != nil {
		return nil, err
	}
	now := FormatTime(tx.now)
	cfg = config{Association: req.Association, InitializedAt: now}
	m := Member{MSPID: req.Association, LegalName: req.LegalName, Association: true, Roles: []string{},
		Status: StatusActive, StatusChangedAt: now, AdmittedAt: now, Keys: []Key{}}
	if err := recordKeyCheck(tx, req.SubjectKeyCheck); err != nil {
		return nil, err
	}
	p := DefaultPolicy()
	p.UpdatedAt = now
	for k, v := range map[string]any{configKey(): cfg, memberKey(m.MSPID): m, policyKey(): p} {
		if err := putJSON(tx.st, k, v); err != nil {
			return nil, err
		}
	}
	return cfg, nil
}

func (tx *txn) association() (string, error) {
	cfg, ok, err := getConfig(tx)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", errorf(CodeFailedPrecondition, "ledger not initialised")
	}
	return cfg.Association, nil
}

func (tx *txn) isAssociation() (bool, error) {
	a, err := tx.association()
	return a == tx.creator, err
}

func (tx *txn) requireAssociation(what string) error {
	ok, err := tx.isAssociation()
	if err != nil {
		return err
	}
	if !ok {
		return errorf(CodeForbidden, "only the association may %s", what)
	}
	return nil
}

func (tx *txn) member(msp string) (*Member, error) {
	var m Member
	ok, err := getJSON(tx.st, memberKey(msp), &m)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(CodeNotFound, "no member %s", msp)
	}
	return &m, nil
}

// activeCreator returns the creator's member record, refusing anyone who is
// not an admitted, non-suspended, non-expelled member (the association counts
// as one).
func (tx *txn) activeCreator() (*Member, error) {
	if _, err := tx.association(); err != nil {
		return nil, err
	}
	m, err := tx.member(tx.creator)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == CodeNotFound {
			return nil, errorf(CodeForbidden, "%s is not a member", tx.creator)
		}
		return nil, err
	}
	if m.Status != StatusActive {
		return nil, errorf(CodeForbidden, "member %s is %s", m.MSPID, m.Status)
	}
	return m, nil
}

func (m *Member) hasRole(r string) bool { return slices.Contains(m.Roles, r) }

// checkText applies the free-text rule (package freetext: one line, no
// control, bidi or other invisible characters) and a length to a field
// people type.
func checkText(field, s string, minLen, maxLen int) error {
	if err := freetext.Check(s); err != nil {
		return errorf(CodeInvalidArgument, "%s: %v", field, err)
	}
	n := utf8.RuneCountInString(s)
	if n < minLen || n > maxLen || strings.TrimSpace(s) != s && n > 0 {
		return errorf(CodeInvalidArgument, "%s: must be %d to %d characters without surrounding spaces", field, minLen, maxLen)
	}
	return nil
}

func (c *Contract) checkKey(k KeyRequest) error {
	if !kidPattern.MatchString(k.KID) {
		return errorf(CodeInvalidArgument, "kid: %q is not a valid key id (letters, digits, . _ : -, at most 128)", k.KID)
	}
	if _, err := c.publicKey(k.PublicKey); err != nil {
		return errorf(CodeInvalidArgument, "publicKey of %s: %v", k.KID, err)
	}
	return nil
}

func (c *Contract) admitMember(tx *txn, arg []byte) (any, error) {
	var req AdmitMemberRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireAssociation("admit members"); err != nil {
		return nil, err
	}
	if !mspIDPattern.MatchString(req.MSPID) {
		return nil, errorf(CodeInvalidArgument, "mspId: %q is not a valid MSP ID", req.MSPID)
	}
	if err := checkText("legalName", req.LegalName, 1, 200); err != nil {
		return nil, err
	}
	if err := CheckCreditCode(req.CreditCode); err != nil {
		return nil, err
	}
	roles, err := normaliseRoles(req.Roles)
	if err != nil {
		return nil, err
	}
	if existing, err := tx.member(req.MSPID); err == nil {
		return nil, errorf(CodeConflict, "%s is already on the ledger (status %s)", req.MSPID, existing.Status)
	} else if e, ok := err.(*Error); !ok || e.Code != CodeNotFound {
		return nil, err
	}
	now := FormatTime(tx.now)
	m := Member{MSPID: req.MSPID, LegalName: req.LegalName, CreditCode: req.CreditCode, Roles: roles,
		Status: StatusActive, StatusChangedAt: now, AdmittedAt: now, Keys: []Key{}}
	for _, k := range req.Keys {
		if err := c.addKey(&m, k, now); err != nil {
			return nil, err
		}
	}
	if req.NodeKey != "" {
		if _, err := putNodeKey(tx, m.MSPID, req.NodeKey); err != nil {
			return nil, err
		}
	}
	return m, putJSON(tx.st, memberKey(m.MSPID), m)
}

func normaliseRoles(in []string) ([]string, error) {
	if len(in) == 0 {
		return nil, errorf(CodeInvalidArgument, "roles: at least one of reporter, querier")
	}
	out := []string{}
	for _, r := range in {
		if r != RoleReporter && r != RoleQuerier {
			return nil, errorf(CodeInvalidArgument, "roles: unknown role %q (reporter, querier)", r)
		}
		if !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	slices.Sort(out)
	return out, nil
}

func (c *Contract) addKey(m *Member, k KeyRequest, now string) error {
	if err := c.checkKey(k); err != nil {
		return err
	}
	for _, existing := range m.Keys {
		if existing.KID == k.KID {
			return errorf(CodeConflict, "kid %s is already registered for %s (kids are never reused)", k.KID, m.MSPID)
		}
	}
	m.Keys = append(m.Keys, Key{KID: k.KID, PublicKey: k.PublicKey, Status: KeyActive, RegisteredAt: now})
	return nil
}

// transition moves a member between statuses; from lists the statuses it
// may leave.
func (c *Contract) transition(tx *txn, arg []byte, verb, to string, from ...string) (any, error) {
	var req MemberStatusRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireAssociation(verb + " members"); err != nil {
		return nil, err
	}
	if err := checkText("reason", req.Reason, 1, 500); err != nil {
		return nil, err
	}
	m, err := tx.member(req.MSPID)
	if err != nil {
		return nil, err
	}
	if m.Association {
		return nil, errorf(CodeForbidden, "the association cannot %s itself", verb)
	}
	if !slices.Contains(from, m.Status) {
		return nil, errorf(CodeFailedPrecondition, "cannot %s %s: it is %s", verb, m.MSPID, m.Status)
	}
	m.Status, m.StatusReason, m.StatusChangedAt = to, req.Reason, FormatTime(tx.now)
	return m, putJSON(tx.st, memberKey(m.MSPID), m)
}

func (c *Contract) suspendMember(tx *txn, arg []byte) (any, error) {
	return c.transition(tx, arg, "suspend", StatusSuspended, StatusActive)
}

func (c *Contract) reinstateMember(tx *txn, arg []byte) (any, error) {
	return c.transition(tx, arg, "reinstate", StatusActive, StatusSuspended)
}

func (c *Contract) expelMember(tx *txn, arg []byte) (any, error) {
	return c.transition(tx, arg, "expel", StatusExpelled, StatusActive, StatusSuspended)
}

// keyOwner returns the member whose keys the creator wants to change: the
// association may change anyone's, an active member only its own.
func (tx *txn) keyOwner(msp string) (*Member, error) {
	creator, err := tx.activeCreator()
	if err != nil {
		return nil, err
	}
	if !creator.Association && msp != creator.MSPID {
		return nil, errorf(CodeForbidden, "%s may only manage its own keys", creator.MSPID)
	}
	m, err := tx.member(msp)
	if err != nil {
		return nil, err
	}
	if m.Status == StatusExpelled {
		return nil, errorf(CodeFailedPrecondition, "%s is expelled", msp)
	}
	return m, nil
}

func (c *Contract) registerKey(tx *txn, arg []byte) (any, error) {
	var req RegisterKeyRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	m, err := tx.keyOwner(req.MSPID)
	if err != nil {
		return nil, err
	}
	if err := c.addKey(m, req.KeyRequest, FormatTime(tx.now)); err != nil {
		return nil, err
	}
	return m, putJSON(tx.st, memberKey(m.MSPID), m)
}

func (c *Contract) revokeKey(tx *txn, arg []byte) (any, error) {
	var req RevokeKeyRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if req.Reason != "" {
		if err := checkText("reason", req.Reason, 1, 500); err != nil {
			return nil, err
		}
	}
	m, err := tx.keyOwner(req.MSPID)
	if err != nil {
		return nil, err
	}
	for i := range m.Keys {
		if m.Keys[i].KID != req.KID {
			continue
		}
		if m.Keys[i].Status != KeyActive {
			return nil, errorf(CodeFailedPrecondition, "key %s of %s is already revoked", req.KID, m.MSPID)
		}
		m.Keys[i].Status, m.Keys[i].RevokedAt = KeyRevoked, FormatTime(tx.now)
		return m, putJSON(tx.st, memberKey(m.MSPID), m)
	}
	return nil, errorf(CodeNotFound, "%s has no key %s", m.MSPID, req.KID)
}

func (c *Contract) setPolicy(tx *txn, arg []byte) (any, error) {
	var p Policy
	if err := decode(arg, &p); err != nil {
		return nil, err
	}
	if err := tx.requireAssociation("set the policy"); err != nil {
		return nil, err
	}
	if err := p.validate(); err != nil {
		return nil, err
	}
	p.UpdatedAt = FormatTime(tx.now)
	tx.policy = &p
	return p, putJSON(tx.st, policyKey(), p)
}

func (p *Policy) validate() error {
	switch {
	case p.MinDaysPastDue < 1 || p.MinDaysPastDue > 3650:
		return errorf(CodeInvalidArgument, "minDaysPastDue: must be 1 to 3650, got %d", p.MinDaysPastDue)
	case p.RetentionYears < 1 || p.RetentionYears > 30:
		return errorf(CodeInvalidArgument, "retentionYears: must be 1 to 30, got %d", p.RetentionYears)
	case p.DisputeAnswerDays < 1 || p.DisputeAnswerDays > 365:
		return errorf(CodeInvalidArgument, "disputeAnswerDays: must be 1 to 365, got %d", p.DisputeAnswerDays)
	case p.PoolMinCount < 0 || p.PoolMinCount == 1 || p.PoolMinCount > 1000:
		return errorf(CodeInvalidArgument, "poolMinCount: must be 2 to 1000, or 0 for the default of %d, got %d", DefaultPoolMinCount, p.PoolMinCount)
	case p.ProtectionMonths < 0 || p.ProtectionMonths > 120:
		return errorf(CodeInvalidArgument, "protectionMonths: must be 1 to 120, or 0 for the default of %d, got %d", DefaultProtectionMonths, p.ProtectionMonths)
	}
	if p.LogQuorum < 0 || p.LogQuorum > 1000 {
		return errorf(CodeInvalidArgument, "logQuorum: must be 0 (a majority of the active organisations) to 1000, got %d", p.LogQuorum)
	}
	if err := p.validateBudgets(); err != nil {
		return err
	}
	if p.PublicationSchedule != "" {
		// Syntax only: the zone is resolved by the association's node,
		// never by the contract (peers' time zone data may differ).
		if _, _, err := publication.SplitSchedule(p.PublicationSchedule); err != nil {
			return errorf(CodeInvalidArgument, "publicationSchedule: %v", err)
		}
	}
	if p.MinAmount == nil {
		p.MinAmount = map[string]int64{}
	}
	for cur, v := range p.MinAmount {
		if !attestation.IsCurrency(cur) {
			return errorf(CodeInvalidArgument, "minAmount: %q is not an ISO 4217 currency code", cur)
		}
		if v < 0 {
			return errorf(CodeInvalidArgument, "minAmount[%s]: must not be negative", cur)
		}
	}
	return nil
}

func (tx *txn) getPolicy() (*Policy, error) {
	if tx.policy != nil {
		return tx.policy, nil
	}
	p, ok, err := readPolicy(tx)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, errorf(CodeFailedPrecondition, "ledger not initialised")
	}
	tx.policy = p
	return p, nil
}

const creditCodeChars = "0123456789ABCDEFGHJKLMNPQRTUWXY"

var creditCodeWeights = [17]int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}

// CheckCreditCode validates an 18-character unified social credit code
// (GB 32100-2015), including its check character.
func CheckCreditCode(s string) error {
	if len(s) != 18 {
		return errorf(CodeInvalidArgument, "creditCode: must be 18 characters, got %d", len(s))
	}
	sum := 0
	for i := 0; i < 17; i++ {
		v := strings.IndexByte(creditCodeChars, s[i])
		if v < 0 {
			return errorf(CodeInvalidArgument, "creditCode: character %d is not allowed", i+1)
		}
		sum += v * creditCodeWeights[i]
	}
	want := creditCodeChars[(31-sum%31)%31]
	if s[17] != want {
		return errorf(CodeInvalidArgument, "creditCode: check character does not match")
	}
	return nil
}
