package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/sealedsecret"
)

func TestSecretCommands(t *testing.T) {
	file := filepath.Join(t.TempDir(), "consortium.secret")
	var out, errb bytes.Buffer
	if rc := run([]string{"secret", "new", "--out", file}, &out, &errb); rc != 0 {
		t.Fatalf("secret new: %d %s", rc, errb.String())
	}
	kcv := strings.TrimSpace(out.String())
	st, err := os.Stat(file)
	if err != nil || st.Mode().Perm() != 0o600 || !sealedsecret.ValidKeyCheck(kcv) {
		t.Fatalf("secret new: %v %v %q", err, st.Mode(), kcv)
	}
	b, _ := os.ReadFile(file)
	if strings.Contains(out.String()+errb.String(), strings.TrimSpace(string(b))) {
		t.Fatal("the secret was printed")
	}
	out.Reset()
	if rc := run([]string{"secret", "check", "--in", file}, &out, &errb); rc != 0 || strings.TrimSpace(out.String()) != kcv {
		t.Fatalf("secret check: %d %q", rc, out.String())
	}
	// Never replaced: a second "new" on the same file is refused.
	if rc := run([]string{"secret", "new", "--out", file}, &out, &errb); rc != 1 {
		t.Fatalf("secret new over an existing file: %d", rc)
	}
	if b2, _ := os.ReadFile(file); !bytes.Equal(b, b2) {
		t.Fatal("the secret file changed")
	}
	for _, args := range [][]string{{"secret"}, {"secret", "new"}, {"secret", "rotate"}} {
		if rc := run(args, &out, &errb); rc != 2 {
			t.Errorf("%v: %d", args, rc)
		}
	}
}
