package contract

import (
	"testing"
)

func TestInit(t *testing.T) {
	w := newWorld(t)
	w.refuse(assoc, "Init", InitRequest{Association: assoc, LegalName: "again"}, CodeConflict)

	fresh := &world{t: t, c: &Contract{}, st: w.st}
	fresh.st.Data = map[string][]byte{}
	fresh.refuse(bank1, "Init", InitRequest{Association: assoc, LegalName: "x"}, CodeForbidden)
	fresh.refuse(assoc, "Init", InitRequest{Association: "bad msp!", LegalName: "x"}, CodeInvalidArgument)
	fresh.refuse(assoc, "Init", InitRequest{Association: assoc}, CodeInvalidArgument)
	fresh.refuse(assoc, "AdmitMember", AdmitMemberRequest{}, CodeFailedPrecondition)
	fresh.refuse(bank1, "SubjectStatus", SubjectRequest{Subject: hexOf("s")}, CodeFailedPrecondition)

	pinned := &world{t: t, c: &Contract{Association: assoc}, st: w.st}
	pinned.refuse(bank1, "Init", InitRequest{Association: bank1, LegalName: "usurper"}, CodeForbidden)
	pinned.must(assoc, "Init", InitRequest{Association: assoc, LegalName: "Credit Association"})
	var p Policy
	if err := pinned.call(assoc, "GetPolicy", nil, &p); err != nil || p.MinDaysPastDue != 90 || p.RetentionYears != 5 || p.DisputeAnswerDays != 20 {
		t.Fatalf("default policy = %+v, %v", p, err)
	}
}

func TestAdmitMember(t *testing.T) {
	w := newWorld(t)
	k := w.pem(w.other)
	good := func() AdmitMemberRequest {
		return AdmitMemberRequest{MSPID: "Bank9MSP", LegalName: "Bank Nine", CreditCode: "91350100M000100Y43",
			Roles: []string{RoleQuerier, RoleReporter, RoleQuerier}, Keys: []KeyRequest{{KID: "k9", PublicKey: k}}}
	}
	cases := []struct {
		name    string
		creator string
		edit    func(*AdmitMemberRequest)
		code    string
	}{
		{"not the association", bank1, func(*AdmitMemberRequest) {}, CodeForbidden},
		{"bad msp id", assoc, func(r *AdmitMemberRequest) { r.MSPID = "bank 9" }, CodeInvalidArgument},
		{"no legal name", assoc, func(r *AdmitMemberRequest) { r.LegalName = "" }, CodeInvalidArgument},
		{"credit code check character", assoc, func(r *AdmitMemberRequest) { r.CreditCode = "91350100M000100Y44" }, CodeInvalidArgument},
		{"credit code length", assoc, func(r *AdmitMemberRequest) { r.CreditCode = "91350100M000100Y4" }, CodeInvalidArgument},
		{"credit code character", assoc, func(r *AdmitMemberRequest) { r.CreditCode = "91350100M000100I43" }, CodeInvalidArgument},
		{"no roles", assoc, func(r *AdmitMemberRequest) { r.Roles = nil }, CodeInvalidArgument},
		{"unknown role", assoc, func(r *AdmitMemberRequest) { r.Roles = []string{"admin"} }, CodeInvalidArgument},
		{"bad key", assoc, func(r *AdmitMemberRequest) { r.Keys[0].PublicKey = "not a key" }, CodeInvalidArgument},
		{"bad kid", assoc, func(r *AdmitMemberRequest) { r.Keys[0].KID = "" }, CodeInvalidArgument},
		{"duplicate kid", assoc, func(r *AdmitMemberRequest) { r.Keys = append(r.Keys, r.Keys[0]) }, CodeConflict},
		{"already a member", assoc, func(r *AdmitMemberRequest) { r.MSPID = bank1 }, CodeConflict},
		{"the association itself", assoc, func(r *AdmitMemberRequest) { r.MSPID = assoc }, CodeConflict},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			w.t = t
			r := good()
			c.edit(&r)
			w.refuse(c.creator, "AdmitMember", r, c.code)
		})
	}
	w.t = t
	var m Member
	if err := w.call(assoc, "AdmitMember", good(), &m); err != nil {
		t.Fatal(err)
	}
	if m.Status != StatusActive || len(m.Roles) != 2 || m.Roles[0] != RoleQuerier || len(m.Keys) != 1 || m.Keys[0].Status != KeyActive {
		t.Fatalf("admitted member = %+v", m)
	}
	if err := w.call(bank2, "GetMember", MemberRequest{MSPID: "Bank9MSP"}, &m); err != nil || m.LegalName != "Bank Nine" {
		t.Fatalf("GetMember = %+v, %v", m, err)
	}
	var all []Member
	if err := w.call(bank1, "ListMembers", nil, &all); err != nil || len(all) != 5 {
		t.Fatalf("ListMembers = %d members, %v", len(all), err)
	}
	w.refuse("OutsiderMSP", "ListMembers", nil, CodeForbidden)
	w.refuse(bank1, "GetMember", MemberRequest{MSPID: "NobodyMSP"}, CodeNotFound)
	w.refuse(bank1, "GetMember", map[string]string{"msp": bank1}, CodeInvalidArgument)
}

