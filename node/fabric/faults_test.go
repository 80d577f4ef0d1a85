package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"os/exec"
	"path/filepath"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// network runs scripts/network.sh of the repository that holds run.
func network(t *testing.T, run string, args ...string) {
	t.Helper()
	script := filepath.Join(run, "..", "..", "scripts", "network.sh")
	if out, err := exec.Command(script, args...).CombinedOutput(); err != nil {
		t.Fatalf("network.sh %v: %v\n%s", args, err, out)
	}
}

// policyWrite is a harmless write by the association: the unchanged
// policy again (only its updatedAt moves).
func policyWrite(ctx context.Context, l *Ledger) (uint64, error) {
	res, err := l.EvaluateOnPeer(ctx, "GetPolicy", nil)
	if err != nil {
		return 0, err
	}
	var p contract.Policy
	if err := json.Unmarshal(res.Payload, &p); err != nil {
		return 0, err
	}
	p.UpdatedAt = ""
	out, err := l.Submit(ctx, "AssocMSP", "SetPolicy", mustJSON(p))
	return out.Height, err
}

// TestOneOrdererDown stops one of the three Raft orderers: writes still
// commit through the other two.
func TestOneOrdererDown(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	assoc := open(t, run, "assoc", "AssocMSP")
	network(t, run, "stop", "orderer1")
	defer network(t, run, "start", "orderer1")
	for i := 0; i < 3; i++ {
		if _, err := policyWrite(ctx, assoc); err != nil {
			t.Fatalf("write %d with orderer1 down: %v", i, err)
		}
	}
}

// TestPeerRestart restarts the organisation's peer under a running node:
// the node reports the peer unavailable meanwhile, then reconnects by
// itself, for writes and for its replica's block stream.
func TestPeerRestart(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	assoc := open(t, run, "assoc", "AssocMSP")
	if _, err := policyWrite(ctx, assoc); err != nil {
		t.Fatal(err)
	}
	network(t, run, "stop", "peer-assoc")
	short, stop := context.WithTimeout(ctx, 5*time.Second)
	_, err := policyWrite(short, assoc)
	stop()
	if err == nil {
		t.Fatal("a write succeeded with the organisation's peer down")
	}
	t.Logf("with the peer down: %v (unavailable: %v)", err, errors.Is(err, ErrUnavailable))
	network(t, run, "start", "peer-assoc")

	// The gateway needs its peers found by gossip again before it can
	// endorse: retry as a client would on 503.
	var height uint64
	for attempt := 1; ; attempt++ {
		height, err = policyWrite(ctx, assoc)
		if err == nil {
			t.Logf("write after the restart succeeded on attempt %d", attempt)
			break
		}
		if ctx.Err() != nil {
			t.Fatalf("the node never reconnected: %v", err)
		}
		time.Sleep(time.Second)
	}
	if err := assoc.Replica().WaitForHeight(ctx, height); err != nil {
		t.Fatalf("the replica's block stream did not resume: %v", err)
	}
}
