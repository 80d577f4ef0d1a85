package main

import (
	"bytes"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/node/store"
)

// every lists each setting by its three names, which scripts, the README
// and operators' config files use: none may change. value is set through
// each of them in turn and got reads it back.
var every = []struct {
	flag, env, key, value string
	got                   func(c config) any
	want                  any
}{
	{"ledger", "BLACKLISTD_LEDGER", "ledger", "embedded", func(c config) any { return c.Ledger }, "embedded"},
	{"data", "BLACKLISTD_DATA", "data", "/d", func(c config) any { return c.Data }, "/d"},
	{"listen", "BLACKLISTD_LISTEN", "listen", "127.0.0.1:9", func(c config) any { return c.Listen }, "127.0.0.1:9"},
	{"demo", "BLACKLISTD_DEMO", "demo", "true", func(c config) any { return c.Demo }, true},
	{"rate", "BLACKLISTD_RATE", "ratePerSecond", "2.5", func(c config) any { return c.RatePerSec }, 2.5},
	{"burst", "BLACKLISTD_BURST", "burst", "9", func(c config) any { return c.Burst }, 9},
	{"max-body", "BLACKLISTD_MAX_BODY", "maxBodyBytes", "1000", func(c config) any { return c.MaxBodyBytes }, int64(1000)},
	{"max-import", "BLACKLISTD_MAX_IMPORT", "maxImportBytes", "2000", func(c config) any { return c.MaxImport }, int64(2000)},
	{"webhook-min-backoff", "BLACKLISTD_WEBHOOK_MIN_BACKOFF", "webhooks.minBackoff", "3s", func(c config) any { return c.Webhooks.MinBackoff }, 3 * time.Second},
	{"webhook-max-backoff", "BLACKLISTD_WEBHOOK_MAX_BACKOFF", "webhooks.maxBackoff", "4m", func(c config) any { return c.Webhooks.MaxBackoff }, 4 * time.Minute},
	{"webhook-failing-after", "BLACKLISTD_WEBHOOK_FAILING_AFTER", "webhooks.failingAfter", "1h", func(c config) any { return c.Webhooks.FailingAfter }, time.Hour},
	{"log-level", "BLACKLISTD_LOG_LEVEL", "logLevel", "warn", func(c config) any { return c.LogLevel }, slog.LevelWarn},
	// TLS files must come together, so these three are tested empty (their
	// names still appear in --help).
	{"tls-cert", "BLACKLISTD_TLS_CERT", "tlsCert", "", func(c config) any { return c.TLSCert }, ""},
	{"tls-key", "BLACKLISTD_TLS_KEY", "tlsKey", "", func(c config) any { return c.TLSKey }, ""},
	{"client-ca", "BLACKLISTD_CLIENT_CA", "clientCA", "", func(c config) any { return c.ClientCA }, ""},
	{"fabric-peer", "BLACKLISTD_FABRIC_PEER", "fabric.peer", "p:1", func(c config) any { return c.Fabric.Peer }, "p:1"},
	{"fabric-tls-ca", "BLACKLISTD_FABRIC_TLS_CA", "fabric.tlsCA", "ca.pem", func(c config) any { return c.Fabric.TLSCA }, "ca.pem"},
	{"fabric-server-name", "BLACKLISTD_FABRIC_SERVER_NAME", "fabric.serverName", "peer0", func(c config) any { return c.Fabric.ServerName }, "peer0"},
	{"fabric-msp", "BLACKLISTD_FABRIC_MSP", "fabric.mspId", "Bank1MSP", func(c config) any { return c.Fabric.MSPID }, "Bank1MSP"},
	{"fabric-cert", "BLACKLISTD_FABRIC_CERT", "fabric.cert", "c.pem", func(c config) any { return c.Fabric.Cert }, "c.pem"},
	{"fabric-key", "BLACKLISTD_FABRIC_KEY", "fabric.key", "k.pem", func(c config) any { return c.Fabric.Key }, "k.pem"},
	{"fabric-channel", "BLACKLISTD_FABRIC_CHANNEL", "fabric.channel", "ch", func(c config) any { return c.Fabric.Channel }, "ch"},
	{"fabric-chaincode", "BLACKLISTD_FABRIC_CHAINCODE", "fabric.chaincode", "cc", func(c config) any { return c.Fabric.Chaincode }, "cc"},
	{"console", "BLACKLISTD_CONSOLE", "console.enabled", "false", func(c config) any { return c.Console.Enabled }, false},
	{"console-session", "BLACKLISTD_CONSOLE_SESSION", "console.session", "2h", func(c config) any { return c.Console.Session }, 2 * time.Hour},
	{"store-block-cache-mb", "BLACKLISTD_STORE_BLOCK_CACHE_MB", "store.blockCacheMB", "32", func(c config) any { return c.Store.BlockCacheMB }, int64(32)},
	{"store-index-cache-mb", "BLACKLISTD_STORE_INDEX_CACHE_MB", "store.indexCacheMB", "16", func(c config) any { return c.Store.IndexCacheMB }, int64(16)},
	{"store-memtable-mb", "BLACKLISTD_STORE_MEMTABLE_MB", "store.memTableMB", "128", func(c config) any { return c.Store.MemTableMB }, int64(128)},
	{"store-compactors", "BLACKLISTD_STORE_COMPACTORS", "store.compactors", "3", func(c config) any { return c.Store.Compactors }, 3},
	{"store-memtables", "BLACKLISTD_STORE_MEMTABLES", "store.memTables", "2", func(c config) any { return c.Store.MemTables }, 2},
	{"memory-limit-mb", "BLACKLISTD_MEMORY_LIMIT_MB", "memoryLimitMB", "512", func(c config) any { return c.MemoryLimitMB }, int64(512)},
}

