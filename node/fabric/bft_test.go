package fabric

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// consensusOf is the ordering of the network in run: "raft" or "bft", as
// `scripts/network.sh up` recorded it in run/consensus when it made the
// genesis block (no file: a Raft network).
func consensusOf(t testing.TB, run string) string {
	b, err := os.ReadFile(filepath.Join(run, "consensus"))
	if os.IsNotExist(err) {
		return "raft"
	}
	if err != nil {
		t.Fatal(err)
	}
	return strings.TrimSpace(string(b))
}

// networkOf is networkDir for the tests of one kind of ordering: they skip
// on a network ordered otherwise.
func networkOf(t testing.TB, consensus string) string {
	run := networkDir(t)
	if got := consensusOf(t, run); got != consensus {
		t.Skipf("the network in %s is ordered by %s, this test needs %s (scripts/network.sh up --consensus %s)", run, got, consensus, consensus)
	}
	return run
}

var bftOrderers = []string{"orderer0", "orderer1", "orderer2", "orderer3"}

// bftLeader is the orderer that most running orderers name as the leader
// of the current view (metric consensus_BFT_leader_id, the consenter ID:
// orderer0 is 1); "" when none answers. A majority rather than is_leader,
// which a restarted orderer that caught up by pulling blocks reports as of
// its last own decision.
func bftLeader(t *testing.T, run string) string {
	votes, best := map[string]int{}, ""
	for _, o := range bftOrderers {
		id := ordererMetric(t, run, o, "consensus_BFT_leader_id")
		if id < 1 || int(id) > len(bftOrderers) {
			continue
		}
		l := bftOrderers[int(id)-1]
		votes[l]++
		if votes[l] > votes[best] {
			best = l
		}
	}
	return best
}

// TestBFTOneOrdererDown stops the leader of the four SmartBFT orderers, the
// one fault 3f+1 = 4 tolerates: writes still commit, once the other three
// (a quorum) have changed the view to a new leader. The stopped orderer
// then starts again and catches up; then all four stop and start at once,
// and writes commit again from what each had on disk.
func TestBFTOneOrdererDown(t *testing.T) {
	run := networkOf(t, "bft")
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
	defer cancel()
	assoc := open(t, run, "assoc", "AssocMSP")
	if _, err := policyWrite(ctx, assoc); err != nil {
		t.Fatal(err)
	}
	leader := bftLeader(t, run)
	if leader == "" {
		t.Fatal("no orderer reports being the SmartBFT leader")
	}

	network(t, run, "stop", leader)
	began := time.Now()
	var h uint64
	for i := 0; i < 3; i++ {
		var err error
		if h, err = policyWrite(ctx, assoc); err != nil {
			t.Fatalf("write %d with the leader %s down: %v", i, leader, err)
		}
	}
	t.Logf("leader %s stopped: three writes committed in %s, up to height %d; new leader %q", leader,
		time.Since(began).Round(100*time.Millisecond), h, bftLeader(t, run))

	network(t, run, "start", leader)
	h = bftWrite(ctx, t, assoc, leader+" restarted")
	// As an operator would: the next stop only once it has caught up.
	// (Its ledger height: consensus_BFT_committed_block_number counts only
	// the blocks it took part in deciding, not those it pulled.)
	for ordererMetric(t, run, leader, "ledger_blockchain_height") < float64(h) {
		if ctx.Err() != nil {
			t.Fatalf("%s did not catch up with height %d", leader, h)
		}
		time.Sleep(200 * time.Millisecond)
	}

	network(t, run, append([]string{"stop"}, bftOrderers...)...)
	network(t, run, append([]string{"start"}, bftOrderers...)...)
	bftWrite(ctx, t, assoc, "all four orderers restarted")
}

// bftWrite is one write through node l that must commit; it returns the
// height after it.
func bftWrite(ctx context.Context, t *testing.T, l *Ledger, what string) uint64 {
	t.Helper()
	began := time.Now()
	h, err := policyWrite(ctx, l)
	if err != nil {
		t.Fatalf("%s: the write failed: %v", what, err)
	}
	t.Logf("%s: a write committed at height %d after %s", what, h, time.Since(began).Round(100*time.Millisecond))
	return h
}

// TestConsensusRecorded: the run directory says how the network is
// ordered, and exactly the orderers of that ordering take part in it.
func TestConsensusRecorded(t *testing.T) {
	run := networkDir(t)
	consensus := consensusOf(t, run)
	metric, want := map[string]string{"raft": "consensus_etcdraft_committed_block_number", "bft": "consensus_BFT_committed_block_number"}[consensus],
		map[string]int{"raft": 3, "bft": 4}[consensus]
	if want == 0 {
		t.Fatalf("%s/consensus says %q: neither raft nor bft", run, consensus)
	}
	up := 0
	for _, o := range bftOrderers {
		if ordererMetric(t, run, o, metric) >= 0 {
			up++
		}
	}
	if up != want {
		t.Fatalf("%s network: %d orderers report %s, want %d", consensus, up, metric, want)
	}
}
