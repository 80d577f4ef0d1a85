// Command blacklistd runs a member's node of the shared credit blacklist and
// its HTTP gateway.
//
//	blacklistd --demo                 # embedded ledger, demo consortium, 127.0.0.1:8080
//	blacklistd --data /var/lib/bl     # a node whose clients were added with "client add"
//	blacklistd client add --name risk-app --member Bank1MSP --roles querier,reporter
//
// Settings come from flags, then BLACKLISTD_* environment variables, then a
// JSON config file (--config), then defaults; each is defined once, in
// defineSettings, and --help lists all three names of each.
package main

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/gateway/console"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/fabric"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
	"github.com/assoc-ledger/blacklist/node/webhook/dest"
)

// config is every setting; defineSettings gives each its flag, environment
// variable and config-file key.
type config struct {
	Ledger       string
	Data         string
	Listen       string
	Demo         bool
	RatePerSec   float64
	Burst        int
	MaxBodyBytes int64
	MaxImport    int64
	Webhooks     webhookConfig
	LogLevel     slog.Level
	TLSCert      string
	TLSKey       string
	ClientCA     string
	Fabric       fabricConfig
	// AuditAnchorInterval is how often the node anchors its members'
	// audit heads on the ledger.
	AuditAnchorInterval time.Duration
	// ConsortiumSecret is the association's secret file (fabric mode).
	ConsortiumSecret string
	// Console is the web console at /console/.
	Console consoleConfig
	// LogCheckpointInterval is how often the node cosigns the
	// transparency log's checkpoint.
	LogCheckpointInterval time.Duration
	// MemoryLimitMB is the Go runtime's soft memory limit (0: none).
	MemoryLimitMB int64
	// Store sizes the caches and memtables of each badger store the node
	// opens (the ledger's or replica's, and the node store).
	Store store.Tuning
	// PublicationCheckInterval is how often the node looks whether a
	// scheduled publication is due (the association's node) or a recorded
	// one awaits its cosignature (members' nodes).
	PublicationCheckInterval time.Duration
	// Witnesses are the log witnesses the association's node submits its
	// checkpoints to (NAME=URL=VKEY each; node.ParseWitness).
	Witnesses []string
}

// consoleConfig turns the web console on or off and bounds its sessions.
type consoleConfig struct {
	Enabled bool
	Session time.Duration
}

// webhookConfig tunes webhook retries and lists the internal destinations
// the operator allows.
type webhookConfig struct {
	MinBackoff   time.Duration
	MaxBackoff   time.Duration
	FailingAfter time.Duration
	Allow        []string
}

// fabricConfig says how a node in fabric mode reaches its organisation's
// peer and who it is (paths into the organisation's crypto material).
type fabricConfig struct {
	Peer       string
	TLSCA      string
	ServerName string
	MSPID      string
	Cert       string
	Key        string
	Channel    string
	Chaincode  string
	// EndorseRetry bounds how long a write keeps asking for endorsements.
	EndorseRetry time.Duration
	// OpsEndpoints are NAME=URL operations services (/healthz) of the
	// organisation's peer and the orderers, for the console's network
	// health.
	OpsEndpoints []string
}