func TestMemberStatusTransitions(t *testing.T) {
	w := newWorld(t)
	reason := MemberStatusRequest{MSPID: bank2, Reason: "late reporting"}
	w.refuse(bank1, "SuspendMember", reason, CodeForbidden)
	w.refuse(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank2}, CodeInvalidArgument)
	w.refuse(assoc, "SuspendMember", MemberStatusRequest{MSPID: "NoMSP", Reason: "x"}, CodeNotFound)
	w.refuse(assoc, "SuspendMember", MemberStatusRequest{MSPID: assoc, Reason: "x"}, CodeForbidden)
	w.refuse(assoc, "ReinstateMember", reason, CodeFailedPrecondition)
	w.must(assoc, "SuspendMember", reason)
	w.refuse(assoc, "SuspendMember", reason, CodeFailedPrecondition)

	// A suspended member can neither write nor look up, but still reads its own standing.
	p := w.defaultFor(bank2, hexOf("subject"), "loan-1", 120, 50000)
	jws, _ := w.sign(bank2, p)
	w.refuse(bank2, "SubmitAttestations", SubmitRequest{Attestations: []string{jws}}, CodeForbidden)
	w.refuse(bank2, "SubjectStatus", SubjectRequest{Subject: hexOf("subject")}, CodeForbidden)
	var m Member
	if err := w.call(bank2, "GetMember", MemberRequest{MSPID: bank2}, &m); err != nil || m.Status != StatusSuspended || m.StatusReason != "late reporting" {
		t.Fatalf("suspended member reads %+v, %v", m, err)
	}

	w.must(assoc, "ReinstateMember", reason)
	if r := w.submit(bank2, jws); r.Accepted != 1 {
		t.Fatalf("reinstated member's submit: %+v", r)
	}
	w.must(assoc, "ExpelMember", reason)
	w.refuse(assoc, "ReinstateMember", reason, CodeFailedPrecondition)
	w.refuse(assoc, "ExpelMember", reason, CodeFailedPrecondition)
	w.refuse(bank2, "SubmitAttestations", SubmitRequest{Attestations: []string{jws}}, CodeForbidden)
	// An expelled member's records stay.
	if s := w.status(hexOf("subject")); !s.Listed || s.Reporters[0] != bank2 {
		t.Fatalf("after expulsion status = %+v", s)
	}
}

