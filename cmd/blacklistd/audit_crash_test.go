package main

import (
	"fmt"
	"net/url"
	"syscall"
	"testing"
)

// TestKilledDuringLookupsKeepsTheirAudit starts the real binary with
// --demo, sends 2,000-subject lookups from several clients, kills the
// process with SIGKILL, restarts it on the same data and asks the audit
// log, by subject, for subjects of every answered lookup: each is there
// once, whether or not the subject index (written behind the log) had
// reached it before the kill.
func TestKilledDuringLookupsKeepsTheirAudit(t *testing.T) {
	bin, data, addr, d := startFresh(t, "--demo")
	creds := credentials(t, data)

	const size = 2000
	batch := func(w, i int) []string {
		s := make([]string, size)
		for j := range s {
			s[j] = hexOf(fmt.Sprint("audited ", w, " ", i, " ", j))
		}
		return s
	}
	clients := []string{"bank1-app", "bank2-app", "bank1-app"}
	answered := killDuring(t, d, len(clients), 12, func(w, i int) ([]string, bool) {
		subjects := batch(w, i)
		st, err := post(d.url+"/v1/lookups", creds[clients[w]], map[string]any{"purpose": "loan-approval", "subjects": subjects}, nil)
		return subjects, err == nil && st == 200
	})

	d = start(t, bin, data, addr, "--demo")
	defer func() {
		d.cmd.Process.Signal(syscall.SIGTERM)
		d.cmd.Wait()
	}()
	checked := 0
	for _, subjects := range answered {
		for _, s := range []string{subjects[0], subjects[size/2], subjects[size-1]} {
			var audit struct {
				Entries []struct{ Subject, Kind, Purpose string }
			}
			st, err := send("GET", d.url+"/v1/audit/queries?subject="+url.QueryEscape(s), creds["auditor"], nil, &audit)
			if err != nil || st != 200 {
				t.Fatalf("audit query: %d %v", st, err)
			}
			if len(audit.Entries) != 1 || audit.Entries[0].Subject != s || audit.Entries[0].Kind != "status" || audit.Entries[0].Purpose != "loan-approval" {
				t.Fatalf("an answered lookup of %s is audited as %+v", s, audit.Entries)
			}
			checked++
		}
	}
	t.Logf("%d answered lookups of %d subjects; %d of their subjects each found once in the audit log after SIGKILL and restart", len(answered), size, checked)
}
