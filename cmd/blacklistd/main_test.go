package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/fabric"
	"github.com/assoc-ledger/blacklist/node/webhook/webhooktest"
)

// daemon is a blacklistd process started from the real binary.
type daemon struct {
	cmd    *exec.Cmd
	url    string
	stderr *bytes.Buffer
}

func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "blacklistd")
	out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput()
	if err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// startFresh builds blacklistd and starts it with args on a new data
// directory and loopback address; skipped in -short mode.
func startFresh(t *testing.T, args ...string) (bin, data, addr string, d *daemon) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and starts the binary")
	}
	bin = buildBinary(t)
	data, addr = t.TempDir(), freeAddr(t)
	return bin, data, addr, start(t, bin, data, addr, args...)
}

func freeAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// start runs the binary and waits until /readyz answers, polling instead
// of sleeping a fixed time.
func start(t *testing.T, bin, data, addr string, args ...string) *daemon {
	t.Helper()
	d := &daemon{url: "http://" + addr, stderr: &bytes.Buffer{}}
	d.cmd = exec.Command(bin, append([]string{"--data", data, "--listen", addr, "--rate", "0"}, args...)...)
	d.cmd.Stdout = io.Discard
	d.cmd.Stderr = d.stderr
	if err := d.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if resp, err := http.Get(d.url + "/readyz"); err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				return d
			}
		}
		time.Sleep(50 * time.Millisecond)
	}
	d.cmd.Process.Kill()
	t.Fatalf("blacklistd did not become ready:\n%s", d.stderr)
	return nil
}

func credentials(t *testing.T, data string) map[string]string {
	b, err := os.ReadFile(filepath.Join(data, node.DemoCredentialsFile))
	if err != nil {
		t.Fatal(err)
	}
	var c node.DemoCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		t.Fatal(err)
	}
	keys := map[string]string{}
	for _, cl := range c.Clients {
		keys[cl.Name] = cl.APIKey
	}
	return keys
}

// killDuring runs request(w, i) on workers goroutines (i counts each
// worker's requests) against the daemon until want of them were
// acknowledged, then kills the process with SIGKILL and returns what
// every acknowledged request returned. A request returns ok only for an
// acknowledged request (after the kill, until the workers stop, requests
// fail at once).
func killDuring[T any](t *testing.T, d *daemon, workers, want int, request func(w, i int) (v T, ok bool)) []T {
	t.Helper()
	var (
		mu    sync.Mutex
		acked []T
		wg    sync.WaitGroup
	)
	stop := make(chan struct{})
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				v, ok := request(w, i)
				if ok {
					mu.Lock()
					acked = append(acked, v)
					mu.Unlock()
				}
			}
		}()
	}
	for {
		time.Sleep(20 * time.Millisecond)
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= want {
			break
		}
	}
	if err := d.cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	d.cmd.Wait()
	close(stop)
	wg.Wait()
	return acked
}

func post(url, key string, body any, out any) (int, error) { return send("POST", url, key, body, out) }

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// TestKilledDuringSubmitsLosesNothing starts the real binary with --demo,
// streams submits from several clients, kills the process with SIGKILL,
// restarts it on the same data and finds every acknowledged attestation.
func TestKilledDuringSubmitsLosesNothing(t *testing.T) {
	bin, data, addr, d := startFresh(t, "--demo")
	key := credentials(t, data)["bank1-app"]
	// --demo does not open the node's own network to webhooks.
	var refusal struct{ Type string }
	if st, err := send("PUT", d.url+"/v1/webhook", key, map[string]string{"url": "http://" + addr + "/v1/clients", "secret": "a-secret-of-16-bytes"}, &refusal); st != 422 ||
		refusal.Type != "urn:blacklist:problem:webhook-destination-refused" {
		t.Fatalf("a webhook to the node itself: %d %+v %v", st, refusal, err)
	}

	acked := killDuring(t, d, 4, 150, func(w, i int) (string, bool) {
		now := time.Now().UTC()
		p := map[string]any{"type": "default", "subject": hexOf(fmt.Sprint("s", w, i)), "loanRef": hexOf(fmt.Sprint("l", w, i)),
			"product": "consumer", "amount": 5000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -100).Format("2006-01-02"),
			"daysPastDue": 95, "noticeDate": now.AddDate(0, 0, -60).Format("2006-01-02")}
		var r struct{ ID string }
		st, err := post(d.url+"/v1/attestations", key, map[string]any{"attestation": p}, &r)
		if err != nil {
			return "", false
		}
		return r.ID, st == 201
	})

	d = start(t, bin, data, addr, "--demo")
	defer func() {
		d.cmd.Process.Signal(syscall.SIGTERM)
		d.cmd.Wait()
	}()
	if k := credentials(t, data)["bank1-app"]; k != key {
		t.Fatal("the restart issued new demo credentials instead of reusing them")
	}
	for _, id := range acked {
		req, _ := http.NewRequest("GET", d.url+"/v1/attestations/"+id+"?purpose=dispute-handling", nil)
		req.Header.Set("Authorization", "Bearer "+key)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("acknowledged attestation %s: %d after restart", id, resp.StatusCode)
		}
	}
	t.Logf("%d acknowledged attestations all present after SIGKILL and restart", len(acked))
}

