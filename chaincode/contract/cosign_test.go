package contract

import (
	"encoding/base64"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

func logKey(t *testing.T, org string) translog.LogKey {
	t.Helper()
	k, err := translog.GenerateLogKey(org)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// cosig signs the checkpoint (origin, size, root) with k and returns the
// request carrying the signature line.
func cosig(t *testing.T, k translog.LogKey, size int64, root byte) CosignCheckpointRequest {
	t.Helper()
	cp := translog.Checkpoint{Origin: translog.Origin("test"), Size: size, Heads: &translog.Commitment{Size: 1}}
	cp.Root[0] = root
	cp.Heads.Root[0] = root
	signed, err := translog.SignCheckpoint(cp, k.Signer)
	if err != nil {
		t.Fatal(err)
	}
	_, sigs, err := translog.SplitNote(signed)
	if err != nil {
		t.Fatal(err)
	}
	return CosignCheckpointRequest{MSPID: k.Org, Origin: cp.Origin, Size: size, RootHash: base64.StdEncoding.EncodeToString(cp.Root[:]),
		HeadsSize: 1, HeadsRoot: base64.StdEncoding.EncodeToString(cp.Heads.Root[:]), Signature: sigs[0].Base64}
}

func TestRegisterLogKey(t *testing.T) {
	w := newWorld(t)
	k1, k2 := logKey(t, bank1), logKey(t, bank2)
	// Refusals first: another member's key, a key named for another
	// organisation, not a key, an outsider, a suspended member.
	w.refuse(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank2, Verifier: k2.Verifier}, CodeForbidden)
	w.refuse(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: k2.Verifier}, CodeInvalidArgument)
	w.refuse(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: k1.Signer}, CodeInvalidArgument)
	w.refuse(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: "Bank1MSP+00000000+AAAA"}, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "RegisterLogKey", RegisterLogKeyRequest{MSPID: "OutsiderMSP", Verifier: logKey(t, "OutsiderMSP").Verifier}, CodeForbidden)

	w.must(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: k1.Verifier})
	w.must(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: k1.Verifier}) // a retry
	w.must(assoc, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank2, Verifier: k2.Verifier})
	var keys []LogKey
	if err := w.call(bank2, "ListLogKeys", ListLogKeysRequest{}, &keys); err != nil || len(keys) != 2 || keys[0].MSPID != bank1 || keys[1].Verifier != k2.Verifier {
		t.Fatalf("log keys %+v, %v", keys, err)
	}
	if err := w.call(bank2, "ListLogKeys", ListLogKeysRequest{MSPID: bank1}, &keys); err != nil || len(keys) != 1 {
		t.Fatalf("bank1's log keys %+v, %v", keys, err)
	}
	w.refuse(bank2, "ListLogKeys", ListLogKeysRequest{MSPID: "not an msp"}, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "ListLogKeys", ListLogKeysRequest{}, CodeForbidden)

	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank1, Reason: "audit"})
	w.refuse(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: logKey(t, bank1).Verifier}, CodeForbidden)
}

func TestCosignCheckpoint(t *testing.T) {
	w := newWorld(t)
	k1, k2 := logKey(t, bank1), logKey(t, bank2)
	w.refuse(bank1, "CosignCheckpoint", cosig(t, k1, 5, 1), CodeFailedPrecondition) // no log key yet
	w.must(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: k1.Verifier})
	w.must(bank2, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank2, Verifier: k2.Verifier})

	// Refusals: for another organisation; with another organisation's
	// key; a signature over another root; sizes, origins, hashes that
	// are not valid; an outsider.
	w.refuse(bank1, "CosignCheckpoint", cosig(t, k2, 5, 1), CodeForbidden)
	forged := cosig(t, k2, 5, 1)
	forged.MSPID = bank1
	w.refuse(bank1, "CosignCheckpoint", forged, CodeInvalidArgument)
	other := cosig(t, k1, 5, 1)
	other.RootHash = cosig(t, k1, 5, 2).RootHash
	w.refuse(bank1, "CosignCheckpoint", other, CodeInvalidArgument)
	zero := cosig(t, k1, 0, 1)
	w.refuse(bank1, "CosignCheckpoint", zero, CodeInvalidArgument)
	badOrigin := cosig(t, k1, 5, 1)
	badOrigin.Origin = "elsewhere/test"
	w.refuse(bank1, "CosignCheckpoint", badOrigin, CodeInvalidArgument)
	short := cosig(t, k1, 5, 1)
	short.RootHash = "AAAA"
	w.refuse(bank1, "CosignCheckpoint", short, CodeInvalidArgument)
	noHeads := cosig(t, k1, 5, 1)
	noHeads.HeadsSize, noHeads.HeadsRoot = 0, ""
	w.refuse(bank1, "CosignCheckpoint", noHeads, CodeInvalidArgument)
	otherHeads := cosig(t, k1, 5, 1)
	otherHeads.HeadsSize = 2 // not what was signed
	w.refuse(bank1, "CosignCheckpoint", otherHeads, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "CosignCheckpoint", cosig(t, logKey(t, "OutsiderMSP"), 5, 1), CodeForbidden)

	w.must(bank1, "CosignCheckpoint", cosig(t, k1, 5, 1))
	w.must(bank1, "CosignCheckpoint", cosig(t, k1, 5, 1)) // the same statement again
	// A second, different root for the same organisation and size.
	w.refuse(bank1, "CosignCheckpoint", cosig(t, k1, 5, 2), CodeConflict)
	// Another organisation may state another root: nodes compare, the
	// contract keeps what each said.
	w.must(bank2, "CosignCheckpoint", cosig(t, k2, 5, 2))
	w.must(bank1, "CosignCheckpoint", cosig(t, k1, 9, 3))

	var all []Cosignature
	if err := w.call(assoc, "ListCosignatures", ListCosignaturesRequest{}, &all); err != nil || len(all) != 3 {
		t.Fatalf("cosignatures %+v, %v", all, err)
	}
	if all[0].Size != 5 || all[2].Size != 9 || all[0].Line() != "— "+bank1+" "+cosig(t, k1, 5, 1).Signature+"\n" {
		t.Fatalf("cosignatures out of order or malformed: %+v", all)
	}
	if err := w.call(assoc, "ListCosignatures", ListCosignaturesRequest{MinSize: 6}, &all); err != nil || len(all) != 1 {
		t.Fatalf("from size 6: %+v, %v", all, err)
	}
	w.refuse(assoc, "ListCosignatures", ListCosignaturesRequest{MinSize: -1}, CodeInvalidArgument)

	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank2, Reason: "audit"})
	w.refuse(bank2, "CosignCheckpoint", cosig(t, k2, 9, 3), CodeForbidden)
}

