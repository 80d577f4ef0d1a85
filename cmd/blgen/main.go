// Command blgen builds large embedded ledgers for benchmarks, and drives
// lookups against a node that serves one.
//
//	blgen --data DIR --n 10000000      # generate (DIR is created as a --demo data directory)
//	bin/blacklistd --demo --data DIR   # serve it
//	blgen lookup --data DIR --url http://127.0.0.1:8080 --batch 10000
//
// # What a generated store is
//
// DIR is an ordinary demo data directory, the one `blacklistd --demo`
// creates: the association and two banks on the embedded ledger in
// DIR/ledger, API clients and their keys in DIR/demo-credentials.json. blgen
// sets it up through the contract (SetupDemo), then registers one extra
// ES256 key per bank through the contract as well (RegisterKey), so that the
// members, keys and policy are exactly what the rules wrote.
//
// The attestations themselves do not go through the contract: signing,
// verifying and committing ten million of them one transaction at a time
// would take hours. blgen builds each default's record and asks
// contract.DefaultWrites for the world-state entries that accepting it
// would write, byte for byte, and loads them into the ledger's badger store
// already sorted (see bulk.go). Every payload passes attestation
// validation and carries a real ES256 signature by the registered key, so
// a generated record is indistinguishable from a submitted one to every
// query. Signing is half the generation time; with --sign=false the
// signature is random bytes that no key verifies, which changes nothing
// for status queries (they never verify) nor for the store's size.
//
// What such a store lacks is the transaction log: the generated writes are
// in no log entry, the height stays where the demo setup left it, and
// embedded.Ledger.Verify reports the store as edited. It is a benchmark
// fixture, never a ledger to keep. An interrupted generation leaves a
// directory to delete.
//
// # Which subjects exist
//
// Attestation i (0 <= i < n) is a default on subject i / per-subject,
// reported by Bank1MSP for even i and Bank2MSP for odd i. The subject key of
// subject j is the lower-case hex SHA-256 of "blgen subject <j>", so a bench
// client can look up stored subjects without a list of them; blgen.json in
// DIR records n, per-subject and the key formula. Subject keys are uniformly
// spread over the key space, so lookups of random subjects touch the whole
// store, as a real portfolio check does.
package main

import (
	"fmt"
	"io"
	"os"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `Usage: blgen --data DIR [--n N] [flags]          generate N default attestations into DIR
       blgen lookup --data DIR --url URL [flags]     look up generated subjects on a running node
       blgen console --data DIR --url URL [-n N]     time each web console page on a running node

blgen writes a benchmark ledger: DIR becomes a demo data directory (as
'blacklistd --demo' makes it, created if absent) holding N signed default
attestations on N/per-subject subjects, written straight into the embedded
ledger's store (not through transactions: see 'go doc ./cmd/blgen'). Serve it
with 'blacklistd --demo --data DIR'. Progress goes to stderr.

'blgen lookup' sends lookups of random generated subjects to a node serving
DIR and prints one line in Go benchmark format (see 'blgen lookup --help').

Run 'blgen --help' or 'blgen lookup --help' for the flags.
`

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) > 0 && args[0] == "lookup" {
		return lookupCmd(args[1:], stdout, stderr)
	}
	if len(args) > 0 && args[0] == "console" {
		return consoleCmd(args[1:], stdout, stderr)
	}
	return generateCmd(args, stdout, stderr)
}

// fail prints err as blgen's error and returns the exit code for it.
func fail(stderr io.Writer, err error) int {
	fmt.Fprintln(stderr, "blgen:", err)
	return 1
}
