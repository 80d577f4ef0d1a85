package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/assoc-ledger/blacklist/node"
)

// printWalkthrough tells the operator where the demo's API keys are and how
// to start. It prints the file's path, not the keys: stdout often ends up
// in a terminal scrollback or a service log.
func printWalkthrough(w io.Writer, dataDir string, creds *node.DemoCredentials) {
	file := filepath.Join(dataDir, node.DemoCredentialsFile)
	fmt.Fprintf(w, `Demo consortium ready at %[1]s
API keys (owner-only file): %[2]s

  key() { sed -n "/\"$1\"/,/apiKey/ s/.*\"apiKey\": \"\(.*\)\".*/\1/p" %[2]s; }
  B1=$(key bank1-app); B2=$(key bank2-app); AU=$(key auditor)   # and assoc-admin

  # a subject key from an ID number (the number never leaves the node)
  curl -s -H "Authorization: Bearer $B1" %[1]s/v1/subject-keys -d '{"idType":"cn-ric","idNumber":"11010519491231002X"}'
  # Bank1 reports a default, signed by the node with Bank1's key
  curl -s -H "Authorization: Bearer $B1" %[1]s/v1/attestations -d '{"attestation":{"type":"default","subject":"<key>","loanRef":"<sha256 of loan no>","product":"consumer","amount":1250000,"currency":"CNY","overdueSince":"2026-06-01","daysPastDue":120,"noticeDate":"2026-07-01"}}'
  # Bank2 looks the subject up before lending
  curl -s -H "Authorization: Bearer $B2" "%[1]s/v1/subjects/<key>?purpose=loan-approval"
  # Bank2 watches its borrower and reads its alerts
  curl -s -X PUT -H "Authorization: Bearer $B2" %[1]s/v1/watchlist/<key>; curl -s -H "Authorization: Bearer $B2" %[1]s/v1/alerts
  # the auditor reads who looked up whom, and why
  curl -s -H "Authorization: Bearer $AU" %[1]s/v1/audit/queries

See README.md for the full walkthrough.
`, creds.BaseURL, file)
}