func TestCheckpointQuorum(t *testing.T) {
	w := newWorld(t)
	var q CheckpointQuorum
	if err := w.call(bank1, "CheckpointQuorum", Empty{}, &q); err != nil || q.Quorum != 3 || len(q.Active) != 4 || q.Configured != 0 {
		t.Fatalf("default quorum %+v, %v", q, err)
	}
	w.must(assoc, "SuspendMember", MemberStatusRequest{MSPID: bank2, Reason: "audit"})
	if err := w.call(bank1, "CheckpointQuorum", Empty{}, &q); err != nil || q.Quorum != 2 || len(q.Active) != 3 {
		t.Fatalf("quorum of three active %+v, %v", q, err)
	}
	p := DefaultPolicy()
	p.LogQuorum = 3
	w.must(assoc, "SetPolicy", p)
	if err := w.call(bank1, "CheckpointQuorum", Empty{}, &q); err != nil || q.Quorum != 3 || q.Configured != 3 {
		t.Fatalf("configured quorum %+v, %v", q, err)
	}
	p.LogQuorum = -1
	w.refuse(assoc, "SetPolicy", p, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "CheckpointQuorum", Empty{}, CodeForbidden)
}

func TestReportLogDivergence(t *testing.T) {
	w := newWorld(t)
	k1, k2 := logKey(t, bank1), logKey(t, bank2)
	w.must(bank1, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank1, Verifier: k1.Verifier})
	w.must(bank2, "RegisterLogKey", RegisterLogKeyRequest{MSPID: bank2, Verifier: k2.Verifier})
	w.must(bank1, "CosignCheckpoint", cosig(t, k1, 5, 1))
	mine := cosig(t, k2, 5, 2)
	report := ReportLogDivergenceRequest{Origin: mine.Origin, Size: 5, RootHash: mine.RootHash, Other: bank1}

	// Refusals: no cosignature of the other at that size, the same root,
	// oneself as the other, a bad root, an outsider.
	w.refuse(bank2, "ReportLogDivergence", ReportLogDivergenceRequest{Origin: mine.Origin, Size: 6, RootHash: mine.RootHash, Other: bank1}, CodeNotFound)
	w.refuse(bank2, "ReportLogDivergence", ReportLogDivergenceRequest{Origin: mine.Origin, Size: 5, RootHash: cosig(t, k1, 5, 1).RootHash, Other: bank1}, CodeInvalidArgument)
	w.refuse(bank1, "ReportLogDivergence", ReportLogDivergenceRequest{Origin: mine.Origin, Size: 5, RootHash: mine.RootHash, Other: bank1}, CodeInvalidArgument)
	w.refuse(bank2, "ReportLogDivergence", ReportLogDivergenceRequest{Origin: mine.Origin, Size: 5, RootHash: "AAAA", Other: bank1}, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "ReportLogDivergence", report, CodeForbidden)

	var d LogDivergence
	if err := w.call(bank2, "ReportLogDivergence", report, &d); err != nil {
		t.Fatal(err)
	}
	if d.Member != bank2 || d.Other != bank1 || d.OtherRootHash != cosig(t, k1, 5, 1).RootHash || d.Association != assoc {
		t.Fatalf("report %+v", d)
	}
	if w.st.Event != EventLogDivergence {
		t.Fatalf("event %q", w.st.Event)
	}
}
