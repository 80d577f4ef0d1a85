package evidence

import (
	"crypto/ecdsa"
	"encoding/json"
	"fmt"

	"github.com/go-jose/go-jose/v4"
)

// TrustRoot is what a verifier obtains once, out of band (from the
// association, certified by its members): who the organisations are, the
// keys they sign with, and how many of them a checkpoint needs.
type TrustRoot struct {
	// MediaType is TrustRootMediaType.
	MediaType string `json:"mediaType"`
	// Origin is the log's origin line (translog.Origin).
	Origin string `json:"origin"`
	// Mode is the ledger's mode: translog.ModeEmbedded or ModeFabric.
	Mode string `json:"mode"`
	// Quorum is the number of distinct organisations whose valid
	// signatures a checkpoint needs.
	Quorum        int            `json:"quorum"`
	Organisations []Organisation `json:"organisations"`
	// Fabric is, in fabric mode, the channel's endorsement rules.
	Fabric *FabricTrust `json:"fabric,omitempty"`
	// IssuedAt says when the trust root was exported (informational).
	IssuedAt string `json:"issuedAt,omitempty"`
}

// Organisation is one member (or the association).
type Organisation struct {
	// ID is the MSP ID, which is also the member id on the ledger.
	ID          string `json:"id"`
	Name        string `json:"name"`
	Association bool   `json:"association,omitempty"`
	// LogKeys are the organisation's log keys in note verifier form
	// ("<id>+<hash>+<key>").
	LogKeys []string `json:"logKeys"`
	// SigningKeys are its attestation signing keys, revoked ones included.
	SigningKeys []SigningKey `json:"signingKeys"`
	// MSP is, in fabric mode, the organisation's CA certificates.
	MSP *MSP `json:"msp,omitempty"`
}

// SigningKey is one ES256 attestation key of an organisation.
type SigningKey struct {
	KID string `json:"kid"`
	// JWK is the public key as a JSON Web Key (EC, P-256).
	JWK          json.RawMessage `json:"jwk"`
	RegisteredAt string          `json:"registeredAt"`
	RevokedAt    string          `json:"revokedAt,omitempty"`
}

// MSP holds an organisation's Fabric CA certificates (PEM).
type MSP struct {
	RootCerts         []string `json:"rootCerts"`
	IntermediateCerts []string `json:"intermediateCerts,omitempty"`
}

// FabricTrust is the channel's identity and endorsement policy.
type FabricTrust struct {
	Channel string `json:"channel"`
	// Chaincode is the chaincode's name: the namespace of its writes.
	Chaincode   string            `json:"chaincode"`
	Endorsement EndorsementPolicy `json:"endorsement"`
	// Orderer is the ordering service: whose signatures on a block show
	// that it was ordered, in its chain, by the channel's orderers.
	Orderer *OrdererTrust `json:"orderer"`
}

// OrdererTrust is the ordering service as the channel's configuration
// defines it: its organisations' CA certificates and the block validation
// policy a block's orderer signatures must meet.
type OrdererTrust struct {
	Organisations   []OrdererOrganisation `json:"organisations"`
	BlockValidation BlockPolicy           `json:"blockValidation"`
}

// OrdererOrganisation is one organisation of the ordering service.
type OrdererOrganisation struct {
	// ID is its MSP ID (OrdererMSP in the local network).
	ID  string `json:"id"`
	MSP MSP    `json:"msp"`
}

// BlockPolicy is "valid orderer signatures satisfy at least N distinct
// Signers". Rule says where it comes from in the channel configuration:
// Raft's "ImplicitMeta ANY Writers" over an orderer organisation whose
// Writers policy is OR('OrdererMSP.member') gives N = 1 and one signer
// (any member of OrdererMSP); SmartBFT's policy, which configtxgen makes
// from the consenters, gives N = a quorum of the consenters, each a signer
// by its own certificate.
type BlockPolicy struct {
	Rule    string        `json:"rule"`
	N       int           `json:"n"`
	Signers []BlockSigner `json:"signers"`
}