// defineSettings is the one list of blacklistd's settings: flag name,
// config-file key, help. The environment variable is derived from the flag
// name (--max-body: BLACKLISTD_MAX_BODY). A new setting is one line here.
func defineSettings(s *settings, cfg *config) {
	s.String(&cfg.Ledger, "ledger", "ledger", "ledger backend: embedded (badger, no Fabric needed) or fabric")
	s.String(&cfg.Data, "data", "data", "data directory: ledger, node store, consortium secret, demo credentials")
	s.String(&cfg.Listen, "listen", "listen", "HTTP listen address")
	s.Bool(&cfg.Demo, "demo", "demo", "on first start create a demo consortium and write DATA/demo-credentials.json")
	s.Float64(&cfg.RatePerSec, "rate", "ratePerSecond", "requests per second allowed per API client (0: unlimited)")
	s.Int(&cfg.Burst, "burst", "burst", "burst of requests allowed per API client")
	s.Int64(&cfg.MaxBodyBytes, "max-body", "maxBodyBytes", "largest request body in bytes (larger: 413)")
	s.Int64(&cfg.MaxImport, "max-import", "maxImportBytes", "largest watchlist import in bytes (it streams; larger: 413)")
	s.Duration(&cfg.Webhooks.MinBackoff, "webhook-min-backoff", "webhooks.minBackoff", "first wait before a failed webhook delivery is retried; it doubles per failure, with jitter")
	s.Duration(&cfg.Webhooks.MaxBackoff, "webhook-max-backoff", "webhooks.maxBackoff", "longest wait between webhook delivery attempts")
	s.Duration(&cfg.Webhooks.FailingAfter, "webhook-failing-after", "webhooks.failingAfter", "how long a receiver may fail before /readyz and the metrics mark it failing")
	s.List(&cfg.Webhooks.Allow, "webhook-allow", "webhooks.allow", "CIDR|HOST[,...]: internal webhook destinations to allow (repeatable; a list in the config file); by default members' webhooks may only reach public addresses, never loopback, private, link-local or the like. For receivers on the bank's own network and tests; --demo does not imply it")
	s.Duration(&cfg.AuditAnchorInterval, "audit-anchor-interval", "auditAnchorInterval", "how often the node commits its members' query audit heads to the ledger when they moved (also at shutdown); at least 1s")
	s.Text(&cfg.LogLevel, "log-level", "logLevel", "debug, info, warn or error")
	s.String(&cfg.TLSCert, "tls-cert", "tlsCert", "PEM certificate: serve HTTPS (with --tls-key)")
	s.String(&cfg.TLSKey, "tls-key", "tlsKey", "PEM private key of --tls-cert")
	s.String(&cfg.ClientCA, "client-ca", "clientCA", "PEM CA bundle: accept client certificates it signed, bound with 'client add --cert' (mutual TLS)")
	s.String(&cfg.ConsortiumSecret, "consortium-secret", "consortiumSecret", "fabric mode, the association's node: the consortium secret file made by 'blacklistd secret new' (members' nodes leave it empty: they fetch the secret sealed to their node key from the ledger)")
	s.Duration(&cfg.LogCheckpointInterval, "log-checkpoint-interval", "logCheckpointInterval", "how often the node signs the transparency log's checkpoint with its organisation's log key (DATA/log-<MSP>.key) and commits the cosignature to the ledger (embedded: for every member whose signing key it holds); at least 1s")
	s.Duration(&cfg.PublicationCheckInterval, "publication-check-interval", "publicationCheckInterval", "how often the node looks whether the policy's publicationSchedule has a publication of the blacklist due (the association's node) and whether a recorded publication awaits its organisation's cosignature (members' nodes); at least 1s")
	s.String(&cfg.Fabric.Peer, "fabric-peer", "fabric.peer", "fabric mode: host:port of the organisation's peer (Gateway service)")
	s.String(&cfg.Fabric.TLSCA, "fabric-tls-ca", "fabric.tlsCA", "fabric mode: PEM file of the peer's TLS CA")
	s.String(&cfg.Fabric.ServerName, "fabric-server-name", "fabric.serverName", "fabric mode: TLS server name of the peer, if not its host")
	s.String(&cfg.Fabric.MSPID, "fabric-msp", "fabric.mspId", "fabric mode: the organisation's MSP ID; the node acts only for it")
	s.String(&cfg.Fabric.Cert, "fabric-cert", "fabric.cert", "fabric mode: PEM certificate of the organisation's client identity")
	s.String(&cfg.Fabric.Key, "fabric-key", "fabric.key", "fabric mode: PEM private key of that identity")
	s.String(&cfg.Fabric.Channel, "fabric-channel", "fabric.channel", "fabric mode: channel name")
	s.String(&cfg.Fabric.Chaincode, "fabric-chaincode", "fabric.chaincode", "fabric mode: chaincode name")
	s.Duration(&cfg.Fabric.EndorseRetry, "fabric-endorse-retry", "fabric.endorseRetry", "fabric mode: how long a write keeps asking for endorsements while too few organisations' peers can endorse (after a peer restart, gossip needs some seconds to find the others) before it answers 503; 0 or less: no retry")
	s.Bool(&cfg.Console.Enabled, "console", "console.enabled", "serve the web console at /console/ (sign-in with an API client's key); --console=false serves the API only")
	s.Duration(&cfg.Console.Session, "console-session", "console.session", "how long a web console session lasts after sign-in; at least 1m")
	s.Int64(&cfg.Store.BlockCacheMB, "store-block-cache-mb", "store.blockCacheMB", "MB of decompressed table blocks each badger store (ledger or replica, node store) caches")
	s.Int64(&cfg.Store.IndexCacheMB, "store-index-cache-mb", "store.indexCacheMB", "MB of table indexes and Bloom filters each store caches (0: all in memory, which grows with the store)")
	s.Int64(&cfg.Store.MemTableMB, "store-memtable-mb", "store.memTableMB", "MB of each store's memtables (a write transaction may be 15% of it: at least 64 for 10,000-subject lookups' audit entries)")
	s.Int(&cfg.Store.Compactors, "store-compactors", "store.compactors", "goroutines compacting each store's tables (at least 2)")
	s.Int(&cfg.Store.MemTables, "store-memtables", "store.memTables", "memtables each store keeps in memory at most, the one written to and those awaiting their flush (each --store-memtable-mb once full; 0: badger's 5)")
	s.Int64(&cfg.MemoryLimitMB, "memory-limit-mb", "memoryLimitMB", "a soft limit in MB on the memory the Go runtime manages (runtime/debug.SetMemoryLimit; badger's caches and memtables count): the collector runs more often as the node nears it, it is not a cap (0: the runtime's own, GOMEMLIMIT if set)")
	s.List(&cfg.Fabric.OpsEndpoints, "fabric-ops-endpoints", "fabric.opsEndpoints", "NAME=URL[,...]: operations services (plain HTTP /healthz) of the organisation's peer and of the orderers, e.g. peer=http://127.0.0.3:7152,orderer0=http://127.0.0.2:7052 (repeatable; a list in the config file): the console's network health probes them")
	s.List(&cfg.Witnesses, "witness", "witnesses", "NAME=URL=VKEY[,...]: transparency-log witnesses (C2SP tlog-witness, e.g. an agency's 'blctl witness serve') the association's node sends its quorum checkpoints to every --log-checkpoint-interval, keeping their cosignature/v1 lines (VKEY: the witness's verifier key) for GET /v1/log/checkpoint and publications (repeatable; a list in the config file); URLs follow the webhook destination policy (--webhook-allow)")
}

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "client" {
		return clientCmd(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "secret" {
		return secretCmd(args[1:], stdout, stderr)
	}
	cfg, err := loadConfig(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	if err != nil {
		fmt.Fprintln(stderr, "blacklistd:", err)
		return 2
	}
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: cfg.LogLevel}))
	if cfg.MemoryLimitMB > 0 {
		debug.SetMemoryLimit(cfg.MemoryLimitMB << 20)
	}
	if err := serve(cfg, log, stdout); err != nil {
		if msg := inUse(err, cfg.Data); msg != "" {
			fmt.Fprintln(stderr, "blacklistd:", msg)
			return 1
		}
		log.Error("blacklistd stopped", "err", err)
		return 1
	}
	return 0
}

