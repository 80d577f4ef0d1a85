package fabric

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

const followerEnv = "BLACKLIST_FABRIC_FOLLOWER_REPLICA"

// TestFollowerChild is not a test on its own: TestKilledDuringSync runs the
// test binary again as a Bank2 node that only follows the channel into its
// replica, printing its height, until it is killed.
func TestFollowerChild(t *testing.T) {
	dir := os.Getenv(followerEnv)
	if dir == "" {
		t.Skip("only runs as TestKilledDuringSync's child process")
	}
	l, err := openAt(t, networkDir(t), "bank2", "Bank2MSP", dir)
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	for {
		fmt.Println("height", l.Height())
		time.Sleep(20 * time.Millisecond)
	}
}

// TestKilledDuringSync kills a node with SIGKILL while its replica follows
// a stream of batches, restarts it on the same replica, and finds the
// replica caught up and byte for byte equal to the peer's world state: no
// block lost, none applied twice.
func TestKilledDuringSync(t *testing.T) {
	run := networkDir(t)
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	assoc := open(t, run, "assoc", "AssocMSP")
	bank1 := open(t, run, "bank1", "Bank1MSP")
	key, kid, _ := registerKey(ctx, t, bank1, "Bank1MSP", "Bank1MSP")

	dir := t.TempDir()
	child := exec.Command(os.Args[0], "-test.run=^TestFollowerChild$")
	child.Env = append(os.Environ(), followerEnv+"="+dir)
	out, _ := child.StdoutPipe()
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	heights := bufio.NewScanner(out)
	followed := make(chan uint64, 1000)
	go func() {
		for heights.Scan() {
			if h, ok := strings.CutPrefix(heights.Text(), "height "); ok {
				n, _ := strconv.ParseUint(h, 10, 64)
				followed <- n
			}
		}
		close(followed)
	}()

	stamp := time.Now().UnixNano()
	batch := func(b int) error {
		var jws []string
		for i := 0; i < 50; i++ {
			dpd, amount := 100, int64(1000+i)
			p := &attestation.Payload{V: 1, Type: "default", Reporter: "Bank1MSP", Subject: hexOf(fmt.Sprint("sync", stamp, b, i)),
				IssuedAt: time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), LoanRef: hexOf(fmt.Sprint("sync loan", stamp, b, i)),
				Product: "consumer", Amount: &amount, Currency: "CNY", OverdueSince: time.Now().AddDate(0, 0, -120).Format("2006-01-02"),
				DaysPastDue: &dpd, NoticeDate: time.Now().AddDate(0, 0, -90).Format("2006-01-02")}
			s, _, err := attestation.Sign(p, key, kid)
			if err != nil {
				return err
			}
			jws = append(jws, s)
		}
		_, err := bank1.Submit(ctx, "Bank1MSP", "SubmitAttestations", mustJSON(contract.SubmitRequest{Attestations: jws}))
		return err
	}
	for b := 0; b < 4; b++ {
		if err := batch(b); err != nil {
			t.Fatal(err)
		}
	}
	// Kill the follower once it is following, in the middle of the stream.
	var seen uint64
	for h := range followed {
		seen = h
		if h >= bank1.Height()-2 {
			break
		}
	}
	inFlight := make(chan error, 1)
	go func() { inFlight <- batch(4) }()
	time.Sleep(100 * time.Millisecond)
	child.Process.Signal(syscall.SIGKILL)
	child.Wait()
	if err := <-inFlight; err != nil {
		t.Fatal(err)
	}
	for b := 5; b < 8; b++ {
		if err := batch(b); err != nil {
			t.Fatal(err)
		}
	}

	l, err := openAt(t, run, "bank2", "Bank2MSP", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	resumed := l.Height()
	if err := l.Replica().WaitForHeight(ctx, bank1.Height()); err != nil {
		t.Fatal(err)
	}
	if err := assoc.Replica().WaitForHeight(ctx, bank1.Height()); err != nil {
		t.Fatal(err)
	}
	var want contract.StateDigestResult
	onPeer, err := assoc.EvaluateOnPeer(ctx, "StateDigest", nil)
	if err != nil {
		t.Fatal(err)
	}
	json.Unmarshal(onPeer.Payload, &want)
	h, d, err := l.Replica().Digest()
	if err != nil || d != want.Digest {
		t.Fatalf("restarted replica at %d differs from the peer's world state (%v)", h, err)
	}
	t.Logf("follower killed after height %d, resumed at %d, caught up to %d with the peer's digest", seen, resumed, h)
}
