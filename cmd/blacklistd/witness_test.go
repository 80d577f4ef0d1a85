package main

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/witness"
)

// TestWitnessSetting: --witness NAME=URL=VKEY, repeatable, or a list in
// the config file; a malformed entry stops the start with its name.
func TestWitnessSetting(t *testing.T) {
	_, vkey, err := witness.GenerateKey("agency-x")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"agency-x", "agency-x=https://w.example", "agency-x=ftp://w.example=" + vkey, "agency-x=https://w.example=bad"} {
		if _, err := loadConfig([]string{"--witness", bad}, io.Discard); err == nil || !strings.Contains(err.Error(), "--witness") {
			t.Errorf("--witness %q: %v", bad, err)
		}
	}
	one := "agency-x=https://w.example/x=" + vkey
	cfg, err := loadConfig([]string{"--witness", one, "--witness", "agency-y=http://10.0.0.1:7380=" + vkey}, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	ws := witnessConfigs(cfg)
	if len(ws) != 2 || ws[0].Name != "agency-x" || ws[0].URL != "https://w.example/x" || ws[1].URL != "http://10.0.0.1:7380" {
		t.Fatalf("%+v", ws)
	}
	file := filepath.Join(t.TempDir(), "blacklistd.json")
	os.WriteFile(file, []byte(`{"witnesses": ["`+one+`"]}`), 0o600)
	if cfg, err := loadConfig([]string{"--config", file}, io.Discard); err != nil || len(witnessConfigs(cfg)) != 1 {
		t.Fatalf("config file: %+v %v", cfg.Witnesses, err)
	}
}
