package fabric

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
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
	run := networkOf(t, "raft")
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
// the node reports the peer unavailable meanwhile; right after the restart
// a write through the node commits at the first attempt of the caller,
// though the restarted peer's gossip has not found the other organisations'
// peers yet (the node retries the endorsement, Options.EndorseRetry), and
// the replica's block stream resumes by itself.
func TestPeerRestart(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	assoc := open(t, run, "assoc", "AssocMSP")
	if _, err := policyWrite(ctx, assoc); err != nil {
		t.Fatal(err)
	}
	// The write after the restart must not need the peer for anything but
	// the write itself: the policy is read now.
	res, err := assoc.EvaluateOnPeer(ctx, "GetPolicy", nil)
	if err != nil {
		t.Fatal(err)
	}
	var p contract.Policy
	if err := json.Unmarshal(res.Payload, &p); err != nil {
		t.Fatal(err)
	}
	p.UpdatedAt = ""

	network(t, run, "stop", "peer-assoc")
	short, stop := context.WithTimeout(ctx, 5*time.Second)
	_, err = policyWrite(short, assoc)
	stop()
	if err == nil {
		t.Fatal("a write succeeded with the organisation's peer down")
	}
	t.Logf("with the peer down: %v (unavailable: %v)", err, errors.Is(err, ErrUnavailable))
	network(t, run, "start", "peer-assoc")

	began := time.Now()
	out, err := assoc.Submit(ctx, "AssocMSP", "SetPolicy", mustJSON(p))
	if err != nil {
		t.Fatalf("the first write right after the peer restart: %v", err)
	}
	t.Logf("the first write after the restart committed in %s", time.Since(began).Round(time.Millisecond))
	if err := assoc.Replica().WaitForHeight(ctx, out.Height); err != nil {
		t.Fatalf("the replica's block stream did not resume: %v", err)
	}
}

var orderers = []string{"orderer0", "orderer1", "orderer2"}

// TestOrderersRestartAfterLoad: blocks of several megabytes, then all three
// Raft orderers stopped and started at once, then each one restarted in
// turn: every time a leader is elected from the write-ahead logs and a
// write commits. On the April-2023 snapshot of Fabric's main branch this
// failed on every fresh network: the orderers replayed only part of the
// channel's Raft membership entries and never elected a leader (Fabric
// #4199, fixed in v2.5.3 and every v3; docs/fabric-network.md).
func TestOrderersRestartAfterLoad(t *testing.T) {
	run := networkOf(t, "raft")
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Minute)
	defer cancel()
	largest, _ := largeBlocks(ctx, t, run)
	t.Logf("load: blocks up to %.1f MiB", float64(largest)/(1<<20))
	assoc := open(t, run, "assoc", "AssocMSP")

	network(t, run, append([]string{"stop"}, orderers...)...)
	network(t, run, append([]string{"start"}, orderers...)...)
	restartedWrite(ctx, t, run, assoc, "all three orderers restarted at once")

	for _, o := range orderers {
		network(t, run, "stop", o)
		network(t, run, "start", o)
		h := restartedWrite(ctx, t, run, assoc, o+" restarted")
		// As an operator would: the next orderer goes down only once this
		// one has caught up.
		for ordererMetric(t, run, o, "consensus_etcdraft_committed_block_number") < float64(h-1) {
			if ctx.Err() != nil {
				t.Fatalf("%s did not catch up with block %d", o, h-1)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
}

// restartedWrite waits until the orderers have a Raft leader, then one
// write through node l must commit; it returns the height after it.
func restartedWrite(ctx context.Context, t *testing.T, run string, l *Ledger, what string) uint64 {
	t.Helper()
	began := time.Now()
	leader := ""
	for leader == "" {
		for _, o := range orderers {
			if ordererMetric(t, run, o, "consensus_etcdraft_is_leader") == 1 {
				leader = o
			}
		}
		if leader == "" {
			if ctx.Err() != nil {
				t.Fatalf("%s: no Raft leader was elected", what)
			}
			time.Sleep(200 * time.Millisecond)
		}
	}
	elected := time.Since(began)
	h, err := policyWrite(ctx, l)
	if err != nil {
		t.Fatalf("%s: leader %s, but the write failed: %v", what, leader, err)
	}
	t.Logf("%s: leader %s after %s, a write committed at height %d after %s", what, leader,
		elected.Round(100*time.Millisecond), h, time.Since(began).Round(100*time.Millisecond))
	return h
}

// ordererMetric reads the channel's value of a Prometheus gauge from
// orderer o's operations endpoint; -1 when the orderer does not answer.
func ordererMetric(t *testing.T, run, o, name string) float64 {
	t.Helper()
	port := portOf(t, run, strings.ToUpper(o)+"_OPS_PORT")
	resp, err := http.Get(fmt.Sprintf("http://%s:%d/metrics", hostOf(t, run, "ORDERER_HOST"), port))
	if err != nil {
		return -1
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return -1
	}
	prefix := name + `{channel="blacklist"} `
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, prefix); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}
