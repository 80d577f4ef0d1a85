package evidence_test

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/evidence/evidencetest"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// failsAt verifies and requires the first failure to be a check of step
// whose English result contains want.
func failsAt(t *testing.T, f *evidencetest.Fixture, step, want string) *evidence.Transcript {
	t.Helper()
	tr, err := evidence.Verify(f.Bundle, f.TrustRoot)
	var fail *evidence.Failure
	if !errors.As(err, &fail) {
		t.Fatalf("verified (err %v), want a failure of %s", err, step)
	}
	if fail.Check.Step != step || !strings.Contains(err.Error(), want) {
		t.Fatalf("first failure:\n  %v\nwant step %s containing %q\n%s", err, step, want, tr.Render(evidence.English))
	}
	if tr.OK() {
		t.Fatal("transcript says OK after a failure")
	}
	return tr
}

func hasFailed(t *testing.T, tr *evidence.Transcript, step, want string) {
	t.Helper()
	for _, c := range tr.Checks {
		if !c.OK && c.Step == step && strings.Contains(c.Result.String(), want) {
			return
		}
	}
	t.Errorf("no failed %s check containing %q:\n%s", step, want, tr.Render(evidence.English))
}

// roundTrip passes the bundle through its JSON form, as a court gets it.
func roundTrip(t *testing.T, f *evidencetest.Fixture) {
	t.Helper()
	b, err := json.Marshal(f.Bundle)
	if err != nil {
		t.Fatal(err)
	}
	var back evidence.Bundle
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	f.Bundle = &back
}

func record(f *evidencetest.Fixture, leaf int64) *evidence.Record {
	for i := range f.Bundle.Records {
		if f.Bundle.Records[i].LeafIndex == leaf {
			return &f.Bundle.Records[i]
		}
	}
	panic("no such record")
}

// setJWS rewrites the JWS inside a record's value.
func setJWS(t *testing.T, r *evidence.Record, jws string) {
	var v map[string]string
	if err := json.Unmarshal(r.Leaf.Value, &v); err != nil {
		t.Fatal(err)
	}
	v["jws"] = jws
	r.Leaf.Value, _ = json.Marshal(v)
}

func TestTamperedJWSFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	r := record(f, f.DefaultLeaf)
	jws := []byte(r.Leaf.JWS())
	jws[len(jws)-5] ^= 0x01 // a signature character: still base64url
	setJWS(t, r, string(jws))
	tr := failsAt(t, f, "inclusion", "the inclusion proof does not lead to the root")
	hasFailed(t, tr, "jws-signature", "")
}

func TestTamperedPayloadFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	r := record(f, f.DefaultLeaf)
	parts := strings.Split(r.Leaf.JWS(), ".")
	payload, _ := base64.RawURLEncoding.DecodeString(parts[1])
	payload = []byte(strings.Replace(string(payload), `"amount":1250000`, `"amount":9250000`, 1))
	parts[1] = base64.RawURLEncoding.EncodeToString(payload)
	setJWS(t, r, strings.Join(parts, "."))
	tr := failsAt(t, f, "inclusion", "does not lead to the root")
	// The altered payload has another id than the ledger key names, and
	// its signature no longer verifies.
	hasFailed(t, tr, "record-id", "id ")
	hasFailed(t, tr, "jws-signature", "signature does not verify")
}

func TestTamperedProofHashFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	r := record(f, f.SettlementLeaf)
	r.InclusionProof[0][3] ^= 0x80
	failsAt(t, f, "inclusion", "does not lead to the root")
}

func TestAlteredCheckpointSignatureFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	lines := strings.Split(f.Bundle.Checkpoint, "\n")
	i := len(lines) - 2 // the last signature line: Org3MSP's
	sp := strings.LastIndex(lines[i], " ")
	raw, _ := base64.StdEncoding.DecodeString(lines[i][sp+1:])
	raw[20] ^= 0x01
	lines[i] = lines[i][:sp+1] + base64.StdEncoding.EncodeToString(raw)
	f.Bundle.Checkpoint = strings.Join(lines, "\n")
	failsAt(t, f, "checkpoint-signature", "the signature by Org3MSP's log key Org3MSP+")
}

func TestAlteredCheckpointBodyFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	size := fmt.Sprintf("\n%d\n", f.Checkpoint.Size)
	if !strings.Contains(f.Bundle.Checkpoint, size) {
		t.Fatal("fixture: no size line")
	}
	f.Bundle.Checkpoint = strings.Replace(f.Bundle.Checkpoint, size, fmt.Sprintf("\n%d\n", f.Checkpoint.Size+1), 1)
	failsAt(t, f, "checkpoint-signature", "does not verify: the checkpoint was altered")
}

func TestCosignatureByUnknownKeyFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	f.Sign(f.LogKeys[0].Signer, f.LogKeys[1].Signer, f.Stranger.Signer)
	failsAt(t, f, "checkpoint-unknown-signer", "signed by key Org9MSP+")
}

func TestQuorumNotMetFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Signers: []int{1}})
	failsAt(t, f, "checkpoint-quorum", "only 1 organisation(s) signed (Org2MSP), the quorum is 2")
	// Two keys of one organisation still count once.
	f = evidencetest.New(evidencetest.Options{})
	second, err := translog.GenerateLogKey("Org2MSP")
	if err != nil {
		t.Fatal(err)
	}
	o, _ := f.TrustRoot.Organisation("Org2MSP")
	o.LogKeys = append(o.LogKeys, second.Verifier)
	f.Sign(f.LogKeys[1].Signer, second.Signer)
	failsAt(t, f, "checkpoint-quorum", "only 1 organisation(s) signed")
}

func TestDroppedSettlementFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	recs := f.Bundle.Records
	if last := recs[len(recs)-1]; last.Leaf.Kind != translog.KindSettlement {
		t.Fatalf("fixture: last record is %s", last.Leaf.Kind)
	}
	f.Bundle.Records = recs[:len(recs)-1]
	failsAt(t, f, "completeness", "but the bundle ends at")
}

func TestDroppedDisputeFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	var kept []evidence.Record
	for _, r := range f.Bundle.Records {
		if r.LeafIndex != f.DisputeOutcomeLeaf {
			kept = append(kept, r)
		}
	}
	f.Bundle.Records = kept
	failsAt(t, f, "chain-link", "a record in between is missing")
}

func TestForgedHeadFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	f.Bundle.Records = f.Bundle.Records[:len(f.Bundle.Records)-1]
	f.Bundle.RecordsHead.Head.Index = uint64(f.DisputeOutcomeLeaf)
	failsAt(t, f, "completeness", "does not lead to root")
}

func TestKeyRevokedBeforeIssuedAtFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{RevokeBeforeIssued: true})
	failsAt(t, f, "key-validity", "was revoked at 2026-03-01T08:59:00Z, not after issuedAt 2026-03-01T09:00:00Z")
	// The member record that revoked the key cannot be dropped either.
	f.Bundle.KeyRecords = f.Bundle.KeyRecords[:1]
	failsAt(t, f, "completeness", "later records were left out")
}

func TestTrustRootRevocationBeforeIssuedAtFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	o, _ := f.TrustRoot.Organisation(evidencetest.Orgs[0])
	o.SigningKeys[0].RevokedAt = "2026-03-01T08:30:00Z"
	failsAt(t, f, "trust-root-key", "the trust root says key org1-2026 was revoked at 2026-03-01T08:30:00Z")
}

func TestWrongModeOrOriginFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	f.TrustRoot.Origin = translog.Origin("other")
	failsAt(t, f, "checkpoint", "the checkpoint is of log blacklist.assoc/blacklist")
	f = evidencetest.New(evidencetest.Options{})
	f.Bundle.MediaType = "application/vnd.blacklist.evidence+json;v=2"
	failsAt(t, f, "format", "media type")
	f = evidencetest.New(evidencetest.Options{})
	f.TrustRoot.Quorum = 4
	failsAt(t, f, "trust-root", "quorum 4 exceeds")
}

func TestFabricEndorsementByNonMemberFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true, RogueEndorser: true})
	roundTrip(t, f)
	failsAt(t, f, "fabric-endorsement", "the certificate of peer0.org3 (Org3MSP) does not chain to Org3MSP's CA certificates")
}

func TestFabricTamperedTransactionFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true})
	b := f.Bundle.Fabric.Blocks[0].Data[0]
	b[len(b)-1] ^= 0x01 // the creator's signature
	failsAt(t, f, "fabric-data", "a transaction was altered")

	f = evidencetest.New(evidencetest.Options{Fabric: true})
	f.Bundle.Fabric.Headers[1].PreviousHash[0] ^= 0x01
	failsAt(t, f, "fabric-headers", "does not name the hash of header")

	f = evidencetest.New(evidencetest.Options{Fabric: true})
	f.TrustRoot.Fabric.Endorsement.N = 3
	failsAt(t, f, "fabric-policy", "endorsed by 2 organisation(s) of the policy (Org1MSP, Org2MSP), it needs 3")

	f = evidencetest.New(evidencetest.Options{Fabric: true})
	f.Bundle.Fabric = nil
	failsAt(t, f, "fabric", "no Fabric blocks")
}

