package main

import (
	"flag"
	"fmt"
	"io"

	"github.com/assoc-ledger/blacklist/node"
)

// secretCmd creates the consortium's subject-key secret (the association,
// once, before the ledger's Init) or prints a secret file's key-check value.
func secretCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("blacklistd secret", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "secret new: the file to create (it must not exist; mode 0600)")
	in := fs.String("in", "", "secret check: the secret file to read")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: blacklistd secret new --out FILE
       blacklistd secret check --in FILE

The consortium secret turns identity numbers into subject keys; every
member's node must hold the same one. The association creates it once with
"secret new", which prints its key-check value (KCV: hex HMAC-SHA256 of a
fixed label under the secret): pass the KCV to the ledger's Init as
"subjectKeyCheck", and give the file to the association's node
(--consortium-secret FILE). Members' nodes never get the file: they receive
the secret sealed to their own node key on the ledger. "secret check"
prints the KCV of an existing file. Neither prints the secret.

`)
		fs.PrintDefaults()
	}
	if len(args) == 0 || (args[0] != "new" && args[0] != "check") {
		fs.Usage()
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	var kcv string
	var err error
	switch {
	case args[0] == "new" && *out != "":
		kcv, err = node.NewSecretFile(*out)
	case args[0] == "check" && *in != "":
		kcv, err = node.SecretFileKeyCheck(*in)
	default:
		fs.Usage()
		return 2
	}
	if err != nil {
		fmt.Fprintf(stderr, "blacklistd secret %s: %v\n", args[0], err)
		return 1
	}
	fmt.Fprintln(stdout, kcv)
	return 0
}

// secretOptions: in fabric mode the node is one organisation's in a
// consortium and its secret must be the association's; embedded, it keeps
// a local one (or the file given).
func secretOptions(cfg config) node.SecretOptions {
	return node.SecretOptions{Consortium: cfg.Ledger == "fabric", Member: cfg.Fabric.MSPID, File: cfg.ConsortiumSecret}
}
