package fabric

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node"
)

// TestNetworkHealthOfTheNetwork: the association's node, configured with
// the operations endpoints of its peer and of the orderers (as
// scripts/network.sh's node_cmdline does), finds them healthy, its
// replica at its peer's channel height, and its organisation's latest
// cosignature of the log on the ledger.
func TestNetworkHealthOfTheNetwork(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	items := []string{fmt.Sprintf("peer=http://%s:%d", hostOf(t, run, "ASSOC_HOST"), portOf(t, run, "ASSOC_OPS_PORT"))}
	for _, o := range []string{"ORDERER0", "ORDERER1", "ORDERER2"} {
		items = append(items, fmt.Sprintf("%s=http://%s:%d", o, hostOf(t, run, "ORDERER_HOST"), portOf(t, run, o+"_OPS_PORT")))
	}
	ops, err := node.ParseOpsEndpoints(items)
	if err != nil {
		t.Fatal(err)
	}
	l, err := openAt(t, run, "assoc", "AssocMSP", t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	n, err := node.OpenWith(t.TempDir(), l, node.Options{Logf: t.Logf, LogCosigners: []string{"AssocMSP"}, LogCheckpointInterval: -1,
		AuditAnchorInterval: -1, OpsEndpoints: ops})
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	key, err := n.CreateClient(fmt.Sprint("health-", time.Now().UnixNano()), "AssocMSP", []string{node.RoleAdmin})
	if err != nil {
		t.Fatal(err)
	}
	admin, _ := n.Authenticate(key)
	peer, err := l.ChannelHeight(ctx)
	if err != nil || peer == 0 {
		t.Fatalf("channel height %d: %v", peer, err)
	}
	if err := l.Replica().WaitForHeight(ctx, peer); err != nil {
		t.Fatal(err)
	}
	if _, err := n.TransparencyLog().CatchUp(); err != nil {
		t.Fatal(err)
	}
	if err := n.CosignCheckpoints(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := n.NetworkHealth(ctx, admin)
	if err != nil || !h.Network || h.PeerError != "" || h.PeerHeight < peer || h.ReplicaHeight < peer {
		t.Fatalf("%+v %v", h, err)
	}
	for _, p := range h.Processes {
		if !p.OK {
			t.Errorf("%s (%s): %+v", p.Name, p.URL, p)
		}
	}
	found := false
	for _, o := range h.Organisations {
		t.Logf("%s cosigned size %d at %s (log %d)", o.MSPID, o.Size, o.SignedAt, h.LogSize)
		if o.MSPID == "AssocMSP" {
			found = o.Size > 0 && o.SignedAt != ""
		}
	}
	if !found {
		t.Fatalf("the association's cosignature is not found: %+v", h.Organisations)
	}
}
