package node

import (
	"context"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// AuditQueries reads the query audit log for a client that may read it.
// The association's clients see every member's entries; another member's
// auditor sees only its own member's, whatever the filter asks.
func (n *Node) AuditQueries(ctx context.Context, c *Client, f AuditFilter) ([]AuditEntry, error) {
	if err := n.Authorize(ctx, c, ReadAudit); err != nil {
		return nil, err
	}
	me, _, err := evaluate(n, c.Member, contract.TxGetMember, contract.MemberRequest{MSPID: c.Member})
	if err != nil {
		return nil, err
	}
	if !me.Association {
		if f.Member != "" && f.Member != me.MSPID {
			return nil, forbidden("an auditor of %s sees only its own member's lookups", me.MSPID)
		}
		f.Member = me.MSPID
	}
	return n.QueryAudit(f)
}