// inUse explains badger's directory lock error ("Cannot acquire directory
// lock on ... Another process is using this Badger database"), which a
// second `make run` on the same data meets: the data directory belongs to
// one running node at a time. It is "" for any other error.
func inUse(err error, data string) string {
	if err == nil || !strings.Contains(err.Error(), "Another process is using this Badger database") {
		return ""
	}
	return fmt.Sprintf("the data directory %s is in use by another blacklistd (is `make run` already running in another shell?). "+
		"Stop that one first, or start this one with another --data and --listen (BLACKLISTD_DATA, BLACKLISTD_LISTEN).", data)
}

// DefaultMemoryLimitMB is blacklistd's soft memory limit unless told
// otherwise. Without one, the garbage of large lookups (each answer and
// its audit entries) let the heap grow to 1.3-1.8 GB of anonymous memory
// between collections under 10,000-subject lookups; with 768 MB the node
// stayed at 365-551 MB with no slower lookups (docs/benchmarks.md notes).
const DefaultMemoryLimitMB = 768

func defaults() config {
	o := gateway.DefaultOptions()
	return config{Ledger: "embedded", Data: "data", Listen: "127.0.0.1:8080", RatePerSec: o.RatePerSecond,
		Burst: o.Burst, MaxBodyBytes: o.MaxBodyBytes, MaxImport: o.MaxImportBytes, LogLevel: slog.LevelInfo,
		Webhooks:            webhookConfig{MinBackoff: time.Second, MaxBackoff: 5 * time.Minute, FailingAfter: 5 * time.Minute},
		Fabric:              fabricConfig{Channel: "blacklist", Chaincode: "blacklist", EndorseRetry: fabric.DefaultEndorseRetry},
		AuditAnchorInterval: node.DefaultAuditAnchorInterval, LogCheckpointInterval: node.DefaultLogCheckpointInterval,
		Console: consoleConfig{Enabled: true, Session: console.DefaultSessionTTL}, Store: store.DefaultTuning, MemoryLimitMB: DefaultMemoryLimitMB,
		PublicationCheckInterval: node.DefaultPublicationCheck}
}