func TestKeys(t *testing.T) {
	w := newWorld(t)
	k := w.pem(w.other)
	w.must(bank1, "RegisterKey", RegisterKeyRequest{MSPID: bank1, KeyRequest: KeyRequest{KID: "bank1-k2", PublicKey: k}})
	w.must(assoc, "RegisterKey", RegisterKeyRequest{MSPID: bank2, KeyRequest: KeyRequest{KID: "bank2-k2", PublicKey: k}})
	w.refuse(bank1, "RegisterKey", RegisterKeyRequest{MSPID: bank2, KeyRequest: KeyRequest{KID: "x", PublicKey: k}}, CodeForbidden)
	w.refuse(bank1, "RegisterKey", RegisterKeyRequest{MSPID: bank1, KeyRequest: KeyRequest{KID: "bank1-k2", PublicKey: k}}, CodeConflict)
	w.refuse(bank1, "RegisterKey", RegisterKeyRequest{MSPID: bank1, KeyRequest: KeyRequest{KID: "k3", PublicKey: "-----BEGIN PUBLIC KEY-----"}}, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "RegisterKey", RegisterKeyRequest{MSPID: "OutsiderMSP", KeyRequest: KeyRequest{KID: "k", PublicKey: k}}, CodeForbidden)

	w.refuse(bank1, "RevokeKey", RevokeKeyRequest{MSPID: bank2, KID: "bank2-k2"}, CodeForbidden)
	w.refuse(bank1, "RevokeKey", RevokeKeyRequest{MSPID: bank1, KID: "nope"}, CodeNotFound)
	w.must(bank1, "RevokeKey", RevokeKeyRequest{MSPID: bank1, KID: "bank1-k2", Reason: "rotated"})
	w.refuse(bank1, "RevokeKey", RevokeKeyRequest{MSPID: bank1, KID: "bank1-k2"}, CodeFailedPrecondition)
	// A revoked kid is never reused.
	w.refuse(bank1, "RegisterKey", RegisterKeyRequest{MSPID: bank1, KeyRequest: KeyRequest{KID: "bank1-k2", PublicKey: k}}, CodeConflict)
	w.must(assoc, "RevokeKey", RevokeKeyRequest{MSPID: bank2, KID: "bank2-k2"})

	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank1, Reason: "audit"})
	w.refuse(bank1, "RegisterKey", RegisterKeyRequest{MSPID: bank1, KeyRequest: KeyRequest{KID: "k4", PublicKey: k}}, CodeForbidden)
}

func TestSetPolicy(t *testing.T) {
	w := newWorld(t)
	good := Policy{MinDaysPastDue: 60, MinAmount: map[string]int64{"CNY": 100000}, RetentionYears: 3, DisputeAnswerDays: 15}
	w.refuse(bank1, "SetPolicy", good, CodeForbidden)
	for _, bad := range []Policy{
		{MinDaysPastDue: 0, RetentionYears: 5, DisputeAnswerDays: 20},
		{MinDaysPastDue: 90, RetentionYears: 0, DisputeAnswerDays: 20},
		{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 0},
		{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 20, MinAmount: map[string]int64{"XYZ": 1}},
		{MinDaysPastDue: 90, RetentionYears: 5, DisputeAnswerDays: 20, MinAmount: map[string]int64{"CNY": -1}},
	} {
		w.refuse(assoc, "SetPolicy", bad, CodeInvalidArgument)
	}
	w.refuse(assoc, "SetPolicy", map[string]any{"minDaysPastDue": 90, "retention": 5}, CodeInvalidArgument)
	w.must(assoc, "SetPolicy", good)
	var p Policy
	if err := w.call(bank1, "GetPolicy", nil, &p); err != nil || p.MinDaysPastDue != 60 || p.MinAmount["CNY"] != 100000 {
		t.Fatalf("policy = %+v, %v", p, err)
	}
}

func TestUnknownFunctionAndMalformedRequests(t *testing.T) {
	w := newWorld(t)
	w.refuse(bank1, "DropTable", nil, CodeUnknownFunction)
	if _, err := w.c.Invoke(w.st, "SubjectStatus", []byte(`{"subject": "`+hexOf("a")+`"} trailing`)); err == nil {
		t.Fatal("trailing data accepted")
	}
	if _, err := w.c.Invoke(w.st, "SubjectStatus", []byte(`{"subject": 5}`)); err == nil {
		t.Fatal("wrong type accepted")
	}
	if !IsReadOnly("SubjectStatus") || IsReadOnly("SubmitAttestations") || IsReadOnly("nope") {
		t.Fatal("IsReadOnly")
	}
	if len(Functions()) != len(functions) {
		t.Fatal("Functions")
	}
}
