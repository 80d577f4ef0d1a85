package fabric

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/hyperledger/fabric-gateway/pkg/client"
	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

// addedOrg skips unless `scripts/network.sh add-org org` completed on the
// running network (it leaves RUN/orgs/ORG.added); `make fabric-test-addorg`
// brings up a network and adds bank3.
func addedOrg(t testing.TB, run, org string) {
	t.Helper()
	if _, err := os.Stat(filepath.Join(run, "orgs", org+".added")); err != nil {
		t.Skipf("%s was not added to this network (scripts/network.sh add-org %s, or make fabric-test-addorg)", org, org)
	}
}

// TestAddedOrganisation: Bank3, added to the running channel by add-org
// (its own CA, a configuration update, its own peer, on its own address
// BANK3_HOST with its own directory network/.run/bank3), is refused by the
// chaincode until the association admits it; then its node, with a replica
// built from block 0 through Bank3's peer, gets the consortium secret
// sealed to its node key, finds by raw identity number a subject Bank1
// listed, and files a default that Bank2 sees. Bank3's peer endorsed
// Bank3's transaction: the default policy (a majority of the application
// organisations) now counts four.
func TestAddedOrganisation(t *testing.T) {
	run := networkDir(t)
	addedOrg(t, run, "bank3")
	ctx, cancel := context.WithTimeout(context.Background(), 4*time.Minute)
	defer cancel()
	secretFile := filepath.Join(run, "assoc", "consortium.secret")
	assoc, _ := consortiumStack(t, run, "assoc", "AssocMSP", secretFile, node.RoleAdmin)
	bank1, _ := consortiumStack(t, run, "bank1", "Bank1MSP", "", node.RoleReporter, node.RoleQuerier)
	bank2, _ := consortiumStack(t, run, "bank2", "Bank2MSP", "", node.RoleReporter, node.RoleQuerier)
	admit := contract.AdmitMemberRequest{MSPID: "Bank2MSP", LegalName: "Bank Two", CreditCode: "91110000600037341L",
		Roles: []string{"reporter", "querier"}}
	if st := assoc.call("POST", "/v1/members", admit, nil); st != 201 && st != 409 {
		t.Fatalf("admit Bank2: %d", st)
	}
	for _, m := range []*member{bank1, bank2} {
		select {
		case <-m.node.SecretReady():
		case <-ctx.Done():
			t.Fatalf("%s has no secret: %s", m.msp, m.node.SecretState().Reason)
		}
	}

	// Bank1 lists a subject before Bank3's node exists.
	id := map[string]string{"idType": subjectkey.CNRIC, "idNumber": randomRIC()}
	var k1 struct {
		SubjectKey string `json:"subjectKey"`
	}
	if st := bank1.call("POST", "/v1/subject-keys", id, &k1); st != 200 {
		t.Fatalf("Bank1 subject key: %d", st)
	}
	bank1.signingKey()
	var filed1 struct{ Height uint64 }
	if st := bank1.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(k1.SubjectKey, "bank1 loan "+id["idNumber"])}, &filed1); st != 201 {
		t.Fatalf("Bank1 files: %d", st)
	}

	// On the channel, its peer running the chaincode, but not a member of
	// the blacklist: the chaincode refuses Bank3's reads and writes (unless
	// an earlier run on this network admitted it).
	l3 := open(t, run, "bank3", "Bank3MSP")
	var ce *contract.Error
	if _, err := l3.EvaluateOnPeer(ctx, "GetMember", mustJSON(contract.MemberRequest{MSPID: "Bank3MSP"})); err != nil {
		if !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
			t.Fatalf("GetMember by Bank3 before its admission: %v", err)
		}
		key, _ := attestation.GenerateKey()
		pub, _ := attestation.MarshalPublicKeyPEM(&key.PublicKey)
		_, err := l3.Submit(ctx, "Bank3MSP", "RegisterKey", mustJSON(contract.RegisterKeyRequest{MSPID: "Bank3MSP",
			KeyRequest: contract.KeyRequest{KID: "bank3-before-admission", PublicKey: pub}}))
		if !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
			t.Fatalf("a submit by Bank3 before its admission: %v", err)
		}
		t.Logf("before admission: %v", err)
	}
	admit3 := contract.AdmitMemberRequest{MSPID: "Bank3MSP", LegalName: "Bank Three", CreditCode: "91310000MA1FL3B00T",
		Roles: []string{"reporter", "querier"}}
	if st := assoc.call("POST", "/v1/members", admit3, nil); st != 201 && st != 409 {
		t.Fatalf("admit Bank3: %d", st)
	}

	// Bank3's node: a fresh replica from block 0 on Bank3's own peer, the
	// secret from the ledger.
	bank3, _ := consortiumStack(t, run, "bank3", "Bank3MSP", "", node.RoleReporter, node.RoleQuerier)
	select {
	case <-bank3.node.SecretReady():
	case <-ctx.Done():
		t.Fatalf("Bank3 has no secret: %s", bank3.node.SecretState().Reason)
	}
	if err := bank3.ledger.Replica().WaitForHeight(ctx, filed1.Height); err != nil {
		t.Fatal(err)
	}
	var k3 struct {
		SubjectKey string `json:"subjectKey"`
	}
	if st := bank3.call("POST", "/v1/subject-keys", id, &k3); st != 200 || k3.SubjectKey != k1.SubjectKey {
		t.Fatalf("Bank3 derives %q (%d), Bank1 %q", k3.SubjectKey, st, k1.SubjectKey)
	}
	var look struct {
		Results []contract.Status `json:"results"`
	}
	if st := bank3.call("POST", "/v1/lookups", map[string]any{"purpose": "loan-approval", "ids": []any{id}}, &look); st != 200 ||
		len(look.Results) != 1 || !look.Results[0].Listed || !slices.Contains(look.Results[0].Reporters, "Bank1MSP") {
		t.Fatalf("Bank3's lookup by raw ID of Bank1's subject: %d %+v", st, look.Results)
	}

	// Bank3 files a default on another subject; Bank2 finds it by raw ID.
	id3 := map[string]string{"idType": subjectkey.CNRIC, "idNumber": randomRIC()}
	if st := bank3.call("POST", "/v1/subject-keys", id3, &k3); st != 200 {
		t.Fatalf("Bank3 subject key: %d", st)
	}
	bank3.signingKey()
	var filed3 struct {
		Height uint64
		TxID   string `json:"txId"`
	}
	if st := bank3.call("POST", "/v1/attestations", map[string]any{"attestation": defaultOf(k3.SubjectKey, "bank3 loan "+id3["idNumber"])}, &filed3); st != 201 || filed3.TxID == "" {
		t.Fatalf("Bank3 files: %d %+v", st, filed3)
	}
	if err := bank2.ledger.Replica().WaitForHeight(ctx, filed3.Height); err != nil {
		t.Fatal(err)
	}
	look.Results = nil
	if st := bank2.call("POST", "/v1/lookups", map[string]any{"purpose": "loan-approval", "ids": []any{id3}}, &look); st != 200 ||
		len(look.Results) != 1 || !look.Results[0].Listed || !slices.Contains(look.Results[0].Reporters, "Bank3MSP") {
		t.Fatalf("Bank2's lookup by raw ID of Bank3's subject: %d %+v", st, look.Results)
	}

	// The block holding Bank3's transaction: valid, endorsed by Bank3's
	// peer and by peers of a majority of the four organisations.
	endorsers := endorsersOf(ctx, t, bank3.ledger, filed3.Height-1, filed3.TxID)
	if !slices.Contains(endorsers, "Bank3MSP") || len(endorsers) < 3 {
		t.Fatalf("Bank3's transaction %s was endorsed by %v; want Bank3MSP among at least 3 of the 4 organisations", filed3.TxID, endorsers)
	}
	t.Logf("Bank3's transaction %s in block %d, endorsed by %v", filed3.TxID, filed3.Height-1, endorsers)

	// Bank3's replica, built from block 0 through Bank3's peer, holds the
	// world state the channel's peers hold (only the association may ask
	// a peer for the digest of the whole state).
	if err := bank3.ledger.Replica().WaitForHeight(ctx, bank2.ledger.Height()); err != nil {
		t.Fatal(err)
	}
	onPeer, err := assoc.ledger.EvaluateOnPeer(ctx, "StateDigest", nil)
	if err != nil {
		t.Fatal(err)
	}
	var peerDigest contract.StateDigestResult
	mustUnmarshal(t, onPeer.Payload, &peerDigest)
	if h, digest, err := bank3.ledger.Replica().Digest(); err != nil || digest != peerDigest.Digest {
		t.Fatalf("Bank3's replica at %d: %s, the association's peer: %s (%v)", h, digest, peerDigest.Digest, err)
	}
}

