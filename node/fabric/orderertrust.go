package fabric

import (
	"fmt"
	"sort"
	"strings"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
)

// The ordering service in a trust root: the orderer organisations' MSP
// certificates and the Orderer group's BlockValidation policy, which is
// what Fabric's peers check a delivered block's signatures against.
//
// Evidence reduces the policy to "at least N distinct signers" (see
// evidence.BlockPolicy). The two shapes Fabric's configtxgen makes are read
// as they are:
//
//   - ImplicitMeta (Raft, the default "ANY Writers"): the rule (ANY, ALL,
//     MAJORITY) over the orderer organisations' sub-policy; each
//     organisation's must be a signature policy satisfied by any one member
//     of that organisation (the default OR('OrdererMSP.member')), and the
//     organisation is then one signer.
//   - Signature (SmartBFT: configtxgen writes NOutOf(quorum) over every
//     consenter's identity): each principal, an identity (a consenter's
//     certificate, with its consenter id from the Orderers value so that
//     signatures naming the consenter by id can be matched) or an MSP
//     member role, is one signer, and N is the policy's.
//
// Anything else (nested rules, other roles such as admin or orderer, which
// need the MSP's node OU configuration, or OU principals) is refused with
// an error rather than approximated: a verifier would otherwise check a
// weaker rule than the channel's.

// ordererTrust reads the ordering service from the channel configuration's
// Orderer group.
func ordererTrust(og *common.ConfigGroup) (*evidence.OrdererTrust, error) {
	if og == nil {
		return nil, fmt.Errorf("no Orderer group")
	}
	msps, err := groupMSPs(og)
	if err != nil {
		return nil, fmt.Errorf("orderer organisations: %w", err)
	}
	t := &evidence.OrdererTrust{}
	for _, id := range sortedKeys(msps) {
		t.Organisations = append(t.Organisations, evidence.OrdererOrganisation{ID: id, MSP: *msps[id]})
	}
	var consenters []*common.Consenter
	if v := og.GetValues()["Orderers"]; v != nil {
		o := &common.Orderers{}
		if err := proto.Unmarshal(v.Value, o); err != nil {
			return nil, fmt.Errorf("Orderers value: %w", err)
		}
		consenters = o.ConsenterMapping
	}
	cp := og.GetPolicies()["BlockValidation"]
	if cp.GetPolicy() == nil {
		return nil, fmt.Errorf("the Orderer group has no BlockValidation policy")
	}
	p := cp.Policy
	switch common.Policy_PolicyType(p.Type) {
	case common.Policy_SIGNATURE:
		env := &common.SignaturePolicyEnvelope{}
		if err := proto.Unmarshal(p.Value, env); err != nil {
			return nil, fmt.Errorf("BlockValidation: %w", err)
		}
		n, signers, err := flatSignaturePolicy(env, consenters)
		if err != nil {
			return nil, fmt.Errorf("BlockValidation: %w", err)
		}
		t.BlockValidation = evidence.BlockPolicy{Rule: fmt.Sprintf("Signature policy: %d out of %d", n, len(signers)), N: n, Signers: signers}
	case common.Policy_IMPLICIT_META:
		im := &common.ImplicitMetaPolicy{}
		if err := proto.Unmarshal(p.Value, im); err != nil {
			return nil, fmt.Errorf("BlockValidation: %w", err)
		}
		bp, err := implicitMetaPolicy(og, im)
		if err != nil {
			return nil, fmt.Errorf("BlockValidation: %w", err)
		}
		t.BlockValidation = bp
	default:
		return nil, fmt.Errorf("BlockValidation: policy type %d is not supported by evidence", p.Type)
	}
	return t, nil
}

