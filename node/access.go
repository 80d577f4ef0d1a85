package node

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// Capability is one thing a client may ask of the node. Every entry point
// of the node checks its capability first (Authorize): the client's roles
// and its member's standing on the ledger. The gateway may check early,
// before reading a body, with the same call; the table below is the only
// place that says which roles may do what.
type Capability int

const (
	// ReadOwnMember is reading the client's own member record: the one
	// thing a suspended or expelled member may still do, so that it can
	// see its standing.
	ReadOwnMember Capability = iota
	// ReadConsortium is reading the member list, another member's record
	// and the policy.
	ReadConsortium
	// Administer is admitting, suspending, reinstating and expelling
	// members and setting the policy (the association).
	Administer
	// ManageKeys is registering and revoking signing keys: the
	// association for anyone, a reporter for its own member.
	ManageKeys
	// DeriveKeys is turning raw identity numbers into subject keys.
	DeriveKeys
	// Report is filing defaults, settlements and revocations.
	Report
	// Lookup is reading subjects' status and history.
	Lookup
	// ReadAttestation is reading one attestation by id, with a purpose.
	ReadAttestation
	// OpenDispute is filing a subject's objection.
	OpenDispute
	// ResolveDispute is answering a dispute (the reporter or the
	// association).
	ResolveDispute
	// ReadDisputes is listing disputes.
	ReadDisputes
	// ReadAudit is reading the query audit log.
	ReadAudit
	// Monitor is the member's watchlist and webhook.
	Monitor
	// ReadAlerts is reading the member's alerts (the association's
	// admins too: budget-exceeded alerts are addressed to it).
	ReadAlerts

	// ReadStatistics is reading the association-wide statistics
	// (node/stats): the association's admins and auditors; the node also
	// refuses a client whose member is not the association.
	ReadStatistics

	// AlertRules is reading and replacing the member's alert rules
	// (node/rules), which attach handling plans to its alerts.
	AlertRules
	// ReadLog is reading the transparency log (checkpoints, inclusion and
	// consistency proofs) and the trust root: any active member's
	// clients. None of it names a subject: leaves are only served inside
	// evidence bundles.
	ReadLog
	// ReadEvidence is assembling a default's evidence bundle: the
	// reporter's clients, the association's, and the reporter's or the
	// association's auditors (evidence.go checks whose default it is).
	ReadEvidence
	// Protect is registering, renewing and removing a subject's
	// protective registration (identity theft): a reporter of any member
	// on the subject's behalf, or the association.
	Protect
	// ReadProtections is reading a subject's protective registrations,
	// audited like a lookup.
	ReadProtections
	// PoolStatistics is reading aggregate statistics of a pool of
	// subjects for ABS due diligence: the analyst role, and the
	// association's admins (who read the association-wide statistics
	// anyway). Never a querier: a pool answer is aggregates only, and a
	// querier reads single subjects already.
	PoolStatistics

	// Publish is making a publication of the blacklist (publish.go): an
	// admin, and the node checks the member is the association.
	Publish
	// ReadPublications is listing and reading publications: outside
	// credit agencies and admins (decision 0023: banks and queriers have
	// lookups, they do not need the whole list).
	ReadPublications

	// ReadLogHead is reading the log's latest checkpoint and consistency
	// proofs between two sizes: ReadLog's roles and outside credit
	// agencies, which check that a publication's checkpoint extends the
	// last one they saw. Hashes only; not the trust root (handed over out
	// of band, decision 0023) nor inclusion proofs.
	ReadLogHead
)

var capabilityRoles = map[Capability][]string{
	ReadOwnMember:   {RoleAdmin, RoleReporter, RoleQuerier, RoleAuditor},
	ReadConsortium:  {RoleAdmin, RoleReporter, RoleQuerier, RoleAuditor},
	Administer:      {RoleAdmin},
	ManageKeys:      {RoleAdmin, RoleReporter},
	DeriveKeys:      {RoleQuerier, RoleReporter},
	Report:          {RoleReporter, RoleAdmin},
	Lookup:          {RoleQuerier},
	ReadAttestation: {RoleQuerier, RoleReporter, RoleAdmin, RoleAuditor},
	OpenDispute:     {RoleReporter, RoleQuerier, RoleAdmin},
	ResolveDispute:  {RoleReporter, RoleAdmin},
	ReadDisputes:    {RoleReporter, RoleQuerier, RoleAdmin, RoleAuditor},
	ReadAudit:       {RoleAuditor, RoleAdmin},
	Monitor:         {RoleQuerier, RoleReporter},
	ReadAlerts:      {RoleQuerier, RoleReporter, RoleAdmin},

	ReadStatistics:  {RoleAdmin, RoleAuditor},
	AlertRules:      {RoleReporter, RoleQuerier},
	ReadLog:         {RoleAdmin, RoleReporter, RoleQuerier, RoleAuditor},
	ReadEvidence:    {RoleReporter, RoleAdmin, RoleAuditor},
	Protect:         {RoleReporter, RoleAdmin},
	ReadProtections: {RoleQuerier, RoleAdmin},
	PoolStatistics:  {RoleAnalyst, RoleAdmin},

	Publish:          {RoleAdmin},
	ReadPublications: {RoleAgency, RoleAdmin},

	ReadLogHead: {RoleAdmin, RoleReporter, RoleQuerier, RoleAuditor, RoleAgency},
}

