package evidence

import (
	"bytes"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"strings"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"google.golang.org/protobuf/proto"
)

// The orderers' signatures on a block. Fabric's ordering service signs
// every block it cuts: each signature is over the block's orderer metadata
// value, the signature's own header and the header's ASN.1 bytes
// (HeaderBytes), and a peer accepts a block only if the signatures meet the
// channel's Orderer BlockValidation policy (protoutil.BlockSignatureVerifier).
// A Raft orderer puts its serialized identity in a signature header; a
// SmartBFT consenter puts its numeric id in an identifier header, and its
// certificate is the consenter's in the channel configuration. Checking
// them shows that the ordering service ordered the block with this header
// and so, through the header chain, that the record's block is in the
// chain the orderers signed; without them a member with its peer's keys
// could present a block the ordering service never cut.

// orderers checks the orderer signatures of one block whose data already
// matched header h: each signature, then the block validation policy.
func (r *run) orderers(bd BlockData, h BlockHeader) {
	o := r.tr.Fabric.Orderer
	bp := o.BlockValidation
	pwhat := text("w.orderer-policy", bd.Number)
	pagainst := text("a.orderer-policy", bp.Rule, bp.N, signerList(bp.Signers))
	md := &common.Metadata{}
	if len(bd.Signatures) == 0 {
		r.add("fabric-orderer-policy", pwhat, pagainst, false, text("r.orderer-sigs-missing", bd.Number))
		return
	}
	if err := proto.Unmarshal(bd.Signatures, md); err != nil {
		r.add("fabric-orderer-policy", pwhat, pagainst, false, text("r.error", fmt.Sprintf("block %d's signature metadata: %v", bd.Number, err)))
		return
	}
	at, err := blockTime(bd.Data)
	if err != nil {
		r.add("fabric-orderer-policy", pwhat, pagainst, false, text("r.error", fmt.Sprintf("block %d: %v", bd.Number, err)))
		return
	}
	header := HeaderBytes(h)
	mspOf := func(id string) *MSP {
		if org, ok := o.organisation(id); ok {
			return &org.MSP
		}
		return nil
	}
	// satisfied[j] is the signer (its certificate's common name) that
	// satisfied policy signer j; a signature satisfies at most one, and an
	// identity that signed twice counts once, as in Fabric's policies.
	satisfied := make([]string, len(bp.Signers))
	seen := map[string]bool{}
	for i, s := range md.Signatures {
		what := text("w.orderer-signature", i+1, bd.Number)
		var identity, signed []byte
		if len(s.SignatureHeader) == 0 && len(s.IdentifierHeader) > 0 {
			ih := &common.IdentifierHeader{}
			if err := proto.Unmarshal(s.IdentifierHeader, ih); err != nil {
				r.add("fabric-orderer-signature", what, text("a.orderer-msp"), false, text("r.error", fmt.Sprintf("identifier header: %v", err)))
				continue
			}
			c, ok := consenter(bp.Signers, ih.Identifier)
			if !ok {
				r.add("fabric-orderer-signature", what, text("a.orderer-msp"), false, text("r.unknown-consenter", ih.Identifier))
				continue
			}
			identity, _ = proto.Marshal(&msp.SerializedIdentity{Mspid: c.MSP, IdBytes: []byte(c.Certificate)})
			signed = concat(md.Value, s.IdentifierHeader, header)
		} else {
			sh := &common.SignatureHeader{}
			if err := proto.Unmarshal(s.SignatureHeader, sh); err != nil {
				r.add("fabric-orderer-signature", what, text("a.orderer-msp"), false, text("r.error", fmt.Sprintf("signature header: %v", err)))
				continue
			}
			identity, signed = sh.Creator, concat(md.Value, s.SignatureHeader, header)
		}
		org, cn, cert, pub, fail := r.chain(identity, at, mspOf, "r.not-orderer-org")
		against := text("a.msp", org)
		switch {
		case fail != nil:
			r.add("fabric-orderer-signature", what, against, false, *fail)
			continue
		case !verifyFabricSig(pub, signed, s.Signature):
			r.add("fabric-orderer-signature", what, against, false, text("r.bad-orderer-sig", cn, org, bd.Number))
			continue
		}
		r.add("fabric-orderer-signature", what, against, true, text("r.orderer-ok", cn, org))
		if seen[string(cert.Raw)] {
			continue
		}
		seen[string(cert.Raw)] = true
		for j, p := range bp.Signers {
			if satisfied[j] == "" && p.MSP == org && (p.Certificate == "" || sameCertificate(p.Certificate, cert.Raw)) {
				satisfied[j] = cn
				break
			}
		}
	}
	var by []string
	for _, cn := range satisfied {
		if cn != "" {
			by = append(by, cn)
		}
	}
	if len(by) < bp.N {
		r.add("fabric-orderer-policy", pwhat, pagainst, false, text("r.orderer-policy-short", bd.Number, len(by), strings.Join(by, ", "), bp.N))
		return
	}
	r.add("fabric-orderer-policy", pwhat, pagainst, true, text("r.orderer-policy-met", bd.Number, strings.Join(by, ", ")))
}

// consenter finds the policy signer with a SmartBFT consenter id.
func consenter(signers []BlockSigner, id uint32) (BlockSigner, bool) {
	for _, s := range signers {
		if s.ConsenterID == id && id != 0 && s.Certificate != "" {
			return s, true
		}
	}
	return BlockSigner{}, false
}

// sameCertificate reports whether PEM p holds the certificate der.
func sameCertificate(p string, der []byte) bool {
	b, _ := pem.Decode([]byte(p))
	return b != nil && bytes.Equal(b.Bytes, der)
}

// signerList names the policy's signers for the transcript.
func signerList(signers []BlockSigner) string {
	var out []string
	for _, s := range signers {
		switch {
		case s.Certificate == "":
			out = append(out, s.MSP+".member")
		default:
			name := s.MSP + " consenter"
			if b, _ := pem.Decode([]byte(s.Certificate)); b != nil {
				if c, err := x509.ParseCertificate(b.Bytes); err == nil {
					name = c.Subject.CommonName
				}
			}
			if s.ConsenterID != 0 {
				name = fmt.Sprintf("%s (%d)", name, s.ConsenterID)
			}
			out = append(out, name)
		}
	}
	return strings.Join(out, ", ")
}

// blockTime is when the block's first transaction says it was made (its
// channel header's timestamp, the submitter's): the time orderer
// certificates are checked at, as the block itself carries no time.
func blockTime(data [][]byte) (time.Time, error) {
	if len(data) == 0 {
		return time.Time{}, fmt.Errorf("no transactions")
	}
	env := &common.Envelope{}
	payload := &common.Payload{}
	ch := &common.ChannelHeader{}
	if err := proto.Unmarshal(data[0], env); err != nil {
		return time.Time{}, fmt.Errorf("envelope: %v", err)
	}
	if err := proto.Unmarshal(env.Payload, payload); err != nil {
		return time.Time{}, fmt.Errorf("payload: %v", err)
	}
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), ch); err != nil {
		return time.Time{}, fmt.Errorf("channel header: %v", err)
	}
	if ch.Timestamp == nil {
		return time.Time{}, fmt.Errorf("the first transaction has no timestamp")
	}
	return ch.Timestamp.AsTime(), nil
}

func concat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
