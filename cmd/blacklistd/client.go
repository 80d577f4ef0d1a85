package main

import (
	"encoding/pem"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/assoc-ledger/blacklist/node"
)

// clientCmd manages API clients of a stopped node: the store is opened
// exclusively, so run it while blacklistd is not running.
func clientCmd(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("blacklistd client add", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "data", "the node's data directory")
	name := fs.String("name", "", "client name (lower-case letters, digits, . _ -)")
	member := fs.String("member", "", "MSP ID of the member the client acts for")
	roles := fs.String("roles", "", "comma-separated roles: admin, reporter, querier, auditor, agency")
	certFile := fs.String("cert", "", "PEM client certificate the client may authenticate with instead of its key (mutual TLS)")
	fs.Usage = func() {
		fmt.Fprint(stderr, "Usage: blacklistd client add --name NAME --member MSP --roles r1,r2 [--data DIR]\n       blacklistd client list [--data DIR]\n\nPrints the new API key once; only its hash is stored. Run while the node is stopped.\n\n")
		fs.PrintDefaults()
	}
	if len(args) == 0 || (args[0] != "add" && args[0] != "list") {
		fs.Usage()
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	// Clients live in the node store; no ledger is needed to manage them.
	n, err := node.Open(*data, nil)
	if msg := inUse(err, *data); msg != "" {
		fmt.Fprintln(stderr, "blacklistd client:", msg)
		return 1
	}
	if err != nil {
		fmt.Fprintln(stderr, "blacklistd client:", err)
		return 1
	}
	defer n.Close()
	if args[0] == "list" {
		for _, c := range n.Clients() {
			fmt.Fprintf(stdout, "%s\t%s\t%s\n", c.Name, c.Member, strings.Join(c.Roles, ","))
		}
		return 0
	}
	key, err := n.CreateClient(*name, *member, strings.Split(*roles, ","))
	if err != nil {
		fmt.Fprintln(stderr, "blacklistd client add:", err)
		return 1
	}
	if *certFile != "" {
		b, err := os.ReadFile(*certFile)
		block, _ := pem.Decode(b)
		if err != nil || block == nil || block.Type != "CERTIFICATE" {
			fmt.Fprintln(stderr, "blacklistd client add: --cert: not a PEM certificate")
			n.DeleteClient(*name)
			return 1
		}
		if err := n.BindCertificate(*name, block.Bytes); err != nil {
			fmt.Fprintln(stderr, "blacklistd client add:", err)
			n.DeleteClient(*name)
			return 1
		}
	}
	fmt.Fprintln(stdout, key)
	return 0
}