const usageHead = `Usage: blacklistd [flags]
       blacklistd client add --name NAME --member MSP --roles r1,r2 [--cert FILE] [--data DIR]
       blacklistd secret new --out FILE | secret check --in FILE

Runs a member's node of the shared credit blacklist and its HTTP API.
Every setting is a flag, an environment variable and a key of the JSON
--config file (a key a.b nests: {"a": {"b": ...}}); flags win over the
environment, which wins over the file, which wins over the default.

Settings:
`

func loadConfig(args []string, stderr io.Writer) (config, error) {
	cfg := defaults()
	fs := flag.NewFlagSet("blacklistd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("config", "", "JSON config file with any of the settings (keys below)")
	s := newSettings(fs)
	defineSettings(s, &cfg)
	fs.Usage = func() { s.usage(stderr, usageHead) }
	if err := s.parse(args, "config"); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	if cfg.Ledger != "embedded" && cfg.Ledger != "fabric" {
		return cfg, fmt.Errorf("--ledger %q: embedded or fabric", cfg.Ledger)
	}
	if t := cfg.Store; t.BlockCacheMB < 0 || t.IndexCacheMB < 0 || t.Compactors < 0 || t.MemTables < 0 || (t.MemTableMB != 0 && t.MemTableMB < 64) {
		return cfg, fmt.Errorf("--store-*: sizes are not negative, and memtables are at least 64 MB (the audit of a 10,000-subject lookup is one transaction of up to 15%% of it)")
	}
	if cfg.MemoryLimitMB < 0 {
		return cfg, fmt.Errorf("--memory-limit-mb %d: not negative", cfg.MemoryLimitMB)
	}
	if _, err := dest.Allow(cfg.Webhooks.Allow...); err != nil {
		return cfg, fmt.Errorf("--webhook-allow: %w", err)
	}
	if _, err := node.ParseOpsEndpoints(cfg.Fabric.OpsEndpoints); err != nil {
		return cfg, fmt.Errorf("--fabric-ops-endpoints: %w", err)
	}
	if cfg.LogCheckpointInterval < time.Second {
		return cfg, fmt.Errorf("--log-checkpoint-interval %s: at least 1s", cfg.LogCheckpointInterval)
	}
	if cfg.PublicationCheckInterval < time.Second {
		return cfg, fmt.Errorf("--publication-check-interval %s: at least 1s", cfg.PublicationCheckInterval)
	}
	if cfg.AuditAnchorInterval < time.Second {
		return cfg, fmt.Errorf("--audit-anchor-interval %s: at least 1s", cfg.AuditAnchorInterval)
	}
	for _, w := range cfg.Witnesses {
		if _, err := node.ParseWitness(w); err != nil {
			return cfg, fmt.Errorf("--witness: %w", err)
		}
	}
	if cfg.Console.Session < time.Minute {
		return cfg, fmt.Errorf("--console-session %s: at least 1m", cfg.Console.Session)
	}
	if (cfg.TLSCert == "") != (cfg.TLSKey == "") || (cfg.ClientCA != "" && cfg.TLSCert == "") {
		return cfg, errors.New("--tls-cert and --tls-key go together, and --client-ca needs them")
	}
	if cfg.Ledger == "fabric" {
		f := cfg.Fabric
		if f.Peer == "" || f.TLSCA == "" || f.MSPID == "" || f.Cert == "" || f.Key == "" {
			return cfg, errors.New("--ledger fabric needs --fabric-peer, --fabric-tls-ca, --fabric-msp, --fabric-cert and --fabric-key")
		}
		if cfg.Demo {
			return cfg, errors.New("--demo sets up a consortium on the embedded ledger; a Fabric network is set up with scripts/network.sh")
		}
	}
	return cfg, nil
}

// tlsConfig serves HTTPS and, with a client CA, verifies client
// certificates when given; API keys keep working alongside.
func tlsConfig(cfg config) (*tls.Config, error) {
	cert, err := tls.LoadX509KeyPair(cfg.TLSCert, cfg.TLSKey)
	if err != nil {
		return nil, err
	}
	tc := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	if cfg.ClientCA != "" {
		pem, err := os.ReadFile(cfg.ClientCA)
		if err != nil {
			return nil, err
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("%s: no PEM certificates", cfg.ClientCA)
		}
		tc.ClientCAs, tc.ClientAuth = pool, tls.VerifyClientCertIfGiven
	}
	return tc, nil
}

// openLedger opens the configured backend: the embedded ledger in
// DATA/ledger, or the Fabric client with its replica in DATA/replica.
func openLedger(cfg config, log *slog.Logger) (ledger.Ledger, error) {
	if cfg.Ledger == "fabric" {
		f := cfg.Fabric
		return fabric.Open(fabric.Options{PeerEndpoint: f.Peer, TLSCACert: f.TLSCA, ServerName: f.ServerName, MSPID: f.MSPID,
			CertFile: f.Cert, KeyFile: f.Key, Channel: f.Channel, Chaincode: f.Chaincode, ReplicaDir: filepath.Join(cfg.Data, "replica"),
			EndorseRetry: endorseRetry(f.EndorseRetry), ReplicaTuning: cfg.Store,
			Logf: func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) }})
	}
	return embedded.Open(embedded.Options{Dir: filepath.Join(cfg.Data, "ledger"), Tuning: cfg.Store})
}

