// Command blacklistd runs a member's node of the shared credit blacklist and
// its HTTP gateway.
//
//	blacklistd --demo                 # embedded ledger, demo consortium, 127.0.0.1:8080
//	blacklistd --data /var/lib/bl     # a node whose clients were added with "client add"
//	blacklistd client add --name risk-app --member Bank1MSP --roles querier,reporter
//
// Settings come from flags, then BLACKLISTD_* environment variables, then a
// JSON config file (--config), then defaults.
package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
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
	"strings"
	"syscall"
	"time"

	"github.com/assoc-ledger/blacklist/gateway"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/fabric"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// config is every setting; the JSON names are the config file's keys.
type config struct {
	Ledger       string        `json:"ledger"`
	Data         string        `json:"data"`
	Listen       string        `json:"listen"`
	Demo         bool          `json:"demo"`
	RatePerSec   float64       `json:"ratePerSecond"`
	Burst        int           `json:"burst"`
	MaxBodyBytes int64         `json:"maxBodyBytes"`
	MaxImport    int64         `json:"maxImportBytes"`
	Webhooks     webhookConfig `json:"webhooks"`
	LogLevel     string        `json:"logLevel"`
	TLSCert      string        `json:"tlsCert"`
	TLSKey       string        `json:"tlsKey"`
	ClientCA     string        `json:"clientCA"`
	Fabric       fabricConfig  `json:"fabric"`
	// ConsortiumSecret is the association's secret file (fabric mode).
	ConsortiumSecret string `json:"consortiumSecret"`
}

// webhookConfig tunes webhook retries (durations like "1s", "5m").
type webhookConfig struct {
	MinBackoff   duration `json:"minBackoff"`
	MaxBackoff   duration `json:"maxBackoff"`
	FailingAfter duration `json:"failingAfter"`
}

// duration is a time.Duration written as in Go ("90s") in the config file.
type duration struct{ time.Duration }

func (d *duration) UnmarshalJSON(b []byte) error {
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return fmt.Errorf("a duration is a string like \"30s\": %w", err)
	}
	v, err := time.ParseDuration(s)
	d.Duration = v
	return err
}

// fabricConfig says how a node in fabric mode reaches its organisation's
// peer and who it is (paths into the organisation's crypto material).
type fabricConfig struct {
	Peer       string `json:"peer"`
	TLSCA      string `json:"tlsCA"`
	ServerName string `json:"serverName"`
	MSPID      string `json:"mspId"`
	Cert       string `json:"cert"`
	Key        string `json:"key"`
	Channel    string `json:"channel"`
	Chaincode  string `json:"chaincode"`
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
	level := slog.LevelInfo
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	log := slog.New(slog.NewJSONHandler(stderr, &slog.HandlerOptions{Level: level}))
	if err := serve(cfg, log, stdout); err != nil {
		log.Error("blacklistd stopped", "err", err)
		return 1
	}
	return 0
}

func defaults() config {
	o := gateway.DefaultOptions()
	return config{Ledger: "embedded", Data: "data", Listen: "127.0.0.1:8080", RatePerSec: o.RatePerSecond,
		Burst: o.Burst, MaxBodyBytes: o.MaxBodyBytes, MaxImport: o.MaxImportBytes, LogLevel: "info",
		Webhooks: webhookConfig{duration{time.Second}, duration{5 * time.Minute}, duration{5 * time.Minute}},
		Fabric:   fabricConfig{Channel: "blacklist", Chaincode: "blacklist"}}
}

