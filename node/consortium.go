package node

import (
	"context"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Members lists the consortium's members as of the returned height.
func (n *Node) Members(ctx context.Context, c *Client) ([]contract.Member, uint64, error) {
	if err := n.Authorize(ctx, c, ReadConsortium); err != nil {
		return nil, 0, err
	}
	return evaluate(n, c.Member, contract.TxListMembers, contract.Empty{})
}

// Member reads one member's record. A client may always read its own
// member's record, whatever the member's status, so that a suspended bank
// sees why.
func (n *Node) Member(ctx context.Context, c *Client, msp string) (contract.Member, uint64, error) {
	capability := ReadConsortium
	if msp == c.Member {
		capability = ReadOwnMember
	}
	if err := n.Authorize(ctx, c, capability); err != nil {
		return contract.Member{}, 0, err
	}
	return evaluate(n, c.Member, contract.TxGetMember, contract.MemberRequest{MSPID: msp})
}

// AdmitMember admits an organisation (the association's clients).
func (n *Node) AdmitMember(ctx context.Context, c *Client, req contract.AdmitMemberRequest) (contract.Member, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Administer); err != nil {
		return contract.Member{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxAdmitMember, req)
}

// MemberAction is a change of a member's standing.
type MemberAction int

const (
	Suspend MemberAction = iota
	Reinstate
	Expel
)

var memberActions = map[MemberAction]contract.Transaction[contract.MemberStatusRequest, contract.Member]{
	Suspend: contract.TxSuspendMember, Reinstate: contract.TxReinstateMember, Expel: contract.TxExpelMember,
}

// ChangeMemberStatus suspends, reinstates or expels a member (the
// association's clients).
func (n *Node) ChangeMemberStatus(ctx context.Context, c *Client, action MemberAction, msp, reason string) (contract.Member, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Administer); err != nil {
		return contract.Member{}, ledger.Result{}, err
	}
	m, res, err := submit(ctx, n, c.Member, memberActions[action], contract.MemberStatusRequest{MSPID: msp, Reason: reason})
	if err == nil && action == Reinstate && n.webhooks != nil {
		// Alerts held while the member was out go out now, not at the
		// dispatcher's next periodic check.
		n.webhooks.Recheck(msp)
	}
	return m, res, err
}

// authorizeKeys lets the association's clients manage any member's keys
// and a reporter only its own member's.
func (n *Node) authorizeKeys(ctx context.Context, c *Client, msp string) error {
	if err := n.Authorize(ctx, c, ManageKeys); err != nil {
		return err
	}
	if !c.Has(RoleAdmin) && msp != c.Member {
		return forbidden("%s may only manage its own keys", c.Member)
	}
	return nil
}

// RegisterKey registers a signing key for msp.
func (n *Node) RegisterKey(ctx context.Context, c *Client, msp string, key contract.KeyRequest) (contract.Member, ledger.Result, error) {
	if err := n.authorizeKeys(ctx, c, msp); err != nil {
		return contract.Member{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxRegisterKey, contract.RegisterKeyRequest{MSPID: msp, KeyRequest: key})
}

// RevokeKey revokes msp's signing key kid.
func (n *Node) RevokeKey(ctx context.Context, c *Client, msp, kid, reason string) (contract.Member, ledger.Result, error) {
	if err := n.authorizeKeys(ctx, c, msp); err != nil {
		return contract.Member{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxRevokeKey, contract.RevokeKeyRequest{MSPID: msp, KID: kid, Reason: reason})
}

// Policy reads the listing policy.
func (n *Node) Policy(ctx context.Context, c *Client) (contract.Policy, uint64, error) {
	if err := n.Authorize(ctx, c, ReadConsortium); err != nil {
		return contract.Policy{}, 0, err
	}
	return evaluate(n, c.Member, contract.TxGetPolicy, contract.Empty{})
}

// SetPolicy replaces the listing policy (the association's clients).
func (n *Node) SetPolicy(ctx context.Context, c *Client, p contract.Policy) (contract.Policy, ledger.Result, error) {
	if err := n.Authorize(ctx, c, Administer); err != nil {
		return contract.Policy{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxSetPolicy, p)
}

// OpenDispute files a subject's objection to an attestation.
func (n *Node) OpenDispute(ctx context.Context, c *Client, req contract.OpenDisputeRequest) (contract.Dispute, ledger.Result, error) {
	if err := n.Authorize(ctx, c, OpenDispute); err != nil {
		return contract.Dispute{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxOpenDispute, req)
}

// ResolveDispute answers a dispute (its default's reporter or the
// association).
func (n *Node) ResolveDispute(ctx context.Context, c *Client, req contract.ResolveDisputeRequest) (contract.Dispute, ledger.Result, error) {
	if err := n.Authorize(ctx, c, ResolveDispute); err != nil {
		return contract.Dispute{}, ledger.Result{}, err
	}
	return submit(ctx, n, c.Member, contract.TxResolveDispute, req)
}

// Disputes lists disputes, optionally in one state.
func (n *Node) Disputes(ctx context.Context, c *Client, state string) ([]contract.Dispute, uint64, error) {
	if err := n.Authorize(ctx, c, ReadDisputes); err != nil {
		return nil, 0, err
	}
	return evaluate(n, c.Member, contract.TxListDisputes, contract.ListDisputesRequest{State: state})
}