// endorseRetry maps the setting (0 or less: no retry) to the backend's
// option (0: the default, negative: none).
func endorseRetry(d time.Duration) time.Duration {
	if d <= 0 {
		return -1
	}
	return d
}

func serve(cfg config, log *slog.Logger, stdout io.Writer) error {
	l, err := openLedger(cfg, log)
	if err != nil {
		return err
	}
	allow, err := dest.Allow(cfg.Webhooks.Allow...)
	if err != nil {
		l.Close()
		return err
	}
	ops, _ := node.ParseOpsEndpoints(cfg.Fabric.OpsEndpoints) // checked by loadConfig
	n, err := node.OpenWith(cfg.Data, l, node.Options{WebhookMinBackoff: cfg.Webhooks.MinBackoff, WebhookDestinations: allow,
		WebhookMaxBackoff: cfg.Webhooks.MaxBackoff, WebhookFailingAfter: cfg.Webhooks.FailingAfter,
		AuditAnchorInterval: cfg.AuditAnchorInterval,
		// The transparency log's cosigner: a fabric node signs for its
		// organisation, an embedded node for every member it holds a
		// signing key of (one operator's ledger).
		LogCosigners: logCosigners(cfg), LogCosignHeld: cfg.Ledger != "fabric", LogCheckpointInterval: cfg.LogCheckpointInterval,
		PublicationCheck: cfg.PublicationCheckInterval,
		Witnesses:        witnessConfigs(cfg), WitnessInterval: cfg.LogCheckpointInterval,
		Logf:   func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) },
		Secret: secretOptions(cfg), StoreTuning: cfg.Store, OpsEndpoints: ops})
	if err != nil {
		l.Close()
		return err
	}
	defer l.Close()
	defer n.Close()

	ln, err := net.Listen("tcp", cfg.Listen)
	if err != nil {
		return err
	}
	scheme := "http"
	if cfg.TLSCert != "" {
		tc, err := tlsConfig(cfg)
		if err != nil {
			ln.Close()
			return err
		}
		ln, scheme = tls.NewListener(ln, tc), "https"
	}
	baseURL := scheme + "://" + ln.Addr().String()
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	if cfg.Demo {
		creds, err := n.SetupDemo(ctx, cfg.Data, baseURL)
		if err != nil {
			return fmt.Errorf("demo setup: %w", err)
		}
		printWalkthrough(stdout, cfg.Data, creds)
	}
	opts := gateway.Options{MaxBodyBytes: cfg.MaxBodyBytes, MaxImportBytes: cfg.MaxImport, RatePerSecond: cfg.RatePerSec, Burst: cfg.Burst, Logger: log}
	// The web console (/console/) beside the API: both call the same node.
	mux := http.NewServeMux()
	if cfg.Console.Enabled {
		mux.Handle(console.Prefix, console.New(n, console.Options{Logger: log, SessionTTL: cfg.Console.Session}))
	}
	mux.Handle("/", gateway.New(n, opts))
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "address", baseURL, "ledger", cfg.Ledger, "data", cfg.Data, "height", l.Height(), "webhookDestinations", allow.String())
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing in-flight requests")
	shutdown, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdown); err != nil {
		return err
	}
	log.Info("stopped cleanly", "height", l.Height())
	return nil
}

// logCosigners are the organisations a node cosigns the transparency log
// for: in fabric mode its own.
func logCosigners(cfg config) []string {
	if cfg.Ledger == "fabric" && cfg.Fabric.MSPID != "" {
		return []string{cfg.Fabric.MSPID}
	}
	return nil
}

// witnessConfigs is --witness, checked by loadConfig.
func witnessConfigs(cfg config) []node.WitnessConfig {
	var out []node.WitnessConfig
	for _, w := range cfg.Witnesses {
		if wc, err := node.ParseWitness(w); err == nil {
			out = append(out, wc)
		}
	}
	return out
}