// fileWith writes a config file setting key (a.b nests) to the JSON text v.
func fileWith(t *testing.T, key, v string) string {
	t.Helper()
	body := `{"` + key + `": ` + v + `}`
	if outer, inner, ok := strings.Cut(key, "."); ok {
		body = `{"` + outer + `": {"` + inner + `": ` + v + `}}`
	}
	file := filepath.Join(t.TempDir(), "c.json")
	if err := os.WriteFile(file, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return file
}

func TestEverySettingByFlagEnvAndFile(t *testing.T) {
	for _, s := range every {
		t.Run(s.flag, func(t *testing.T) {
			cfg, err := loadConfig([]string{"--" + s.flag + "=" + s.value}, io.Discard)
			if err != nil || s.got(cfg) != s.want {
				t.Errorf("flag: %v %v", s.got(cfg), err)
			}
			if s.value != "" {
				t.Setenv(s.env, s.value)
				cfg, err = loadConfig(nil, io.Discard)
				if err != nil || s.got(cfg) != s.want {
					t.Errorf("env: %v %v", s.got(cfg), err)
				}
				os.Unsetenv(s.env)
			}
			v := `"` + s.value + `"`
			if s.value == "true" || s.value != "" && strings.Trim(s.value, "0123456789.") == "" {
				v = s.value
			}
			cfg, err = loadConfig([]string{"--config", fileWith(t, s.key, v)}, io.Discard)
			if err != nil || s.got(cfg) != s.want {
				t.Errorf("file: %v %v", s.got(cfg), err)
			}
		})
	}
}

// --help is generated from the settings: every flag with its environment
// variable and config-file key.
func TestHelpListsEverySetting(t *testing.T) {
	var out bytes.Buffer
	if code := run([]string{"--help"}, &out, &out); code != 0 {
		t.Fatalf("--help exit %d", code)
	}
	for _, s := range every {
		if !strings.Contains(out.String(), "--"+s.flag) || !strings.Contains(out.String(), s.env) || !strings.Contains(out.String(), s.key) {
			t.Errorf("--help lacks %s / %s / %s", s.flag, s.env, s.key)
		}
	}
}

// A setting that does not parse is an error wherever it comes from: the
// process exits 2 naming it, and never runs with a guess (an invalid log
// level used to become info).
func TestInvalidSettingsAreErrors(t *testing.T) {
	if _, err := loadConfig([]string{"--log-level", "verbose"}, io.Discard); err == nil {
		t.Fatal("--log-level verbose accepted") // and run would serve on the default address
	}
	var errOut bytes.Buffer
	if code := run([]string{"--log-level", "verbose"}, io.Discard, &errOut); code != 2 || !strings.Contains(errOut.String(), "log-level") {
		t.Fatalf("--log-level verbose: exit %d, %q", code, errOut.String())
	}
	if _, err := loadConfig([]string{"--console-session", "10s"}, io.Discard); err == nil || !strings.Contains(err.Error(), "console-session") {
		t.Fatalf("--console-session 10s: %v", err)
	}
	t.Setenv("BLACKLISTD_LOG_LEVEL", "loud")
	if _, err := loadConfig(nil, io.Discard); err == nil || !strings.Contains(err.Error(), "BLACKLISTD_LOG_LEVEL") {
		t.Fatalf("env: %v", err)
	}
	os.Unsetenv("BLACKLISTD_LOG_LEVEL")
	for _, c := range []struct{ body, want string }{
		{`{"logLevel": "chatty"}`, "logLevel"},
		{`{"burst": "many"}`, "burst"},
		{`{"webhooks": {"minBackoff": 5}}`, "webhooks.minBackoff"},
		{`{"listen": "a", "listen": "b"}`, `duplicate key "listen"`},
		{`{"fabric": {"peer": "a", "peers": "b"}}`, "fabric.peers"},
		{`{"fabric": "x"}`, "fabric"},
		{`{"data": null}`, "data"},
	} {
		file := filepath.Join(t.TempDir(), "c.json")
		os.WriteFile(file, []byte(c.body), 0o600)
		if _, err := loadConfig([]string{"--config", file}, io.Discard); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want an error naming %q", c.body, err, c.want)
		}
	}
}

// TestStoreSizes: the store settings default to store.DefaultTuning (the
// sizes that keep a node of 10,000,000 attestations under 1 GB), and sizes
// that would break the node are refused: negative ones, and memtables too
// small for a 10,000-subject lookup's audit transaction.
func TestStoreSizes(t *testing.T) {
	cfg, err := loadConfig(nil, io.Discard)
	if err != nil || cfg.Store != store.DefaultTuning || cfg.MemoryLimitMB != DefaultMemoryLimitMB {
		t.Fatalf("defaults: %+v, memory limit %d MB, %v; want %+v, %d MB", cfg.Store, cfg.MemoryLimitMB, err, store.DefaultTuning, DefaultMemoryLimitMB)
	}
	for _, bad := range [][]string{{"--store-memtable-mb", "32"}, {"--store-block-cache-mb", "-1"},
		{"--store-index-cache-mb", "-5"}, {"--store-compactors", "-1"}, {"--store-memtables", "-1"}, {"--memory-limit-mb", "-1"}} {
		if _, err := loadConfig(bad, io.Discard); err == nil || !(strings.Contains(err.Error(), "--store-") || strings.Contains(err.Error(), bad[0])) {
			t.Errorf("%v: %v, want a refusal", bad, err)
		}
	}
	if cfg, err := loadConfig([]string{"--store-memtable-mb", "64"}, io.Discard); err != nil || cfg.Store.MemTableMB != 64 {
		t.Fatalf("--store-memtable-mb 64: %+v %v", cfg.Store, err)
	}
}
