package node

import (
	"context"
	"errors"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// auditScope decides whose audit log client c may read, given the member
// it asked for: the association's clients any member's (with all, "" means
// every member; without, their own), another member's clients only their
// own.
func (n *Node) auditScope(ctx context.Context, c *Client, asked string, all bool) (string, error) {
	if err := n.Authorize(ctx, c, ReadAudit); err != nil {
		return "", err
	}
	me, _, err := evaluate(n, c.Member, contract.TxGetMember, contract.MemberRequest{MSPID: c.Member})
	if err != nil {
		return "", err
	}
	if me.Association {
		if asked == "" && !all {
			asked = me.MSPID
		}
		return asked, nil
	}
	if asked != "" && asked != me.MSPID {
		return "", forbidden("an auditor of %s sees only its own member's lookups", me.MSPID)
	}
	return me.MSPID, nil
}

// AuditQueries reads the query audit log for a client that may read it,
// filtered and paged (f.Member is the member asked for). The association's
// clients see every member's entries; another member's auditor sees only
// its own member's. With a subject it answers from the subject index.
func (n *Node) AuditQueries(ctx context.Context, c *Client, f AuditFilter) ([]AuditEntry, error) {
	member, err := n.auditScope(ctx, c, f.Member, true)
	if err != nil {
		return nil, err
	}
	f.Member = member
	return n.QueryAudit(f)
}

// errExportDone ends an export at the head it started with.
var errExportDone = errors.New("export done")

// ExportAuditLog streams the audit chain of the member asked for (default:
// the client's own) after position after, up to the head it has when the
// export starts, which start is told before the first entry.
func (n *Node) ExportAuditLog(ctx context.Context, c *Client, asked string, after uint64, start func(member string, head AuditHead), fn func(AuditEntry) error) error {
	member, err := n.auditScope(ctx, c, asked, false)
	if err != nil {
		return err
	}
	head := n.AuditHeadOf(member)
	start(member, head)
	err = n.exportAudit(member, after, func(e AuditEntry) error {
		if e.Pos > head.Size {
			return errExportDone
		}
		return fn(e)
	})
	if errors.Is(err, errExportDone) {
		return nil
	}
	return err
}

// AuditAnchors lists the audit heads member (default: the client's own)
// anchored on the ledger. Anchors carry no personal data: any member's
// auditor may read any member's. For the client's own member, local is
// this node's chain head, to compare with the last anchor.
func (n *Node) AuditAnchors(ctx context.Context, c *Client, member string) (anchors []contract.AuditAnchor, height uint64, local *AuditHead, err error) {
	if err := n.Authorize(ctx, c, ReadAudit); err != nil {
		return nil, 0, nil, err
	}
	if member == "" {
		member = c.Member
	}
	anchors, height, err = n.auditAnchors(c, member)
	if err == nil && member == c.Member {
		h := n.AuditHeadOf(member)
		local = &h
	}
	return anchors, height, local, err
}
