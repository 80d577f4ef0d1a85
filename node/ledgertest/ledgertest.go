// Package ledgertest is one suite of ledger-rule scenarios that runs
// unchanged against every backend: the embedded ledger and a Fabric
// network. It speaks only the node's ledger.Ledger interface, so a refusal
// must come from the contract on whichever backend runs it.
package ledgertest

import (
	"context"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Consortium gives the suite a ledger acting for each organisation, and a
// way to wait until every organisation's view has reached a height. On the
// embedded ledger one ledger serves all; on Fabric each organisation has
// its own node. The ledger must be initialised with AssocMSP as the
// association.
type Consortium interface {
	For(msp string) ledger.Ledger
	Sync(ctx context.Context, height uint64) error
}

type suite struct {
	t    *testing.T
	c    Consortium
	ctx  context.Context
	keys map[string]*ecdsa.PrivateKey
	kids map[string]string
	tag  string
	last uint64
}

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func (s *suite) submit(msp, fn string, req any) (json.RawMessage, error) {
	b, _ := json.Marshal(req)
	res, err := s.c.For(msp).Submit(s.ctx, msp, fn, b)
	if err == nil {
		if res.Height > s.last {
			s.last = res.Height
		}
		if err := s.c.Sync(s.ctx, s.last); err != nil {
			s.t.Fatal(err)
		}
	}
	return res.Payload, err
}

func (s *suite) must(msp, fn string, req any) json.RawMessage {
	s.t.Helper()
	out, err := s.submit(msp, fn, req)
	if err != nil {
		s.t.Fatalf("%s by %s: %v", fn, msp, err)
	}
	return out
}

func (s *suite) refused(msp, fn string, req any, code string) {
	s.t.Helper()
	_, err := s.submit(msp, fn, req)
	var ce *contract.Error
	if !errors.As(err, &ce) || ce.Code != code {
		s.t.Fatalf("%s by %s: %v, want the contract's %s", fn, msp, err, code)
	}
}

func (s *suite) status(msp, subject string) contract.Status {
	s.t.Helper()
	b, _ := json.Marshal(contract.SubjectRequest{Subject: subject})
	res, err := s.c.For(msp).Evaluate(msp, "SubjectStatus", b)
	var st contract.Status
	if err == nil {
		err = json.Unmarshal(res.Payload, &st)
	}
	if err != nil {
		s.t.Fatal(err)
	}
	return st
}

// file signs and submits one attestation as msp and returns its result.
func (s *suite) file(msp string, p *attestation.Payload) contract.ItemResult {
	s.t.Helper()
	jws, _, err := attestation.Sign(p, s.keys[msp], s.kids[msp])
	if err != nil {
		s.t.Fatal(err)
	}
	var r contract.SubmitResult
	if err := json.Unmarshal(s.must(msp, "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}}), &r); err != nil {
		s.t.Fatal(err)
	}
	return r.Results[0]
}

func (s *suite) defaultOf(msp, subject, loan string, dpd int) *attestation.Payload {
	return DefaultPayload(msp, subject, hexOf(s.tag+loan), dpd)
}

func (s *suite) closureOf(msp, typ, defaultID, subject string) *attestation.Payload {
	return ClosurePayload(msp, typ, defaultID, subject)
}

// DefaultPayload is a consumer-loan default by msp on subject, dpd days
// past due (90 or more is listed under the default policy), with notice
// given five days ago. Other tests build their scenarios with it.
func DefaultPayload(msp, subject, loanRef string, dpd int) *attestation.Payload {
	amount := int64(100000)
	now := time.Now().UTC()
	return &attestation.Payload{V: 1, Type: "default", Reporter: msp, Subject: subject, IssuedAt: now.Add(-time.Minute).Format(time.RFC3339),
		LoanRef: loanRef, Product: "consumer", Amount: &amount, Currency: "CNY", OverdueSince: now.AddDate(0, 0, -dpd-10).Format("2006-01-02"),
		DaysPastDue: &dpd, NoticeDate: now.AddDate(0, 0, -5).Format("2006-01-02")}
}

// ClosurePayload is a full settlement (typ "settlement") or a revocation
// (typ "revocation") by msp of the default defaultID.
func ClosurePayload(msp, typ, defaultID, subject string) *attestation.Payload {
	p := &attestation.Payload{V: 1, Type: typ, Reporter: msp, Subject: subject, IssuedAt: time.Now().UTC().Add(-time.Minute).Format(time.RFC3339), RefersTo: defaultID}
	if typ == "settlement" {
		paid := int64(100000)
		p.SettledOn, p.Kind, p.Amount = time.Now().UTC().Format("2006-01-02"), "full", &paid
	} else {
		p.Reason = "filed in error"
	}
	return p
}

// Run runs the scenarios. It admits Bank1MSP and Bank2MSP if they are not
// members yet and registers fresh keys, so it can run on a ledger that
// earlier runs have used.
func Run(t *testing.T, c Consortium) {
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Minute)
	defer cancel()
	s := &suite{t: t, c: c, ctx: ctx, keys: map[string]*ecdsa.PrivateKey{}, kids: map[string]string{}, tag: fmt.Sprint(time.Now().UnixNano())}
	for _, m := range []struct{ msp, code string }{{"Bank1MSP", "91350100M000100Y43"}, {"Bank2MSP", "91110000600037341L"}} {
		_, err := s.submit("AssocMSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: m.msp, LegalName: m.msp, CreditCode: m.code, Roles: []string{"reporter", "querier"}})
		var ce *contract.Error
		if err != nil && !(errors.As(err, &ce) && ce.Code == contract.CodeConflict) {
			t.Fatalf("admit %s: %v", m.msp, err)
		}
		k, _ := attestation.GenerateKey()
		pub, _ := attestation.MarshalPublicKeyPEM(&k.PublicKey)
		s.keys[m.msp], s.kids[m.msp] = k, m.msp+"-suite-"+s.tag
		s.must(m.msp, "RegisterKey", contract.RegisterKeyRequest{MSPID: m.msp, KeyRequest: contract.KeyRequest{KID: s.kids[m.msp], PublicKey: pub}})
	}

	t.Run("membership is the association's", func(t *testing.T) {
		s.t = t
		s.refused("Bank1MSP", "AdmitMember", contract.AdmitMemberRequest{MSPID: "Bank9MSP", LegalName: "x", CreditCode: "91350100M000100Y43", Roles: []string{"querier"}}, contract.CodeForbidden)
		s.refused("Bank1MSP", "SetPolicy", contract.DefaultPolicy(), contract.CodeForbidden)
		s.refused("Bank2MSP", "RegisterKey", contract.RegisterKeyRequest{MSPID: "Bank1MSP", KeyRequest: contract.KeyRequest{KID: "x", PublicKey: "y"}}, contract.CodeForbidden)
	})

	subject := hexOf(s.tag + "subject")
	var defaultID string
	t.Run("a default, its duplicate and a conflicting one", func(t *testing.T) {
		s.t = t
		p := s.defaultOf("Bank1MSP", subject, "loan", 120)
		r := s.file("Bank1MSP", p)
		if r.Status != contract.ItemAccepted {
			t.Fatalf("default: %+v", r)
		}
		defaultID = r.ID
		if r := s.file("Bank1MSP", p); r.Status != contract.ItemDuplicate || r.ID != defaultID {
			t.Fatalf("same payload again: %+v", r)
		}
		other := s.defaultOf("Bank1MSP", subject, "loan", 130)
		if r := s.file("Bank1MSP", other); r.Code != contract.CodeConflict {
			t.Fatalf("another payload for the loan: %+v", r)
		}
		if st := s.status("Bank2MSP", subject); !st.Listed || st.ActiveDefaults != 1 {
			t.Fatalf("status seen by Bank2: %+v", st)
		}
	})

	t.Run("policy threshold at 89 and 90 days", func(t *testing.T) {
		s.t = t
		s89, s90 := hexOf(s.tag+"89"), hexOf(s.tag+"90")
		s.file("Bank2MSP", s.defaultOf("Bank2MSP", s89, "l89", 89))
		s.file("Bank2MSP", s.defaultOf("Bank2MSP", s90, "l90", 90))
		if s.status("Bank1MSP", s89).Listed || !s.status("Bank1MSP", s90).Listed {
			t.Fatal("89 days listed or 90 days not listed")
		}
	})

	t.Run("only the reporter settles", func(t *testing.T) {
		s.t = t
		if r := s.file("Bank2MSP", s.closureOf("Bank2MSP", "settlement", defaultID, subject)); r.Code != contract.CodeForbidden {
			t.Fatalf("Bank2 settling Bank1's default: %+v", r)
		}
		if r := s.file("Bank1MSP", s.closureOf("Bank1MSP", "settlement", defaultID, subject)); r.Status != contract.ItemAccepted {
			t.Fatalf("Bank1 settles: %+v", r)
		}
		if r := s.file("Bank1MSP", s.closureOf("Bank1MSP", "revocation", defaultID, subject)); r.Code != contract.CodeFailedPrecondition {
			t.Fatalf("revoking a settled default: %+v", r)
		}
		if st := s.status("Bank2MSP", subject); st.Listed || st.SettledRecords != 1 {
			t.Fatalf("after settlement: %+v", st)
		}
	})

	t.Run("a dispute upheld overturns the default", func(t *testing.T) {
		s.t = t
		subj := hexOf(s.tag + "disputed")
		r := s.file("Bank1MSP", s.defaultOf("Bank1MSP", subj, "disputed", 100))
		var d contract.Dispute
		json.Unmarshal(s.must("Bank2MSP", "OpenDispute", contract.OpenDisputeRequest{AttestationID: r.ID, ReasonCode: "not-mine", StatementDigest: hexOf("statement")}), &d)
		s.refused("Bank2MSP", "ResolveDispute", contract.ResolveDisputeRequest{DisputeID: d.ID, Outcome: "upheld", Note: "x"}, contract.CodeForbidden)
		s.refused("Bank2MSP", "OpenDispute", contract.OpenDisputeRequest{AttestationID: hexOf("nothing"), ReasonCode: "other", StatementDigest: hexOf("s")}, contract.CodeNotFound)
		s.must("Bank1MSP", "ResolveDispute", contract.ResolveDisputeRequest{DisputeID: d.ID, Outcome: "upheld", Note: "our error"})
		if st := s.status("Bank2MSP", subj); st.Listed {
			t.Fatalf("overturned default still listed: %+v", st)
		}
	})

	t.Run("a suspended member cannot write", func(t *testing.T) {
		s.t = t
		s.must("AssocMSP", "SuspendMember", contract.MemberStatusRequest{MSPID: "Bank2MSP", Reason: "suite"})
		jws, _, _ := attestation.Sign(s.defaultOf("Bank2MSP", subject, "suspended", 100), s.keys["Bank2MSP"], s.kids["Bank2MSP"])
		s.refused("Bank2MSP", "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}}, contract.CodeForbidden)
		s.must("AssocMSP", "ReinstateMember", contract.MemberStatusRequest{MSPID: "Bank2MSP", Reason: "suite done"})
	})

	t.Run("log keys and cosignatures", func(t *testing.T) {
		s.t = t
		k, err := translog.GenerateLogKey("Bank1MSP")
		if err != nil {
			t.Fatal(err)
		}
		s.refused("Bank2MSP", "RegisterLogKey", contract.RegisterLogKeyRequest{MSPID: "Bank1MSP", Verifier: k.Verifier}, contract.CodeForbidden)
		s.refused("Bank1MSP", "RegisterLogKey", contract.RegisterLogKeyRequest{MSPID: "Bank1MSP", Verifier: "not a key"}, contract.CodeInvalidArgument)
		s.must("Bank1MSP", "RegisterLogKey", contract.RegisterLogKeyRequest{MSPID: "Bank1MSP", Verifier: k.Verifier})
		// A size of this run's own, far beyond any real log.
		size := int64(1_000_000_000_000) + time.Now().UnixNano()%1_000_000_000
		cosign := func(rootByte byte) contract.CosignCheckpointRequest {
			cp := translog.Checkpoint{Origin: translog.Origin("ledgertest"), Size: size, Heads: &translog.Commitment{Size: 1}}
			cp.Root[0], cp.Heads.Root[0] = rootByte, rootByte
			signed, err := translog.SignCheckpoint(cp, k.Signer)
			if err != nil {
				t.Fatal(err)
			}
			_, sigs, _ := translog.SplitNote(signed)
			return contract.CosignCheckpointRequest{MSPID: "Bank1MSP", Origin: cp.Origin, Size: size, RootHash: base64.StdEncoding.EncodeToString(cp.Root[:]),
				HeadsSize: 1, HeadsRoot: base64.StdEncoding.EncodeToString(cp.Heads.Root[:]), Signature: sigs[0].Base64}
		}
		s.refused("Bank2MSP", "CosignCheckpoint", cosign(1), contract.CodeForbidden)
		s.must("Bank1MSP", "CosignCheckpoint", cosign(1))
		s.refused("Bank1MSP", "CosignCheckpoint", cosign(2), contract.CodeConflict)
	})

	t.Run("a protection is seen by every member and never lists", func(t *testing.T) {
		s.t = t
		victim := hexOf(s.tag + "victim")
		reg := contract.RegisterProtectionRequest{Subject: victim, ReasonCode: contract.ProtectionDocumentsStolen, CaseRef: hexOf(s.tag + "case")}
		s.refused("Bank1MSP", "RegisterProtection", contract.RegisterProtectionRequest{Subject: victim, ReasonCode: "lost", CaseRef: reg.CaseRef}, contract.CodeInvalidArgument)
		s.refused("Bank1MSP", "RegisterProtection", contract.RegisterProtectionRequest{Subject: victim, ReasonCode: reg.ReasonCode, CaseRef: "11010519491231002X"}, contract.CodeInvalidArgument)
		var p contract.Protection
		json.Unmarshal(s.must("Bank1MSP", "RegisterProtection", reg), &p)
		// Seen through the other organisation's view.
		st := s.status("Bank2MSP", victim)
		if st.Listed || st.Protected == nil || st.Protected.ReasonCode != reg.ReasonCode || st.Protected.Until != p.Until {
			t.Fatalf("status seen by Bank2: %+v", st)
		}
		s.refused("Bank2MSP", "RegisterProtection", reg, contract.CodeConflict)
		s.refused("Bank2MSP", "RemoveProtection", contract.ProtectionRequest{Subject: victim}, contract.CodeForbidden)
		if r := s.file("Bank2MSP", s.defaultOf("Bank2MSP", victim, "fraud", 120)); r.Status != contract.ItemAccepted || len(r.Warnings) != 1 || r.Warnings[0] != contract.WarningSubjectProtected {
			t.Fatalf("default on a protected subject: %+v", r)
		}
		var renewed contract.Protection
		json.Unmarshal(s.must("Bank1MSP", "RenewProtection", contract.ProtectionRequest{Subject: victim}), &renewed)
		if renewed.Renewals != 1 || renewed.Until < p.Until {
			t.Fatalf("renewed: %+v", renewed)
		}
		s.must("AssocMSP", "RemoveProtection", contract.ProtectionRequest{Subject: victim})
		if st := s.status("Bank2MSP", victim); st.Protected != nil || !st.Listed {
			t.Fatalf("after removal, seen by Bank2: %+v", st)
		}
		b, _ := json.Marshal(contract.ProtectionRequest{Subject: victim})
		res, err := s.c.For("Bank2MSP").Evaluate("Bank2MSP", "ListProtections", b)
		var l contract.Protections
		if err == nil {
			err = json.Unmarshal(res.Payload, &l)
		}
		if err != nil || len(l.Protections) != 1 || l.Protections[0].State != contract.ProtectionEnded || l.Protections[0].RemovedBy != "AssocMSP" {
			t.Fatalf("history seen by Bank2: %+v, %v", l, err)
		}
	})
}