// TestFabricHeaderChangedAfterSigningFails rewrites the history of the
// blocks: the first record block's header is changed and every later
// header re-linked to it, so the header chain and the data hashes still
// agree; only the orderers' signatures tell that the ordering service never
// cut these headers.
func TestFabricHeaderChangedAfterSigningFails(t *testing.T) {
	for name, o := range map[string]evidencetest.Options{"raft": {Fabric: true}, "bft": {Fabric: true, BFT: true}} {
		t.Run(name, func(t *testing.T) {
			f := evidencetest.New(o)
			hs := f.Bundle.Fabric.Headers
			hs[0].PreviousHash = []byte("a history the orderers never signed")
			for i := 1; i < len(hs); i++ {
				hs[i].PreviousHash = evidence.HeaderHash(hs[i-1])
			}
			roundTrip(t, f)
			first := f.Bundle.Fabric.Blocks[0].Number
			failsAt(t, f, "fabric-orderer-signature", fmt.Sprintf("does not verify over block %d's header and metadata", first))
		})
	}
}

func TestFabricOrdererOutsideTheOrdererMSPFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true, RogueOrderer: true})
	roundTrip(t, f)
	tr := failsAt(t, f, "fabric-orderer-signature", "the certificate of orderer0.orderer (OrdererMSP) does not chain to OrdererMSP's CA certificates")
	hasFailed(t, tr, "fabric-orderer-policy", "signed by 0 orderer(s) of the policy (), it needs 1")

	// An application organisation's certificate is no orderer's, even
	// though it chains to a CA of the trust root.
	f = evidencetest.New(evidencetest.Options{Fabric: true})
	f.TrustRoot.Fabric.Orderer.Organisations[0].ID = "Org1MSP"
	f.TrustRoot.Fabric.Orderer.BlockValidation.Signers[0].MSP = "Org1MSP"
	failsAt(t, f, "fabric-orderer-signature", "OrdererMSP is not an orderer organisation of the trust root")
}

func TestFabricTooFewBFTOrdererSignaturesFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true, BFT: true, OrdererSigners: 2})
	roundTrip(t, f)
	failsAt(t, f, "fabric-orderer-policy", "signed by 2 orderer(s) of the policy (orderer0.orderer, orderer1.orderer), it needs 3")

	// A consenter's signature given twice counts once.
	for i := range f.Bundle.Fabric.Blocks {
		bd := &f.Bundle.Fabric.Blocks[i]
		md := &common.Metadata{}
		if err := proto.Unmarshal(bd.Signatures, md); err != nil {
			t.Fatal(err)
		}
		md.Signatures = append(md.Signatures, md.Signatures[0])
		bd.Signatures, _ = proto.Marshal(md)
	}
	failsAt(t, f, "fabric-orderer-policy", "signed by 2 orderer(s) of the policy")

	// A signature naming a consenter id the policy does not list.
	f = evidencetest.New(evidencetest.Options{Fabric: true, BFT: true})
	bp := &f.TrustRoot.Fabric.Orderer.BlockValidation
	bp.Signers, bp.N = bp.Signers[1:], 2
	failsAt(t, f, "fabric-orderer-signature", "names consenter 1, which the trust root's block validation policy does not list")
}

func TestFabricMissingOrdererSignaturesFail(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true})
	f.Bundle.Fabric.Blocks[1].Signatures = nil
	failsAt(t, f, "fabric-orderer-policy", fmt.Sprintf("no orderer signatures for block %d", f.Bundle.Fabric.Blocks[1].Number))

	f = evidencetest.New(evidencetest.Options{Fabric: true})
	f.TrustRoot.Fabric.Orderer = nil
	failsAt(t, f, "trust-root", "without the ordering service's organisations")

	f = evidencetest.New(evidencetest.Options{Fabric: true})
	f.TrustRoot.Fabric.Orderer.BlockValidation.N = 2
	failsAt(t, f, "trust-root", "block validation policy needs 2 of 1 signers")
}