// TestGracefulShutdown sends SIGTERM and expects a clean exit that says so.
func TestGracefulShutdown(t *testing.T) {
	_, _, _, d := startFresh(t, "--demo")
	d.cmd.Process.Signal(syscall.SIGTERM)
	if err := d.cmd.Wait(); err != nil {
		t.Fatalf("exit after SIGTERM: %v\n%s", err, d.stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(d.stderr.String()))
	clean := false
	for sc.Scan() {
		var line map[string]any
		if json.Unmarshal(sc.Bytes(), &line) != nil {
			t.Fatalf("log line is not JSON: %s", sc.Text())
		}
		clean = clean || line["msg"] == "stopped cleanly"
		if strings.Contains(sc.Text(), "bl_") {
			t.Fatal("an API key reached the log")
		}
	}
	if !clean {
		t.Fatalf("no clean stop logged:\n%s", d.stderr)
	}
}

// TestWebhookAllow: the operator's webhook allowance comes from the file,
// the environment or repeated/comma-separated flags, replacing each other
// in that order; --demo implies none; a bad entry stops the start.
func TestWebhookAllow(t *testing.T) {
	file := filepath.Join(t.TempDir(), "c.json")
	os.WriteFile(file, []byte(`{"webhooks": {"allow": ["10.20.0.0/16"]}}`), 0o600)
	for _, c := range []struct {
		args []string
		env  string
		want string
	}{
		{[]string{"--demo"}, "", ""},
		{[]string{"--config", file}, "", "10.20.0.0/16"},
		{[]string{"--config", file}, "receiver.bank1.internal", "receiver.bank1.internal"},
		{[]string{"--config", file, "--webhook-allow", "127.0.0.1,::1", "--webhook-allow", "localhost"}, "fd00::/8", "127.0.0.1 ::1 localhost"},
	} {
		t.Setenv("BLACKLISTD_WEBHOOK_ALLOW", c.env)
		cfg, err := loadConfig(c.args, io.Discard)
		if err != nil || strings.Join(cfg.Webhooks.Allow, " ") != c.want {
			t.Errorf("%v with env %q: %q %v, want %q", c.args, c.env, cfg.Webhooks.Allow, err, c.want)
		}
	}
	t.Setenv("BLACKLISTD_WEBHOOK_ALLOW", "")
	for _, bad := range []string{"10.0.0.0/33", "0x7f000001", "not a host"} {
		if _, err := loadConfig([]string{"--webhook-allow", bad}, io.Discard); err == nil {
			t.Errorf("--webhook-allow %q accepted", bad)
		}
	}
}

func TestOpsEndpointsSetting(t *testing.T) {
	cfg, err := loadConfig([]string{"--fabric-ops-endpoints", "peer=http://127.0.0.3:7152,orderer0=http://127.0.0.2:7052"}, io.Discard)
	if err != nil || strings.Join(cfg.Fabric.OpsEndpoints, " ") != "peer=http://127.0.0.3:7152 orderer0=http://127.0.0.2:7052" {
		t.Fatalf("%q %v", cfg.Fabric.OpsEndpoints, err)
	}
	for _, bad := range []string{"http://127.0.0.3:7152", "peer=ftp://h:1", "peer=http://h:1/metrics", "p q=http://h:1", "peer=http://u:p@h:1", "a=http://h:1,a=http://h:2"} {
		if _, err := loadConfig([]string{"--fabric-ops-endpoints", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "--fabric-ops-endpoints") {
			t.Errorf("--fabric-ops-endpoints %q: %v", bad, err)
		}
	}
}

func TestConfigPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "c.json")
	os.WriteFile(file, []byte(`{"listen": "127.0.0.1:1111", "data": "/from/file", "burst": 7}`), 0o600)
	t.Setenv("BLACKLISTD_LISTEN", "127.0.0.1:2222")
	cfg, err := loadConfig([]string{"--config", file, "--data", "/from/flag"}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.Data != "/from/flag" || cfg.Listen != "127.0.0.1:2222" || cfg.Burst != 7 || cfg.Ledger != "embedded" {
		t.Fatalf("config = %+v", cfg)
	}
	os.WriteFile(file, []byte(`{"lisen": "typo"}`), 0o600)
	if _, err := loadConfig([]string{"--config", file}, io.Discard); err == nil {
		t.Fatal("unknown config key accepted")
	}
	if cfg, err := loadConfig([]string{"--audit-anchor-interval", "90s"}, io.Discard); err != nil || cfg.AuditAnchorInterval != 90*time.Second {
		t.Fatalf("--audit-anchor-interval: %v %v", cfg.AuditAnchorInterval, err)
	}
	if cfg, _ := loadConfig(nil, io.Discard); cfg.AuditAnchorInterval != 10*time.Minute {
		t.Fatalf("default audit anchor interval %s", cfg.AuditAnchorInterval)
	}
	if _, err := loadConfig([]string{"--audit-anchor-interval", "0s"}, io.Discard); err == nil {
		t.Fatal("an audit anchor interval of 0 accepted")
	}
	if cfg, err := loadConfig([]string{"--log-checkpoint-interval", "5s"}, io.Discard); err != nil || cfg.LogCheckpointInterval != 5*time.Second {
		t.Fatalf("--log-checkpoint-interval: %v %v", cfg.LogCheckpointInterval, err)
	}
	if _, err := loadConfig([]string{"--log-checkpoint-interval", "10ms"}, io.Discard); err == nil {
		t.Fatal("a log checkpoint interval under 1s accepted")
	}
	if cfg, err := loadConfig(nil, io.Discard); err != nil || cfg.PublicationCheckInterval != node.DefaultPublicationCheck {
		t.Fatalf("default publication check interval: %v %v", cfg.PublicationCheckInterval, err)
	}
	if cfg, err := loadConfig([]string{"--publication-check-interval", "10s"}, io.Discard); err != nil || cfg.PublicationCheckInterval != 10*time.Second {
		t.Fatalf("--publication-check-interval: %v %v", cfg.PublicationCheckInterval, err)
	}
	if _, err := loadConfig([]string{"--publication-check-interval", "0s"}, io.Discard); err == nil {
		t.Fatal("a publication check interval under 1s accepted")
	}
	if cfg := (config{Ledger: "fabric", Fabric: fabricConfig{MSPID: "Bank1MSP"}}); len(logCosigners(cfg)) != 1 || logCosigners(config{Ledger: "embedded"}) != nil {
		t.Fatal("log cosigners: a fabric node cosigns for its organisation only, an embedded one for the members it holds keys of")
	}
	if _, err := loadConfig([]string{"--ledger", "oracle"}, io.Discard); err == nil {
		t.Fatal("unknown ledger accepted")
	}
	if _, err := loadConfig([]string{"--tls-cert", "c.pem"}, io.Discard); err == nil {
		t.Fatal("a certificate without a key accepted")
	}
	if _, err := loadConfig([]string{"--client-ca", "ca.pem"}, io.Discard); err == nil {
		t.Fatal("a client CA without server TLS accepted")
	}
	if _, err := loadConfig([]string{"--ledger", "fabric", "--fabric-peer", "127.0.0.1:7250"}, io.Discard); err == nil {
		t.Fatal("fabric mode without identity accepted")
	}
	fab := []string{"--ledger", "fabric", "--fabric-peer", "p:1", "--fabric-tls-ca", "ca", "--fabric-msp", "Bank1MSP", "--fabric-cert", "c", "--fabric-key", "k"}
	if cfg, err := loadConfig(fab, io.Discard); err != nil || cfg.Fabric.Channel != "blacklist" || cfg.Fabric.EndorseRetry != fabric.DefaultEndorseRetry {
		t.Fatalf("fabric config: %+v %v", cfg.Fabric, err)
	}
	if cfg, err := loadConfig(append(fab, "--fabric-endorse-retry", "5s"), io.Discard); err != nil || cfg.Fabric.EndorseRetry != 5*time.Second {
		t.Fatalf("--fabric-endorse-retry: %+v %v", cfg.Fabric, err)
	}
	if _, err := loadConfig(append(fab, "--fabric-endorse-retry", "soon"), io.Discard); err == nil {
		t.Fatal("--fabric-endorse-retry soon accepted")
	}
	if endorseRetry(0) >= 0 || endorseRetry(-time.Second) >= 0 || endorseRetry(time.Second) != time.Second {
		t.Fatal("endorseRetry: 0 or less must turn the retry off")
	}
	if _, err := loadConfig(append(fab, "--demo"), io.Discard); err == nil {
		t.Fatal("--demo accepted in fabric mode")
	}
	var help bytes.Buffer
	if code := run([]string{"--help"}, io.Discard, &help); code != 0 || !strings.Contains(help.String(), "-webhook-allow") {
		t.Fatalf("--help exit %d:\n%s", code, help.String())
	}
	if code := run([]string{"stray"}, io.Discard, io.Discard); code != 2 {
		t.Fatalf("stray argument exit %d", code)
	}
}

// TestAlertDeliveredAfterKill: an alert committed while Bank1's receiver
// refuses deliveries survives a SIGKILL of the node and reaches the
// receiver, signed, once the node is back.
func TestAlertDeliveredAfterKill(t *testing.T) {
	fast := []string{"--demo", "--webhook-min-backoff", "20ms", "--webhook-max-backoff", "100ms", "--webhook-allow", "127.0.0.1"}
	bin, data, addr, d := startFresh(t, fast...)
	keys := credentials(t, data)
	rcv := webhooktest.New("kill-test-secret-0001")
	defer rcv.Close()
	rcv.SetDown(true)

	subject := hexOf("watched borrower")
	if st, err := send("PUT", d.url+"/v1/watchlist/"+subject, keys["bank1-app"], map[string]string{"label": "cust-9"}, nil); st != 201 {
		t.Fatalf("watch: %d %v", st, err)
	}
	if st, err := send("PUT", d.url+"/v1/webhook", keys["bank1-app"], map[string]string{"url": rcv.URL, "secret": rcv.Secret}, nil); st != 200 {
		t.Fatalf("webhook: %d %v", st, err)
	}
	now := time.Now().UTC()
	p := map[string]any{"type": "default", "subject": subject, "loanRef": hexOf("kill-loan"), "product": "consumer",
		"amount": 500000, "currency": "CNY", "overdueSince": now.AddDate(0, 0, -130).Format("2006-01-02"),
		"daysPastDue": 120, "noticeDate": now.AddDate(0, 0, -100).Format("2006-01-02")}
	var sub struct{ ID string }
	if st, err := post(d.url+"/v1/attestations", keys["bank2-app"], map[string]any{"attestation": p}, &sub); st != 201 {
		t.Fatalf("default: %d %v", st, err)
	}
	// The alert is committed and its delivery is being refused: kill.
	for deadline := time.Now().Add(20 * time.Second); rcv.Tries() == 0; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("no delivery was attempted")
		}
	}
	d.cmd.Process.Signal(syscall.SIGKILL)
	d.cmd.Wait()
	if got := rcv.Distinct(); len(got) != 0 {
		t.Fatalf("delivered while down: %+v", got)
	}

	rcv.SetDown(false)
	d = start(t, bin, data, addr, fast...)
	defer func() { d.cmd.Process.Kill(); d.cmd.Wait() }()
	got, err := rcv.WaitFor(1, 20*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if got[0].Kind != "default" || got[0].SubjectKey != subject || got[0].AttestationID != sub.ID || got[0].Label != "cust-9" {
		t.Fatalf("delivered %+v", got[0])
	}
}

