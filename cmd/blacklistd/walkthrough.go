package main

import (
	"fmt"
	"io"
	"path/filepath"

	"github.com/assoc-ledger/blacklist/node"
)

func printWalkthrough(w io.Writer, dataDir string, creds *node.DemoCredentials) {
	key := func(name string) string {
		for _, c := range creds.Clients {
			if c.Name == name {
				return c.APIKey
			}
		}
		return ""
	}
	fmt.Fprintf(w, `Demo consortium ready at %[1]s (credentials: %[2]s)

  B1=%[3]s   # bank1-app: Bank1MSP reporter+querier
  B2=%[4]s   # bank2-app: Bank2MSP reporter+querier
  AD=%[5]s   # assoc-admin
  AU=%[6]s   # auditor

  # a subject key from an ID number (the number never leaves the node)
  curl -s -H "Authorization: Bearer $B1" %[1]s/v1/subject-keys -d '{"idType":"cn-ric","idNumber":"11010519491231002X"}'
  # Bank1 reports a default, signed by the node with Bank1's key
  curl -s -H "Authorization: Bearer $B1" %[1]s/v1/attestations -d '{"attestation":{"type":"default","subject":"<key>","loanRef":"<sha256 of loan no>","product":"consumer","amount":1250000,"currency":"CNY","overdueSince":"2026-06-01","daysPastDue":120,"noticeDate":"2026-07-01"}}'
  # Bank2 looks the subject up before lending
  curl -s -H "Authorization: Bearer $B2" "%[1]s/v1/subjects/<key>?purpose=loan-approval"
  # the auditor reads who looked up whom, and why
  curl -s -H "Authorization: Bearer $AU" %[1]s/v1/audit/queries

See README.md for the full walkthrough.
`, creds.BaseURL, filepath.Join(dataDir, node.DemoCredentialsFile), key("bank1-app"), key("bank2-app"), key("assoc-admin"), key("auditor"))
}
