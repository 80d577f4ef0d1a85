package fabric

import (
	"strings"
	"testing"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// These tests build the Orderer group as configtxgen writes it (the Raft
// and SmartBFT profiles of network/configtx.yaml); the Raft shape is also
// read from a real network's configuration block by
// TestTransparencyLogAcrossOrganisations.

func mustMarshal(t *testing.T, m proto.Message) []byte {
	t.Helper()
	b, err := proto.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func signaturePolicy(t *testing.T, n int32, principals ...*msp.MSPPrincipal) *common.Policy {
	var rules []*common.SignaturePolicy
	for i := range principals {
		rules = append(rules, &common.SignaturePolicy{Type: &common.SignaturePolicy_SignedBy{SignedBy: int32(i)}})
	}
	env := &common.SignaturePolicyEnvelope{Rule: &common.SignaturePolicy{Type: &common.SignaturePolicy_NOutOf_{
		NOutOf: &common.SignaturePolicy_NOutOf{N: n, Rules: rules}}}, Identities: principals}
	return &common.Policy{Type: int32(common.Policy_SIGNATURE), Value: mustMarshal(t, env)}
}

func rolePrincipal(t *testing.T, mspID string, role msp.MSPRole_MSPRoleType) *msp.MSPPrincipal {
	return &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_ROLE,
		Principal: mustMarshal(t, &msp.MSPRole{MspIdentifier: mspID, Role: role})}
}

// ordererGroup is an Orderer group with OrdererMSP whose Writers policy is
// writers, and the given BlockValidation policy and consenters.
func ordererGroup(t *testing.T, writers, blockValidation *common.Policy, consenters []*common.Consenter) *common.ConfigGroup {
	fc := &msp.FabricMSPConfig{Name: "OrdererMSP", RootCerts: [][]byte{[]byte("-----BEGIN CERTIFICATE-----\nroot\n-----END CERTIFICATE-----\n")}}
	org := &common.ConfigGroup{
		Values:   map[string]*common.ConfigValue{"MSP": {Value: mustMarshal(t, &msp.MSPConfig{Config: mustMarshal(t, fc)})}},
		Policies: map[string]*common.ConfigPolicy{"Writers": {Policy: writers}},
	}
	g := &common.ConfigGroup{Groups: map[string]*common.ConfigGroup{"OrdererOrg": org},
		Policies: map[string]*common.ConfigPolicy{"BlockValidation": {Policy: blockValidation}}, Values: map[string]*common.ConfigValue{}}
	if consenters != nil {
		g.Values["Orderers"] = &common.ConfigValue{Value: mustMarshal(t, &common.Orderers{ConsenterMapping: consenters})}
	}
	return g
}

func TestOrdererTrustRaft(t *testing.T) {
	anyWriters := &common.Policy{Type: int32(common.Policy_IMPLICIT_META),
		Value: mustMarshal(t, &common.ImplicitMetaPolicy{SubPolicy: "Writers", Rule: common.ImplicitMetaPolicy_ANY})}
	tr, err := ordererTrust(ordererGroup(t, signaturePolicy(t, 1, rolePrincipal(t, "OrdererMSP", msp.MSPRole_MEMBER)), anyWriters, nil))
	if err != nil {
		t.Fatal(err)
	}
	bp := tr.BlockValidation
	if len(tr.Organisations) != 1 || tr.Organisations[0].ID != "OrdererMSP" || len(tr.Organisations[0].MSP.RootCerts) != 1 ||
		bp.N != 1 || len(bp.Signers) != 1 || bp.Signers[0].MSP != "OrdererMSP" || bp.Signers[0].Certificate != "" ||
		bp.Rule != "ImplicitMeta ANY Writers: OR('OrdererMSP.member')" {
		t.Fatalf("%+v", tr)
	}

	// An organisation's Writers policy needing an admin is not "any
	// member": refused rather than checked as a weaker rule.
	_, err = ordererTrust(ordererGroup(t, signaturePolicy(t, 1, rolePrincipal(t, "OrdererMSP", msp.MSPRole_ADMIN)), anyWriters, nil))
	if err == nil || !strings.Contains(err.Error(), "only member roles are supported") {
		t.Fatalf("admin role: %v", err)
	}
	_, err = ordererTrust(ordererGroup(t, signaturePolicy(t, 1, rolePrincipal(t, "OrdererMSP", msp.MSPRole_MEMBER)), nil, nil))
	if err == nil || !strings.Contains(err.Error(), "no BlockValidation policy") {
		t.Fatalf("no policy: %v", err)
	}
}

func TestOrdererTrustBFT(t *testing.T) {
	var consenters []*common.Consenter
	var principals []*msp.MSPPrincipal
	for i := uint32(1); i <= 4; i++ {
		cert := []byte("-----BEGIN CERTIFICATE-----\norderer" + string(rune('0'+i)) + "\n-----END CERTIFICATE-----\n")
		consenters = append(consenters, &common.Consenter{Id: i, MspId: "OrdererMSP", Identity: cert})
		principals = append(principals, &msp.MSPPrincipal{PrincipalClassification: msp.MSPPrincipal_IDENTITY,
			Principal: mustMarshal(t, &msp.SerializedIdentity{Mspid: "OrdererMSP", IdBytes: cert})})
	}
	writers := signaturePolicy(t, 1, rolePrincipal(t, "OrdererMSP", msp.MSPRole_MEMBER))
	tr, err := ordererTrust(ordererGroup(t, writers, signaturePolicy(t, 3, principals...), consenters))
	if err != nil {
		t.Fatal(err)
	}
	bp := tr.BlockValidation
	if bp.N != 3 || len(bp.Signers) != 4 || bp.Rule != "Signature policy: 3 out of 4" {
		t.Fatalf("%+v", bp)
	}
	for i, s := range bp.Signers {
		if s.MSP != "OrdererMSP" || s.ConsenterID != uint32(i+1) || s.Certificate != string(consenters[i].Identity) {
			t.Errorf("signer %d: %+v", i, s)
		}
	}

	// A principal used twice would let one consenter count twice.
	twice := signaturePolicy(t, 2, principals[0])
	env := &common.SignaturePolicyEnvelope{}
	if err := proto.Unmarshal(twice.Value, env); err != nil {
		t.Fatal(err)
	}
	env.Rule.GetNOutOf().Rules = append(env.Rule.GetNOutOf().Rules, env.Rule.GetNOutOf().Rules[0])
	twice.Value = mustMarshal(t, env)
	if _, err := ordererTrust(ordererGroup(t, writers, twice, consenters)); err == nil || !strings.Contains(err.Error(), "used twice") {
		t.Fatalf("principal used twice: %v", err)
	}
}
