package contract

import (
	"slices"
	"time"
)

// StandingAt is the listing rule applied to a subject's history as it
// stood at time t: the defaults recorded by then that meet the policy and
// were not yet settled, revoked or overturned by then. It lets whatever
// follows the ledger after the fact (the node's statistics) date a
// subject's listing by the change that caused it, though the history it
// reads is today's. Records past retention are no longer in a history, so
// t should be recent enough for them to be there (they ended long before).
func StandingAt(h History, p Policy, t time.Time) (listed bool, reporters []string) {
	reporters = []string{}
	at := func(s string) bool {
		if s == "" {
			return false
		}
		ts, err := time.Parse(timeLayout, s)
		return err == nil && !ts.After(t)
	}
	for _, e := range h.Entries {
		if !at(e.Default.RecordedAt) || !p.counts(&e.Default.Payload) {
			continue
		}
		if e.Closure != nil && at(e.Closure.RecordedAt) {
			continue
		}
		overturned := false
		for _, d := range e.Disputes {
			if d.State == DisputeUpheld && at(d.ResolvedAt) {
				overturned = true
			}
		}
		if overturned {
			continue
		}
		listed = true
		if !slices.Contains(reporters, e.Default.Payload.Reporter) {
			reporters = append(reporters, e.Default.Payload.Reporter)
		}
	}
	return listed, reporters
}