func send(method, url, key string, body, out any) (int, error) {
	b, _ := json.Marshal(body)
	req, _ := http.NewRequest(method, url, bytes.NewReader(b))
	req.Header.Set("Authorization", "Bearer "+key)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if out != nil {
		json.NewDecoder(resp.Body).Decode(out)
	}
	return resp.StatusCode, nil
}

// TestWalkthroughPrintsNoKeys: the demo's start-up text names the
// credentials file and never prints an API key.
func TestWalkthroughPrintsNoKeys(t *testing.T) {
	var out bytes.Buffer
	printWalkthrough(&out, "/srv/data", &node.DemoCredentials{BaseURL: "http://127.0.0.1:8080",
		Clients: []node.DemoClient{{Name: "bank1-app", Member: "Bank1MSP", APIKey: "bl_do-not-print-me"}}})
	if strings.Contains(out.String(), "do-not-print-me") || !strings.Contains(out.String(), "/srv/data/"+node.DemoCredentialsFile) {
		t.Fatalf("walkthrough text:\n%s", out.String())
	}
}

// TestSecondRunOnTheSameData: a second node on a data directory in use
// says so plainly (a second `make run`), not with badger's lock error; so
// does a client command against a running node's data.
func TestSecondRunOnTheSameData(t *testing.T) {
	data := t.TempDir()
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(data, "ledger")})
	if err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	code := run([]string{"--data", data, "--listen", "127.0.0.1:0"}, &out, &errOut)
	l.Close()
	if code != 1 || !strings.Contains(errOut.String(), "blacklistd: the data directory "+data+" is in use by another blacklistd (is `make run` already running in another shell?)") ||
		strings.Contains(errOut.String(), "Badger") {
		t.Fatalf("exit %d\n%s", code, errOut.String())
	}
	n, err := node.Open(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()
	errOut.Reset()
	if code := run([]string{"client", "list", "--data", data}, &out, &errOut); code != 1 || !strings.Contains(errOut.String(), "is in use by another blacklistd") {
		t.Fatalf("client list: exit %d\n%s", code, errOut.String())
	}
}
