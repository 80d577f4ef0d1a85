package node

import (
	"context"
	"strings"
	"testing"
	"time"
)

func TestAnchorAuditWhenTheHeadMovedAndOnClose(t *testing.T) {
	dir := t.TempDir()
	n, l := openNode(t, dir)
	defer l.Close()
	ctx := context.Background()
	if _, err := n.SetupDemo(ctx, dir, "http://test"); err != nil {
		t.Fatal(err)
	}
	c := &Client{Name: "app", Member: DemoBank1}
	anchors := func(n *Node) int {
		t.Helper()
		list, _, err := n.auditAnchors(c, DemoBank1)
		if err != nil {
			t.Fatal(err)
		}
		return len(list)
	}
	if err := n.audit([]AuditEntry{{Client: "app", Member: DemoBank1, Subject: "s1", Kind: AuditStatus}}); err != nil {
		t.Fatal(err)
	}
	if err := n.AnchorAudit(ctx); err != nil {
		t.Fatal(err)
	}
	list, _, _ := n.auditAnchors(c, DemoBank1)
	h := n.AuditHeadOf(DemoBank1)
	if len(list) != 1 || list[0].Size != 1 || list[0].Head != h.Hash || list[0].KID == "" || list[0].Signature == "" {
		t.Fatalf("anchors = %+v, head %+v", list, h)
	}
	// Nothing moved: no transaction.
	height := l.Height()
	if err := n.AnchorAudit(ctx); err != nil || l.Height() != height {
		t.Fatalf("an unmoved head was anchored again: %v, height %d -> %d", err, height, l.Height())
	}
	// A member the ledger does not know is reported, the others anchored.
	n.audit([]AuditEntry{{Client: "x", Member: "GhostMSP", Subject: "s"}, {Client: "app", Member: DemoBank1, Subject: "s2"}})
	if err := n.AnchorAudit(ctx); err == nil {
		t.Fatal("anchoring for a member the ledger does not know did not fail")
	}
	if anchors(n) != 2 {
		t.Fatal("the known member was not anchored beside the failure")
	}
	// A revoked key on the ledger does not stop anchoring: unsigned then.
	kid, _ := n.SigningKID(DemoBank1)
	if _, err := l.Submit(ctx, DemoBank1, "RevokeKey", []byte(`{"mspId":"`+DemoBank1+`","kid":"`+kid+`"}`)); err != nil {
		t.Fatal(err)
	}
	n.audit([]AuditEntry{{Client: "app", Member: DemoBank1, Subject: "s2b"}})
	if err := n.AnchorAudit(ctx); err == nil || strings.Contains(err.Error(), DemoBank1) {
		t.Fatalf("anchoring after the key's revocation: %v", err)
	}
	if list, _, _ := n.auditAnchors(c, DemoBank1); len(list) != 3 || list[2].KID != "" {
		t.Fatalf("unsigned anchor after revocation: %+v", list)
	}
	// Close anchors what moved since.
	n.audit([]AuditEntry{{Client: "app", Member: DemoBank1, Subject: "s3"}})
	n.Close()
	n, err := OpenWith(dir, l, Options{AuditAnchorInterval: time.Hour})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	if anchors(n) != 4 {
		t.Fatal("Close did not anchor the moved head")
	}
}