// BlockSigner is one principal of the block validation policy: any
// certificate of orderer organisation MSP that chains to its CA (no
// Certificate), or exactly the consenter certificate given (PEM), which
// must chain to it too. ConsenterID is a SmartBFT consenter's numeric id:
// its block signatures name the consenter by id instead of carrying its
// certificate.
type BlockSigner struct {
	MSP         string `json:"msp"`
	Certificate string `json:"certificate,omitempty"`
	ConsenterID uint32 `json:"consenterId,omitempty"`
}

// organisation finds an orderer organisation by MSP ID.
func (o *OrdererTrust) organisation(id string) (*OrdererOrganisation, bool) {
	for i := range o.Organisations {
		if o.Organisations[i].ID == id {
			return &o.Organisations[i], true
		}
	}
	return nil, false
}

// EndorsementPolicy is "at least N distinct organisations of Orgs endorse".
// Rule documents where N comes from ("MAJORITY Endorsement" over the
// application organisations gives N = len(Orgs)/2 + 1).
type EndorsementPolicy struct {
	Rule string   `json:"rule"`
	N    int      `json:"n"`
	Orgs []string `json:"orgs"`
}

// MajorityPolicy is Fabric's default "MAJORITY Endorsement" over orgs.
func MajorityPolicy(orgs []string) EndorsementPolicy {
	return EndorsementPolicy{Rule: "MAJORITY Endorsement", N: len(orgs)/2 + 1, Orgs: append([]string(nil), orgs...)}
}

// PublicJWK encodes an ES256 public key as a JWK for a trust root.
func PublicJWK(pub *ecdsa.PublicKey) (json.RawMessage, error) {
	return json.Marshal(jose.JSONWebKey{Key: pub, Algorithm: "ES256", Use: "sig"})
}

// ParseJWK decodes a trust root's JWK into a P-256 public key.
func ParseJWK(b json.RawMessage) (*ecdsa.PublicKey, error) {
	var k jose.JSONWebKey
	if err := k.UnmarshalJSON(b); err != nil {
		return nil, fmt.Errorf("JWK: %v", err)
	}
	pub, ok := k.Key.(*ecdsa.PublicKey)
	if !ok || pub.Curve.Params().Name != "P-256" {
		return nil, fmt.Errorf("JWK is not a P-256 public key")
	}
	return pub, nil
}

// Organisation finds an organisation by id.
func (t *TrustRoot) Organisation(id string) (*Organisation, bool) {
	for i := range t.Organisations {
		if t.Organisations[i].ID == id {
			return &t.Organisations[i], true
		}
	}
	return nil, false
}

// check validates the trust root's shape before anything is verified with
// it.
func (t *TrustRoot) check() error {
	if t.MediaType != TrustRootMediaType {
		return fmt.Errorf("trust root media type %q, want %q", t.MediaType, TrustRootMediaType)
	}
	if t.Quorum < 1 {
		return fmt.Errorf("trust root quorum %d: must be at least 1", t.Quorum)
	}
	if t.Quorum > len(t.Organisations) {
		return fmt.Errorf("trust root quorum %d exceeds its %d organisations", t.Quorum, len(t.Organisations))
	}
	seen := map[string]bool{}
	for _, o := range t.Organisations {
		if o.ID == "" || seen[o.ID] {
			return fmt.Errorf("trust root lists organisation %q twice or without id", o.ID)
		}
		seen[o.ID] = true
	}
	if t.Mode == "fabric" {
		if t.Fabric == nil || t.Fabric.Channel == "" || t.Fabric.Chaincode == "" {
			return fmt.Errorf("fabric trust root without channel and chaincode")
		}
		p := t.Fabric.Endorsement
		if p.N < 1 || p.N > len(p.Orgs) {
			return fmt.Errorf("endorsement policy needs %d of %d organisations", p.N, len(p.Orgs))
		}
		o := t.Fabric.Orderer
		if o == nil || len(o.Organisations) == 0 {
			return fmt.Errorf("fabric trust root without the ordering service's organisations")
		}
		bp := o.BlockValidation
		if bp.N < 1 || bp.N > len(bp.Signers) {
			return fmt.Errorf("block validation policy needs %d of %d signers", bp.N, len(bp.Signers))
		}
		for _, s := range bp.Signers {
			if _, ok := o.organisation(s.MSP); !ok {
				return fmt.Errorf("block validation policy names %q, not an orderer organisation of the trust root", s.MSP)
			}
		}
	}
	return nil
}
