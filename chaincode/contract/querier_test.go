package contract

import (
	"strings"
	"testing"
)

// TestQuerierCheckFollowsTheMemberRecord: the role check every query
// makes keeps what it decoded of a member record; a change of the record
// (suspension, reinstatement) is seen by the very next query, in this
// world and in another that reuses the same member name.
func TestQuerierCheckFollowsTheMemberRecord(t *testing.T) {
	w := newWorld(t)
	q := SubjectsRequest{Subjects: []string{hexOf("s")}}
	w.must(bank1, "SubjectStatuses", q)
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank1, Reason: "audit pending"})
	if e := w.refuse(bank1, "SubjectStatuses", q, CodeForbidden); !strings.Contains(e.Msg, "suspended") {
		t.Fatalf("a suspended member's query: %v", e)
	}
	w.must(assoc, "ReinstateMember", MemberStatusRequest{MSPID: bank1, Reason: "done"})
	w.must(bank1, "SubjectStatuses", q)
	w.refuse("Bank9MSP", "SubjectStatuses", q, CodeForbidden)

	// Another ledger where Bank1MSP is a member without the querier role.
	v := newWorld(t)
	v.admit("Bank4MSP", "91350100M000100Y43", RoleReporter)
	v.must(bank1, "SubjectStatuses", q)
	if e := v.refuse("Bank4MSP", "SubjectStatuses", q, CodeForbidden); !strings.Contains(e.Msg, "querier role") {
		t.Fatalf("a reporter's query: %v", e)
	}
	w.admit("Bank4MSP", "91110000600037341L", RoleQuerier)
	w.must("Bank4MSP", "SubjectStatuses", q)
}