func loadConfig(args []string, stderr io.Writer) (config, error) {
	cfg := defaults()
	// The file supplies the flags' defaults, so it is read before they
	// are defined; flags and the environment then override it.
	if file := configFlag(args); file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return cfg, err
		}
		d := json.NewDecoder(bytes.NewReader(b))
		d.DisallowUnknownFields()
		if err := d.Decode(&cfg); err != nil {
			return cfg, fmt.Errorf("%s: %w", file, err)
		}
	}
	fs := flag.NewFlagSet("blacklistd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.String("config", "", "JSON config file with any of the settings below (keys: ledger, data, listen, demo, ratePerSecond, burst, maxBodyBytes, maxImportBytes, webhooks: {minBackoff, maxBackoff, failingAfter}, logLevel, tlsCert, tlsKey, clientCA, consortiumSecret, and fabric: {peer, tlsCA, serverName, mspId, cert, key, channel, chaincode})")
	fs.StringVar(&cfg.Ledger, "ledger", cfg.Ledger, "ledger backend: embedded (badger, no Fabric needed) or fabric")
	fs.StringVar(&cfg.Data, "data", cfg.Data, "data directory: ledger, node store, consortium secret, demo credentials")
	fs.StringVar(&cfg.Listen, "listen", cfg.Listen, "HTTP listen address")
	fs.BoolVar(&cfg.Demo, "demo", cfg.Demo, "on first start create a demo consortium and write DATA/demo-credentials.json")
	fs.Float64Var(&cfg.RatePerSec, "rate", cfg.RatePerSec, "requests per second allowed per API client (0: unlimited)")
	fs.IntVar(&cfg.Burst, "burst", cfg.Burst, "burst of requests allowed per API client")
	fs.Int64Var(&cfg.MaxBodyBytes, "max-body", cfg.MaxBodyBytes, "largest request body in bytes (larger: 413)")
	fs.Int64Var(&cfg.MaxImport, "max-import", cfg.MaxImport, "largest watchlist import in bytes (it streams; larger: 413)")
	fs.DurationVar(&cfg.Webhooks.MinBackoff.Duration, "webhook-min-backoff", cfg.Webhooks.MinBackoff.Duration, "first wait before a failed webhook delivery is retried; it doubles per failure, with jitter")
	fs.DurationVar(&cfg.Webhooks.MaxBackoff.Duration, "webhook-max-backoff", cfg.Webhooks.MaxBackoff.Duration, "longest wait between webhook delivery attempts")
	fs.DurationVar(&cfg.Webhooks.FailingAfter.Duration, "webhook-failing-after", cfg.Webhooks.FailingAfter.Duration, "how long a receiver may fail before /readyz and the metrics mark it failing")
	fs.StringVar(&cfg.LogLevel, "log-level", cfg.LogLevel, "debug, info, warn or error")
	fs.StringVar(&cfg.TLSCert, "tls-cert", cfg.TLSCert, "PEM certificate: serve HTTPS (with --tls-key)")
	fs.StringVar(&cfg.TLSKey, "tls-key", cfg.TLSKey, "PEM private key of --tls-cert")
	fs.StringVar(&cfg.ClientCA, "client-ca", cfg.ClientCA, "PEM CA bundle: accept client certificates it signed, bound with 'client add --cert' (mutual TLS)")
	fs.StringVar(&cfg.ConsortiumSecret, "consortium-secret", cfg.ConsortiumSecret, "fabric mode, the association's node: the consortium secret file made by 'blacklistd secret new' (members' nodes leave it empty: they fetch the secret sealed to their node key from the ledger)")
	fs.StringVar(&cfg.Fabric.Peer, "fabric-peer", cfg.Fabric.Peer, "fabric mode: host:port of the organisation's peer (Gateway service)")
	fs.StringVar(&cfg.Fabric.TLSCA, "fabric-tls-ca", cfg.Fabric.TLSCA, "fabric mode: PEM file of the peer's TLS CA")
	fs.StringVar(&cfg.Fabric.ServerName, "fabric-server-name", cfg.Fabric.ServerName, "fabric mode: TLS server name of the peer, if not its host")
	fs.StringVar(&cfg.Fabric.MSPID, "fabric-msp", cfg.Fabric.MSPID, "fabric mode: the organisation's MSP ID; the node acts only for it")
	fs.StringVar(&cfg.Fabric.Cert, "fabric-cert", cfg.Fabric.Cert, "fabric mode: PEM certificate of the organisation's client identity")
	fs.StringVar(&cfg.Fabric.Key, "fabric-key", cfg.Fabric.Key, "fabric mode: PEM private key of that identity")
	fs.StringVar(&cfg.Fabric.Channel, "fabric-channel", cfg.Fabric.Channel, "fabric mode: channel name")
	fs.StringVar(&cfg.Fabric.Chaincode, "fabric-chaincode", cfg.Fabric.Chaincode, "fabric mode: chaincode name")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: blacklistd [flags]
       blacklistd client add --name NAME --member MSP --roles r1,r2 [--cert FILE] [--data DIR]
       blacklistd secret new --out FILE | secret check --in FILE

Runs a member's node of the shared credit blacklist and its HTTP API.
Every flag can also be set as BLACKLISTD_<NAME> (e.g. BLACKLISTD_LISTEN) or
in the --config file; flags win over the environment, which wins over the file.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return cfg, err
	}
	if fs.NArg() > 0 {
		return cfg, fmt.Errorf("unexpected argument %q (see --help)", fs.Arg(0))
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	var err error
	fs.VisitAll(func(f *flag.Flag) {
		if v := os.Getenv(envName(f.Name)); v != "" && !set[f.Name] && f.Name != "config" && err == nil {
			if e := f.Value.Set(v); e != nil {
				err = fmt.Errorf("%s: %w", envName(f.Name), e)
			}
		}
	})
	if err != nil {
		return cfg, err
	}
	if cfg.Ledger != "embedded" && cfg.Ledger != "fabric" {
		return cfg, fmt.Errorf("--ledger %q: embedded or fabric", cfg.Ledger)
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

// configFlag finds the value of --config among args.
func configFlag(args []string) string {
	for i, a := range args {
		if a == "--" {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if name == "config" && strings.HasPrefix(a, "-") {
			if hasValue {
				return value
			}
			if i+1 < len(args) {
				return args[i+1]
			}
		}
	}
	return ""
}

func envName(flagName string) string {
	return "BLACKLISTD_" + strings.ToUpper(strings.ReplaceAll(flagName, "-", "_"))
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
			Logf: func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) }})
	}
	return embedded.Open(embedded.Options{Dir: filepath.Join(cfg.Data, "ledger")})
}

func serve(cfg config, log *slog.Logger, stdout io.Writer) error {
	l, err := openLedger(cfg, log)
	if err != nil {
		return err
	}
	n, err := node.OpenWith(cfg.Data, l, node.Options{WebhookMinBackoff: cfg.Webhooks.MinBackoff.Duration,
		WebhookMaxBackoff: cfg.Webhooks.MaxBackoff.Duration, WebhookFailingAfter: cfg.Webhooks.FailingAfter.Duration,
		Logf:   func(format string, args ...any) { log.Warn(fmt.Sprintf(format, args...)) },
		Secret: secretOptions(cfg)})
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
	srv := &http.Server{Handler: gateway.New(n, opts), ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout: time.Minute, WriteTimeout: 2 * time.Minute, IdleTimeout: 2 * time.Minute}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	log.Info("listening", "address", baseURL, "ledger", cfg.Ledger, "data", cfg.Data, "height", l.Height())
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