func TestValidBundlesVerify(t *testing.T) {
	for name, o := range map[string]evidencetest.Options{
		"embedded":                    {},
		"fabric":                      {Fabric: true},
		"fabric ordered by SmartBFT":  {Fabric: true, BFT: true},
		"quorum without the reporter": {Signers: []int{1, 2}},
	} {
		t.Run(name, func(t *testing.T) {
			f := evidencetest.New(o)
			roundTrip(t, f)
			tr, err := evidence.Verify(f.Bundle, f.TrustRoot)
			if err != nil {
				t.Fatalf("%v\n%s", err, tr.Render(evidence.English))
			}
			if !tr.OK() {
				t.Fatal("transcript not OK")
			}
			steps := map[string]int{}
			for _, c := range tr.Checks {
				steps[c.Step]++
			}
			// 4 records and 1 member record, each proven; 2 signatures checked.
			if steps["inclusion"] != 5 || steps["jws-signature"] != 2 || steps["completeness"] != 2 || steps["key-validity"] != 2 {
				t.Errorf("checks made: %v", steps)
			}
			if o.Fabric && (steps["fabric-endorsement"] != 10 || steps["fabric-write"] != 5) {
				t.Errorf("fabric checks made: %v", steps)
			}
			// 5 blocks hold the records; each signed by one Raft orderer or
			// three SmartBFT consenters.
			if want := map[bool]int{false: 5, true: 15}[o.BFT]; o.Fabric && (steps["fabric-orderer-signature"] != want || steps["fabric-orderer-policy"] != 5) {
				t.Errorf("orderer checks made: %v", steps)
			}
			en, zh := tr.Render(evidence.English), tr.Render(evidence.Chinese)
			if strings.Contains(en+zh, "%!") || !strings.Contains(zh, "全部") || !strings.Contains(en, "All ") {
				t.Errorf("rendering:\n%s\n%s", en, zh)
			}
			if !strings.Contains(en, "12,500.00 CNY outstanding, overdue since 2025-11-20 (100 days past due)") ||
				!strings.Contains(en, "the dispute was rejected by") || !strings.Contains(zh, "该异议的处理结果为 异议驳回") ||
				!strings.Contains(zh, "已结清（协商结清）") {
				t.Errorf("the transcript does not say what the records state:\n%s\n%s", en, zh)
			}
			if o.Signers != nil && !strings.Contains(en, "the checkpoint rests only on organisations other than the reporter") {
				t.Errorf("the transcript does not say the reporter did not cosign:\n%s", en)
			}
		})
	}
}

func TestEveryMessageRendersInBothLanguages(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Fabric: true, RogueEndorser: true, RevokeBeforeIssued: true, RogueOrderer: true})
	tr, _ := evidence.Verify(f.Bundle, f.TrustRoot)
	verb := regexp.MustCompile(`%!|%\[`)
	for _, c := range tr.Checks {
		for _, tx := range []evidence.Text{c.What, c.Against, c.Result} {
			en, zh := tx.In(evidence.English), tx.In(evidence.Chinese)
			if verb.MatchString(en) || verb.MatchString(zh) || (tx.Key != "a.none" && en == zh && tx.Key != "r.error" && tx.Key != "r.jws-invalid") {
				t.Errorf("%s: %q / %q", tx.Key, en, zh)
			}
		}
	}
}

func TestOverstatedCosignersFail(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{Signers: []int{1, 2}})
	f.Bundle.Cosigners = append(f.Bundle.Cosigners, "Org1MSP")
	f.Bundle.ReporterCosigned = true
	failsAt(t, f, "checkpoint-cosigners", "the bundle says Org1MSP, Org2MSP, Org3MSP signed (reporter cosigned: true), the signatures show Org2MSP, Org3MSP")
}

func TestTrustRootDisagreeingAboutTheKeyFails(t *testing.T) {
	f := evidencetest.New(evidencetest.Options{})
	o, _ := f.TrustRoot.Organisation(evidencetest.Orgs[0])
	o.SigningKeys[0].RegisteredAt = "2026-02-01T08:00:00Z"
	failsAt(t, f, "trust-root-key", "the trust root says key org1-2026 was registered at 2026-02-01T08:00:00Z, the ledger says 2026-03-01T08:00:00Z")

	f = evidencetest.New(evidencetest.Options{})
	o, _ = f.TrustRoot.Organisation(evidencetest.Orgs[0])
	other := evidencetest.New(evidencetest.Options{})
	o.SigningKeys[0].JWK = other.TrustRoot.Organisations[0].SigningKeys[0].JWK
	failsAt(t, f, "trust-root-key", "the trust root gives key org1-2026 another public key")
}
