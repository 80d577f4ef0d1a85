package contract

import (
	"encoding/json"
	"strings"
	"testing"
)

// Input rules of docs/decisions/0010-input-rules.md, as the contract
// applies them to every transaction argument.

func TestRepeatedKeysRefused(t *testing.T) {
	w := newWorld(t)
	for _, c := range []struct{ fn, arg, key string }{
		{"SuspendMember", `{"mspId":"Bank1MSP","reason":"late","mspId":"Bank2MSP"}`, "mspId"},
		{"SubmitAttestations", `{"attestations":["x"],"attestations":["y"]}`, "attestations"},
		{"AdmitMember", `{"mspId":"Bank9MSP","legalName":"Nine","creditCode":"91350100M000100Y43","roles":["querier"],"keys":[{"kid":"a","kid":"b","publicKey":""}]}`, "kid"},
		{"SubjectStatus", `{"subject":"a","Subject":"b"}`, "Subject"},
	} {
		e := w.refuse(assoc, c.fn, json.RawMessage(c.arg), CodeInvalidArgument)
		if !strings.Contains(e.Msg, `duplicate key "`+c.key+`"`) {
			t.Errorf("%s: %q does not name %q", c.fn, e.Msg, c.key)
		}
	}
}

func TestFreeTextControlsRefused(t *testing.T) {
	w := newWorld(t)
	for _, bad := range []string{"\u202eevil", "a\u2066b", "a\u200fb", "a\u00adb", "a\tb", "a\nb", "a\u0085b", "a\ufeffb", "a\u2028b", "a\U000e0041b"} {
		e := w.refuse(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank1, Reason: bad}, CodeInvalidArgument)
		if !strings.Contains(e.Msg, "reason") {
			t.Errorf("%q: %s", bad, e.Msg)
		}
		w.refuse(assoc, "AdmitMember", AdmitMemberRequest{MSPID: "Bank9MSP", LegalName: "Nine" + bad, CreditCode: "91350100M000100Y43",
			Roles: []string{RoleQuerier}}, CodeInvalidArgument)
		w.refuse(bank1, "RevokeKey", RevokeKeyRequest{MSPID: bank1, KID: w.kids[bank1], Reason: bad}, CodeInvalidArgument)
	}
	// Scripts and marks that real names use are fine.
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank1, Reason: "逾期未报送 — überfällig, قرض"})

	subj := hexOf("noted subject")
	def := w.defaultFor(bank2, subj, "loan", 100, 100)
	_, defID := w.sign(bank2, def)
	expectItem(t, w.file(bank2, def), ItemAccepted, "")
	var d Dispute
	if err := w.call(bank3, "OpenDispute", OpenDisputeRequest{AttestationID: defID, ReasonCode: "not-mine", StatementDigest: hexOf("s")}, &d); err != nil {
		t.Fatal(err)
	}
	w.refuse(bank2, "ResolveDispute", ResolveDisputeRequest{DisputeID: d.ID, Outcome: DisputeRejected, Note: "checked\u202e"}, CodeInvalidArgument)
}

// A batch in which nothing is accepted writes nothing and announces
// nothing, so that a ledger can skip committing it.
func TestNothingAcceptedWritesNothing(t *testing.T) {
	w := newWorld(t)
	p := w.defaultFor(bank1, hexOf("s"), "loan", 100, 100)
	jws, _ := w.sign(bank1, p)
	expectItem(t, w.submit(bank1, jws).Results[0], ItemAccepted, "")
	w.st.Event, w.st.Payload = "", nil
	before := w.snapshot()
	bad := w.defaultFor(bank1, hexOf("s"), "other loan", 100, 100)
	bad.Reporter = bank2
	foreign, _ := w.sign(bank2, bad)
	r := w.submit(bank1, jws, "garbage", foreign)
	if r.Accepted != 0 || r.Duplicates != 1 || r.Rejected != 2 {
		t.Fatalf("results %+v", r)
	}
	if w.snapshot() != before || w.st.Event != "" {
		t.Fatalf("a batch with nothing accepted wrote or announced something (event %q)", w.st.Event)
	}
}
