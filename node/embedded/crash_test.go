package embedded

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// crashChildEnv makes the test binary act as the writer that gets killed.
const crashChildEnv = "BLACKLIST_CRASH_CHILD_DIR"

// TestCrashChild is not a test on its own: TestCrashRecovery runs the test
// binary again with crashChildEnv set, and this function then submits
// attestations from several goroutines, printing each acknowledged id,
// until it is killed.
func TestCrashChild(t *testing.T) {
	dir := os.Getenv(crashChildEnv)
	if dir == "" {
		t.Skip("only runs as TestCrashRecovery's child process")
	}
	l, err := Open(Options{Dir: dir})
	if err != nil {
		fmt.Println("error", err)
		os.Exit(1)
	}
	k := consortium(t, l)
	out := bufio.NewWriter(os.Stdout)
	var mu sync.Mutex
	emit := func(line string) {
		mu.Lock()
		defer mu.Unlock()
		out.WriteString(line + "\n")
		out.Flush()
	}
	var wg sync.WaitGroup
	for w := 0; w < 6; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				// Mix single submits and batches of five.
				n := 1 + (i%2)*4
				var jws, ids []string
				for j := 0; j < n; j++ {
					s, id := signedDefault(t, k, w*1_000_000+i*10+j)
					jws, ids = append(jws, s), append(ids, id)
				}
				r, _, err := submitBatch(context.Background(), l, jws...)
				if err != nil || r.Accepted != n {
					emit(fmt.Sprintf("error %v %+v", err, r))
					return
				}
				emit("ack " + strings.Join(ids, " "))
			}
		}(w)
	}
	wg.Wait()
	os.Exit(1)
}

// TestCrashRecovery kills a writer with SIGKILL in the middle of concurrent
// submits, reopens its ledger, and checks that every acknowledged
// attestation is there, that nothing is half-applied and that the hash chain
// and the world state verify.
func TestCrashRecovery(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrashChild$", "-test.v")
	cmd.Env = append(os.Environ(), crashChildEnv+"="+dir)
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var acked []string
	lines := bufio.NewScanner(stdout)
	lines.Buffer(make([]byte, 1<<20), 1<<20)
read:
	for lines.Scan() {
		f := strings.Fields(lines.Text())
		if len(f) == 0 {
			continue
		}
		switch f[0] {
		case "ack":
			acked = append(acked, f[1:]...)
		case "error":
			t.Fatalf("child: %s", lines.Text())
		}
		if len(acked) >= 400 {
			break read
		}
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	// Acks already in the pipe were acknowledged before the kill too.
	for lines.Scan() {
		if f := strings.Fields(lines.Text()); len(f) > 0 && f[0] == "ack" {
			acked = append(acked, f[1:]...)
		}
	}
	cmd.Wait()
	if len(acked) < 400 {
		t.Fatalf("child acknowledged only %d attestations", len(acked))
	}

	l := openTemp(t, dir)
	defer l.Close()
	rep, err := l.Verify()
	if err != nil {
		t.Fatalf("hash chain after crash: %v", err)
	}
	for _, id := range acked {
		if _, err := l.Evaluate(bank1, "GetAttestation", mustJSON(contract.IDRequest{ID: id})); err != nil {
			t.Fatalf("acknowledged attestation %s lost: %v", id, err)
		}
	}
	// Nothing half-applied: every transaction in the log wrote whole
	// attestations (default record, id index, loan index), and Verify has
	// shown the state equals the log's replay.
	n := 0
	for h := uint64(3); h <= rep.Height; h++ {
		var e Entry
		readEntry(t, l, h, &e)
		var events []contract.AttestationEvent
		if err := json.Unmarshal(e.Event.Payload, &events); err != nil {
			t.Fatal(err)
		}
		if len(e.Writes) != 3*len(events) {
			t.Fatalf("entry %d wrote %d keys for %d attestations", h, len(e.Writes), len(events))
		}
		n += len(events)
	}
	if n < len(acked) {
		t.Fatalf("log holds %d attestations, %d were acknowledged", n, len(acked))
	}
	t.Logf("killed after %d acknowledged; recovered %d committed at height %d", len(acked), n, rep.Height)
}