// implicitMetaPolicy reads "ANY|ALL|MAJORITY <sub-policy>" over the orderer
// organisations, each of which must be satisfied by one of its members.
func implicitMetaPolicy(og *common.ConfigGroup, im *common.ImplicitMetaPolicy) (evidence.BlockPolicy, error) {
	bp := evidence.BlockPolicy{}
	var parts []string
	for _, name := range sortedKeys(og.GetGroups()) {
		g := og.Groups[name]
		sub := g.GetPolicies()[im.SubPolicy].GetPolicy()
		if sub == nil || common.Policy_PolicyType(sub.Type) != common.Policy_SIGNATURE {
			return bp, fmt.Errorf("orderer organisation %s's %s policy is not a signature policy", name, im.SubPolicy)
		}
		env := &common.SignaturePolicyEnvelope{}
		if err := proto.Unmarshal(sub.Value, env); err != nil {
			return bp, fmt.Errorf("%s/%s: %w", name, im.SubPolicy, err)
		}
		n, signers, err := flatSignaturePolicy(env, nil)
		if err != nil {
			return bp, fmt.Errorf("%s/%s: %w", name, im.SubPolicy, err)
		}
		if n != 1 {
			return bp, fmt.Errorf("%s/%s needs %d signatures: only one member of an organisation is supported", name, im.SubPolicy, n)
		}
		mspID := signers[0].MSP
		for _, s := range signers {
			if s.MSP != mspID || s.Certificate != "" {
				return bp, fmt.Errorf("%s/%s is not \"any member of one organisation\"", name, im.SubPolicy)
			}
		}
		bp.Signers = append(bp.Signers, evidence.BlockSigner{MSP: mspID})
		parts = append(parts, fmt.Sprintf("OR('%s.member')", mspID))
	}
	switch im.Rule {
	case common.ImplicitMetaPolicy_ANY:
		bp.N = 1
	case common.ImplicitMetaPolicy_ALL:
		bp.N = len(bp.Signers)
	case common.ImplicitMetaPolicy_MAJORITY:
		bp.N = len(bp.Signers)/2 + 1
	}
	if len(bp.Signers) == 0 {
		return bp, fmt.Errorf("no orderer organisation")
	}
	bp.Rule = fmt.Sprintf("ImplicitMeta %s %s: %s", im.Rule, im.SubPolicy, strings.Join(parts, ", "))
	return bp, nil
}

// flatSignaturePolicy reads a signature policy of the form NOutOf(n,
// SignedBy(i)...) with each principal used once: n and one signer per
// principal.
func flatSignaturePolicy(env *common.SignaturePolicyEnvelope, consenters []*common.Consenter) (int, []evidence.BlockSigner, error) {
	of := env.GetRule().GetNOutOf()
	if of == nil {
		return 0, nil, fmt.Errorf("the rule is not an n-out-of rule")
	}
	used := map[int32]bool{}
	var signers []evidence.BlockSigner
	for _, r := range of.Rules {
		sb, ok := r.Type.(*common.SignaturePolicy_SignedBy)
		if !ok {
			return 0, nil, fmt.Errorf("nested rules are not supported")
		}
		if sb.SignedBy < 0 || int(sb.SignedBy) >= len(env.Identities) || used[sb.SignedBy] {
			return 0, nil, fmt.Errorf("principal %d is missing or used twice", sb.SignedBy)
		}
		used[sb.SignedBy] = true
		s, err := principal(env.Identities[sb.SignedBy], consenters)
		if err != nil {
			return 0, nil, err
		}
		signers = append(signers, s)
	}
	n := int(of.N)
	if n < 1 || n > len(signers) {
		return 0, nil, fmt.Errorf("%d out of %d principals", n, len(signers))
	}
	return n, signers, nil
}

// principal reads one principal: an identity, matched to its consenter
// id, or an MSP's member role.
func principal(p *msp.MSPPrincipal, consenters []*common.Consenter) (evidence.BlockSigner, error) {
	switch p.PrincipalClassification {
	case msp.MSPPrincipal_IDENTITY:
		sid := &msp.SerializedIdentity{}
		if err := proto.Unmarshal(p.Principal, sid); err != nil {
			return evidence.BlockSigner{}, fmt.Errorf("identity principal: %w", err)
		}
		s := evidence.BlockSigner{MSP: sid.Mspid, Certificate: string(sid.IdBytes)}
		for _, c := range consenters {
			if c.MspId == sid.Mspid && string(c.Identity) == string(sid.IdBytes) {
				s.ConsenterID = c.Id
			}
		}
		return s, nil
	case msp.MSPPrincipal_ROLE:
		role := &msp.MSPRole{}
		if err := proto.Unmarshal(p.Principal, role); err != nil {
			return evidence.BlockSigner{}, fmt.Errorf("role principal: %w", err)
		}
		if role.Role != msp.MSPRole_MEMBER {
			return evidence.BlockSigner{}, fmt.Errorf("role %s of %s: only member roles are supported", role.Role, role.MspIdentifier)
		}
		return evidence.BlockSigner{MSP: role.MspIdentifier}, nil
	}
	return evidence.BlockSigner{}, fmt.Errorf("principal classification %s is not supported", p.PrincipalClassification)
}

func sortedKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
