package fabriccc

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// reporterPeer is a peer with an initialised ledger and Bank1MSP admitted
// as a reporter with key k1.
func reporterPeer(t *testing.T) (*peer, *ecdsa.PrivateKey) {
	t.Helper()
	p := newPeer(t)
	if msg, st := p.invoke("AssocMSP", "Init", contract.InitRequest{Association: "AssocMSP", LegalName: "Association"}); st != shim.OK {
		t.Fatal(msg)
	}
	admit, key := bank1Admission(t)
	if msg, st := p.invoke("AssocMSP", "AdmitMember", admit); st != shim.OK {
		t.Fatal(msg)
	}
	return p, key
}

// bank1Admission is the request admitting Bank1MSP as a reporter and
// querier with a new key k1, and that key.
func bank1Admission(t *testing.T) (contract.AdmitMemberRequest, *ecdsa.PrivateKey) {
	t.Helper()
	key, err := attestation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pub, err := attestation.MarshalPublicKeyPEM(&key.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return contract.AdmitMemberRequest{MSPID: "Bank1MSP", LegalName: "Bank One", CreditCode: "91350100M000100Y43",
		Roles: []string{"reporter", "querier"}, Keys: []contract.KeyRequest{{KID: "k1", PublicKey: pub}}}, key
}

func signedDefault(t *testing.T, key *ecdsa.PrivateKey, n int) (jws, id string) {
	t.Helper()
	return signedDefaultAt(t, key, n, "2026-05-30T10:00:00Z")
}

// signedDefaultAt is default n (subject n, loan n) issued at issuedAt.
func signedDefaultAt(t *testing.T, key *ecdsa.PrivateKey, n int, issuedAt string) (jws, id string) {
	t.Helper()
	dpd, amount := 120, int64(5000+n)
	def := &attestation.Payload{V: 1, Type: "default", Reporter: "Bank1MSP", Subject: hexOf(fmt.Sprint("subject", n)),
		IssuedAt: issuedAt, LoanRef: hexOf(fmt.Sprint("loan", n)), Product: "mortgage", Amount: &amount,
		Currency: "CNY", OverdueSince: "2026-01-10", DaysPastDue: &dpd, NoticeDate: "2026-02-01"}
	jws, id, err := attestation.Sign(def, key, "k1")
	if err != nil {
		t.Fatal(err)
	}
	return jws, id
}

func signedSettlement(t *testing.T, key *ecdsa.PrivateKey, n int, defaultID string) string {
	t.Helper()
	return signedSettlementAt(t, key, n, defaultID, "2026-05-31T10:00:00Z")
}

// signedSettlementAt settles defaultID in full, naming subject n.
func signedSettlementAt(t *testing.T, key *ecdsa.PrivateKey, n int, defaultID, issuedAt string) string {
	t.Helper()
	paid := int64(5000 + n)
	set := &attestation.Payload{V: 1, Type: "settlement", Reporter: "Bank1MSP", Subject: hexOf(fmt.Sprint("subject", n)),
		IssuedAt: issuedAt, RefersTo: defaultID, SettledOn: "2026-05-31", Kind: "full", Amount: &paid}
	jws, _, err := attestation.Sign(set, key, "k1")
	if err != nil {
		t.Fatal(err)
	}
	return jws
}

func submit(t *testing.T, p *peer, jws []string) contract.SubmitResult {
	t.Helper()
	out, st := p.invoke("Bank1MSP", "SubmitAttestations", contract.SubmitRequest{Attestations: jws})
	var res contract.SubmitResult
	if st != shim.OK || json.Unmarshal([]byte(out), &res) != nil {
		t.Fatalf("submit: %d %s", st, out)
	}
	return res
}

// TestSubmitReadRoundTrips counts the stub's read calls of a submit of one
// default and of a batch of 100 (and of the batch's settlements). The
// point reads of the items are announced and fetched in one
// GetMultipleStates; what remains per item is the protections scan of a
// default's subject and, for a closure, the reads that depend on the
// default it refers to (docs/benchmarks.md, "Fabric: round trips of a
// batched submit").
func TestSubmitReadRoundTrips(t *testing.T) {
	p, key := reporterPeer(t)

	one, _ := signedDefault(t, key, 0)
	if res := submit(t, p, []string{one}); res.Accepted != 1 {
		t.Fatalf("%+v", res)
	}
	single := p.stub.calls
	t.Logf("1 default: %v, %d keys fetched together", single, p.stub.multiKeys)
	// The config and member record, then the attestation, loan and
	// policy: two round trips instead of five.
	if single["GetState"] != 0 || single["GetMultipleStates"] != 2 || p.stub.multiKeys != 5 || single["GetStateByPartialCompositeKey"] != 1 {
		t.Errorf("1 default: %v, %d keys together; want 2 GetMultipleStates of 5 keys and 1 scan", single, p.stub.multiKeys)
	}

	var batch, settlements []string
	for n := 1; n <= 100; n++ {
		jws, id := signedDefault(t, key, n)
		batch = append(batch, jws)
		settlements = append(settlements, signedSettlement(t, key, n, id))
	}
	if res := submit(t, p, batch); res.Accepted != 100 {
		t.Fatalf("%+v", res)
	}
	defaults, keys := p.stub.calls, p.stub.multiKeys
	t.Logf("100 defaults: %v, %d keys fetched together", defaults, keys)
	// The association's config and the creator's member record
	// together, then the items' attestation and loan keys and the policy.
	if defaults["GetState"] != 0 || defaults["GetMultipleStates"] != 2 || keys != 203 {
		t.Errorf("100 defaults: %v, %d keys together; want no GetState and 203 keys in two GetMultipleStates", defaults, keys)
	}
	// The protections of each subject are registrations under the
	// subject's own keys, whose ids the contract cannot know: one scan
	// per default.
	if defaults["GetStateByPartialCompositeKey"] != 100 {
		t.Errorf("100 defaults: %d scans, want 100", defaults["GetStateByPartialCompositeKey"])
	}

	if res := submit(t, p, settlements); res.Accepted != 100 {
		t.Fatalf("%+v", res)
	}
	t.Logf("100 settlements: %v, %d keys fetched together", p.stub.calls, p.stub.multiKeys)
	// Per settlement the referred-to default's index, record and closure
	// slot; one scan of the subject's disputes (overturnedAt), whose ids
	// the contract cannot know either.
	if p.stub.calls["GetState"] != 0 || p.stub.calls["GetMultipleStates"] != 2 || p.stub.multiKeys != 302 ||
		p.stub.calls["GetStateByPartialCompositeKey"] != 100 {
		t.Errorf("100 settlements: %v, %d keys together; want no GetState, 302 keys in two GetMultipleStates, 100 scans", p.stub.calls, p.stub.multiKeys)
	}
}

// TestPrefetchedReadsAnswerAsGetState runs a batch whose items read keys
// that were read ahead and then written by earlier items of the same
// batch, keys read ahead for items that are then refused, and items
// refused before any read. peer.invoke compares every answer, byte for
// byte, with the contract on a memory state that reads nothing ahead;
// the stub here either answers GetMultipleStates or fails it, so that
// reading one by one (an error while reading ahead) answers the same.
func TestPrefetchedReadsAnswerAsGetState(t *testing.T) {
	for _, failAhead := range []bool{false, true} {
		t.Run(fmt.Sprintf("readAheadFails=%v", failAhead), func(t *testing.T) {
			p, key := reporterPeer(t)
			d0, d0ID := signedDefault(t, key, 0)
			if res := submit(t, p, []string{d0}); res.Accepted != 1 {
				t.Fatalf("%+v", res)
			}
			prot := contract.RegisterProtectionRequest{Subject: hexOf("subject5"), ReasonCode: contract.ProtectionDocumentsStolen, CaseRef: hexOf("case")}
			if msg, st := p.invoke("Bank1MSP", "RegisterProtection", prot); st != shim.OK {
				t.Fatal(msg)
			}
			if failAhead {
				p.stub.multiErr = errors.New("peer: get multiple keys unavailable")
			}
			d1, d1ID := signedDefault(t, key, 1)
			conflict, _ := signedDefaultAt(t, key, 0, "2026-05-30T11:00:00Z")
			d5, _ := signedDefault(t, key, 5)
			dpd, amount := 120, int64(1)
			unknownKey, _, err := attestation.Sign(&attestation.Payload{V: 1, Type: "default", Reporter: "Bank1MSP",
				Subject: hexOf("subject9"), IssuedAt: "2026-05-30T10:00:00Z", LoanRef: hexOf("loan9"), Product: "mortgage",
				Amount: &amount, Currency: "CNY", OverdueSince: "2026-01-10", DaysPastDue: &dpd, NoticeDate: "2026-02-01"}, key, "k9")
			if err != nil {
				t.Fatal(err)
			}
			batch := []string{
				d1,                                // 0 accepted
				d1,                                // 1 duplicate: reads item 0's writes
				signedSettlement(t, key, 1, d1ID), // 2 accepted: settles a default of this batch
				conflict,                          // 3 loan 0 already has d0
				signedSettlementAt(t, key, 2, d0ID, "2026-05-31T09:00:00Z"), // 4 names subject 2, d0 is subject 0's
				d5,                                // 5 accepted with a warning
				"not.a.jws",                       // 6 refused before reading
				signedSettlement(t, key, 0, d0ID), // 7 accepted: settles the committed d0
				signedSettlementAt(t, key, 0, d0ID, "2026-05-31T11:00:00Z"), // 8 d0 settled by item 7
				unknownKey, // 9 refused before reading: no key k9
			}
			res := submit(t, p, batch)
			want := []struct{ status, code string }{
				{contract.ItemAccepted, ""}, {contract.ItemDuplicate, ""}, {contract.ItemAccepted, ""},
				{contract.ItemRejected, contract.CodeConflict}, {contract.ItemRejected, attestation.CodeInvalidPayload},
				{contract.ItemAccepted, ""}, {contract.ItemRejected, ""}, {contract.ItemAccepted, ""},
				{contract.ItemRejected, contract.CodeFailedPrecondition}, {contract.ItemRejected, contract.ItemUnknownKey},
			}
			for i, w := range want {
				r := res.Results[i]
				if r.Status != w.status || w.code != "" && r.Code != w.code {
					t.Errorf("item %d: %s %s (%s), want %s %s", i, r.Status, r.Code, r.Message, w.status, w.code)
				}
			}
			if w := res.Results[5].Warnings; len(w) != 1 || w[0] != contract.WarningSubjectProtected {
				t.Errorf("default on a protected subject: warnings %v", w)
			}
			if failAhead && p.stub.calls["GetState"] == 0 {
				t.Errorf("reading ahead failed and nothing was read one by one: %v", p.stub.calls)
			}
			if !failAhead && p.stub.calls["GetState"] != 0 {
				t.Errorf("%d GetState after reading ahead: %v", p.stub.calls["GetState"], p.stub.calls)
			}
		})
	}
}

// TestStubStateForgetsWrittenKeys: a key written after it was read ahead
// is read from the stub again.
func TestStubStateForgetsWrittenKeys(t *testing.T) {
	stub := &fakeStub{committed: map[string][]byte{"a": []byte("1"), "b": []byte("2")}, writes: map[string][]byte{}}
	ctx := new(contractapi.TransactionContext)
	ctx.SetStub(stub)
	s := &stubState{ctx: ctx}
	s.Prefetch([]string{"a", "b", "absent", "a"})
	if stub.multiKeys != 3 {
		t.Fatalf("%d keys read ahead, want 3 (a repeated key once)", stub.multiKeys)
	}
	for k, want := range map[string]string{"a": "1", "b": "2", "absent": ""} {
		if v, err := s.Get(k); err != nil || string(v) != want || (want == "") != (v == nil) {
			t.Errorf("Get(%q) = %q, %v", k, v, err)
		}
	}
	if stub.calls["GetState"] != 0 {
		t.Fatalf("read ahead keys went to the stub: %v", stub.calls)
	}
	if err := s.Put("a", []byte("3")); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete("b"); err != nil {
		t.Fatal(err)
	}
	// The stub answers the committed values (a peer does not read the
	// transaction's writes): asked again, not from what was read ahead.
	if v, _ := s.Get("a"); string(v) != "1" {
		t.Errorf("Get(a) = %q", v)
	}
	s.Get("b")
	if stub.calls["GetState"] != 2 {
		t.Errorf("%d GetState after writes, want 2", stub.calls["GetState"])
	}
	s.Prefetch([]string{"absent"}) // already read ahead: no round trip
	if stub.calls["GetMultipleStates"] != 1 {
		t.Errorf("%v", stub.calls)
	}
}