// endorsersOf reads block number from l's peer and returns the MSP IDs of
// the endorsers of transaction txID in it; it fails the test unless the
// block holds txID as a valid transaction.
func endorsersOf(ctx context.Context, t *testing.T, l *Ledger, number uint64, txID string) []string {
	t.Helper()
	bctx, stop := context.WithCancel(ctx)
	defer stop()
	events, err := l.network.BlockEvents(bctx, client.WithStartBlock(number))
	if err != nil {
		t.Fatal(err)
	}
	b, ok := <-events
	if !ok || b.GetHeader().GetNumber() != number {
		t.Fatalf("block %d: not delivered", number)
	}
	flags := b.GetMetadata().GetMetadata()[common.BlockMetadataIndex_TRANSACTIONS_FILTER]
	for i, raw := range b.GetData().GetData() {
		env, payload, ch := &common.Envelope{}, &common.Payload{}, &common.ChannelHeader{}
		if proto.Unmarshal(raw, env) != nil || proto.Unmarshal(env.Payload, payload) != nil ||
			proto.Unmarshal(payload.GetHeader().GetChannelHeader(), ch) != nil || ch.TxId != txID {
			continue
		}
		if peer.TxValidationCode(flags[i]) != peer.TxValidationCode_VALID {
			t.Fatalf("transaction %s: %s", txID, peer.TxValidationCode(flags[i]))
		}
		tx := &peer.Transaction{}
		if err := proto.Unmarshal(payload.Data, tx); err != nil || len(tx.Actions) == 0 {
			t.Fatalf("transaction %s: %v", txID, err)
		}
		action := &peer.ChaincodeActionPayload{}
		if err := proto.Unmarshal(tx.Actions[0].Payload, action); err != nil {
			t.Fatal(err)
		}
		var msps []string
		for _, e := range action.GetAction().GetEndorsements() {
			id := &msp.SerializedIdentity{}
			if err := proto.Unmarshal(e.Endorser, id); err != nil {
				t.Fatal(err)
			}
			msps = append(msps, id.Mspid)
		}
		return msps
	}
	t.Fatalf("block %d does not hold transaction %s", number, txID)
	return nil
}