// Roles lists the roles that may use capability.
func (cap Capability) Roles() []string { return capabilityRoles[cap] }

func forbidden(format string, args ...any) error {
	return &contract.Error{Code: contract.CodeForbidden, Msg: fmt.Sprintf(format, args...)}
}

// Authorize checks that c may use capability: one of its roles allows it,
// and, for anything but reading its own member record, its member is
// active on the ledger. A refusal is a *contract.Error with
// CodeForbidden.
func (n *Node) Authorize(ctx context.Context, c *Client, capability Capability) error {
	roles := capability.Roles()
	if !c.Has(roles...) {
		return forbidden("this needs one of the roles %s; client %s has %s", strings.Join(roles, ", "), c.Name, strings.Join(c.Roles, ", "))
	}
	if capability == ReadOwnMember {
		return nil
	}
	status, err := n.memberStatus(c.Member)
	if err != nil {
		return err
	}
	if status != contract.StatusActive {
		return forbidden("%s is %s: its clients may only read its own member record until the association reinstates it", c.Member, status)
	}
	return nil
}

// memberActive reports whether member is active on the ledger now; alert
// derivation and webhook delivery ask it before serving a member.
func (n *Node) memberActive(member string) (bool, error) {
	status, err := n.memberStatus(member)
	var ce *contract.Error
	if errors.As(err, &ce) && ce.Code == contract.CodeForbidden {
		return false, nil
	}
	return status == contract.StatusActive, err
}

// statusCache remembers members' standing and the policy at one ledger
// height: both change only by a committed transaction, so an answer is
// good until the height moves. Lookups at 10,000 requests a second then
// cost one ledger read per member and block, not one per request.
type statusCache struct {
	mu       sync.Mutex
	height   uint64
	byMember map[string]string
	policy   *contract.Policy
}

// at empties the cache if the ledger has moved past its height. Called
// with mu held.
func (c *statusCache) at(h uint64) {
	if c.height != h || c.byMember == nil {
		c.height, c.byMember, c.policy = h, map[string]string{}, nil
	}
}

// policyOf is the listing policy (with the daily budgets), read as member
// and cached per ledger height.
func (n *Node) policyOf(member string) (contract.Policy, error) {
	h := n.ledger.Height()
	n.statuses.mu.Lock()
	n.statuses.at(h)
	if p := n.statuses.policy; p != nil {
		n.statuses.mu.Unlock()
		return *p, nil
	}
	n.statuses.mu.Unlock()
	p, _, err := evaluate(n, member, contract.TxGetPolicy, contract.Empty{})
	if err != nil {
		return p, err
	}
	n.statuses.mu.Lock()
	if n.statuses.height == h {
		n.statuses.policy = &p
	}
	n.statuses.mu.Unlock()
	return p, nil
}

// memberStatus is member's status on the ledger (active, suspended,
// expelled). A client of an organisation that is not on the ledger gets a
// forbidden error.
func (n *Node) memberStatus(member string) (string, error) {
	h := n.ledger.Height()
	n.statuses.mu.Lock()
	n.statuses.at(h)
	if s, ok := n.statuses.byMember[member]; ok {
		n.statuses.mu.Unlock()
		return s, nil
	}
	n.statuses.mu.Unlock()
	// Read as the member itself: the contract lets any organisation on
	// the ledger read its own record, whatever its status.
	m, _, err := evaluate(n, member, contract.TxGetMember, contract.MemberRequest{MSPID: member})
	var ce *contract.Error
	if errors.As(err, &ce) && (ce.Code == contract.CodeNotFound || ce.Code == contract.CodeForbidden) {
		return "", forbidden("%s is not a member on the ledger", member)
	}
	if err != nil {
		return "", err
	}
	n.statuses.mu.Lock()
	if n.statuses.height == h {
		n.statuses.byMember[member] = m.Status
	}
	n.statuses.mu.Unlock()
	return m.Status, nil
}
