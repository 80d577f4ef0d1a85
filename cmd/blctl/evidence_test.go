package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/evidence/evidencetest"
)

// writeEvidence writes a fixture's bundle and trust root as a court would
// receive them.
func writeEvidence(t *testing.T, f *evidencetest.Fixture) (bundle, root string) {
	t.Helper()
	dir := t.TempDir()
	bundle, root = filepath.Join(dir, "bundle.json"), filepath.Join(dir, "trust-root.json")
	for path, v := range map[string]any{bundle: f.Bundle, root: f.TrustRoot} {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return bundle, root
}

// noServer is an address nothing listens on: verify must not need one.
const noServer = "http://127.0.0.1:1"

func TestEvidenceVerifyRefusals(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	bundle, root := writeEvidence(t, f)
	for name, c := range map[string]struct {
		args []string
		code int
		want string
	}{
		"no trust root":      {[]string{"evidence", "verify", bundle}, exitUsage, "--trust-root is required"},
		"no bundle":          {[]string{"evidence", "verify", "--trust-root", root}, exitUsage, "give exactly one bundle file"},
		"two bundles":        {[]string{"evidence", "verify", bundle, bundle, "--trust-root", root}, exitUsage, "give exactly one bundle file"},
		"missing file":       {[]string{"evidence", "verify", bundle + ".none", "--trust-root", root}, exitUsage, "no such file"},
		"trust root swapped": {[]string{"evidence", "verify", root, "--trust-root", bundle}, exitRefused, "is not a readable document"},
	} {
		code, _, errOut := runCLI(t, "", append([]string{"--server", noServer}, c.args...)...)
		if code != c.code || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, stderr %q; want %d and %q", name, code, errOut, c.code, c.want)
		}
	}

	// A bundle whose settlement was dropped: the transcript is printed, the
	// failure named, exit 1.
	f.Bundle.Records = f.Bundle.Records[:len(f.Bundle.Records)-1]
	bundle, root = writeEvidence(t, f)
	code, out, errOut := runCLI(t, "", "--server", noServer, "evidence", "verify", bundle, "--trust-root", root)
	if code != exitRefused || !strings.Contains(errOut, "does NOT verify") || !strings.Contains(errOut, "later records were left out") ||
		!strings.Contains(out, "[FAILED] that no record about attestation/"+f.DefaultID) {
		t.Errorf("dropped settlement: exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, errOut = runCLI(t, "", "--server", noServer, "evidence", "verify", bundle, "--trust-root", root, "--lang", "zh")
	if code != exitRefused || !strings.Contains(errOut, "未通过校验") || !strings.Contains(errOut, "之后的记录被遗漏") || !strings.Contains(out, "[未通过]") {
		t.Errorf("dropped settlement, Chinese: exit %d\n%s\n%s", code, out, errOut)
	}
}

func TestEvidenceVerify(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true})
	bundle, root := writeEvidence(t, f)
	code, out, errOut := runCLI(t, "", "--server", noServer, "evidence", "verify", bundle, "--trust-root", root)
	if code != exitOK || !strings.Contains(out, "checks passed.") || strings.Contains(out, "FAILED") ||
		!strings.Contains(out, "valid ES256 signature by Org1MSP") || !strings.Contains(out, "endorsed by Org1MSP, Org2MSP") {
		t.Fatalf("exit %d\n%s\n%s", code, out, errOut)
	}
	code, out, _ = runCLI(t, "", "--server", noServer, "--lang", "zh", "evidence", "verify", bundle, "--trust-root", root)
	if code != exitOK || !strings.Contains(out, "项检查通过") || !strings.Contains(out, "的有效 ES256 签名") {
		t.Fatalf("Chinese: exit %d\n%s", code, out)
	}
	code, _, errOut = runCLI(t, "", "--server", noServer, "--output", "json", "evidence", "verify", "-", "--trust-root", root)
	if code != exitRefused || !strings.Contains(errOut, "- is not a readable document: bundle: no JSON value") {
		t.Fatalf("empty stdin: exit %d\n%s", code, errOut)
	}
	raw, _ := os.ReadFile(bundle)
	code, out, errOut = runCLI(t, string(raw), "--server", noServer, "--output", "json", "evidence", "verify", "-", "--trust-root", root)
	var v verifyOutput
	if code != exitOK || json.Unmarshal([]byte(out), &v) != nil || !v.Verified || len(v.Checks) < 20 || v.Checks[0].Text == "" {
		t.Fatalf("json: exit %d\n%s\n%s", code, out, errOut)
	}
}
