package evidence

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/asn1"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"sort"
	"strings"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// HeaderHash is a Fabric block header's hash, as the next header's
// PreviousHash holds it: SHA-256 of the ASN.1 DER sequence (number,
// previous hash, data hash), as Fabric's protoutil.BlockHeaderHash.
func HeaderHash(h BlockHeader) []byte {
	sum := sha256.Sum256(HeaderBytes(h))
	return sum[:]
}

// HeaderBytes is the ASN.1 DER sequence (number, previous hash, data hash)
// of a block header, as Fabric's protoutil.BlockHeaderBytes: what the next
// header hashes and what the orderers sign.
func HeaderBytes(h BlockHeader) []byte {
	der, err := asn1.Marshal(struct {
		Number       *big.Int
		PreviousHash []byte
		DataHash     []byte
	}{new(big.Int).SetUint64(h.Number), h.PreviousHash, h.DataHash})
	if err != nil {
		return nil
	}
	return der
}

// DataHash is a Fabric block's data hash: SHA-256 of its envelopes
// concatenated, as Fabric's protoutil.ComputeBlockDataHash.
func DataHash(data [][]byte) []byte {
	sum := sha256.Sum256(bytes.Join(data, nil))
	return sum[:]
}

// HeaderOf converts a block's protobuf header.
func HeaderOf(b *common.Block) BlockHeader {
	h := b.GetHeader()
	return BlockHeader{Number: h.GetNumber(), PreviousHash: h.GetPreviousHash(), DataHash: h.GetDataHash()}
}

func (r *run) fabric() {
	f := r.b.Fabric
	if f == nil {
		r.add("fabric", text("w.fabric-headers", "?", "?"), text("a.header-hash"), false, text("r.fabric-missing"))
		return
	}
	if f.Channel != r.tr.Fabric.Channel {
		r.add("fabric", text("w.fabric-headers", "?", "?"), text("a.header-hash"), false,
			text("r.error", fmt.Sprintf("the blocks are of channel %q, the trust root's channel is %q", f.Channel, r.tr.Fabric.Channel)))
		return
	}
	headers := map[uint64]BlockHeader{}
	if len(f.Headers) > 0 {
		what := text("w.fabric-headers", f.Headers[0].Number, f.Headers[len(f.Headers)-1].Number)
		ok := true
		for i, h := range f.Headers {
			headers[h.Number] = h
			if i == 0 {
				continue
			}
			p := f.Headers[i-1]
			if h.Number != p.Number+1 || !bytes.Equal(h.PreviousHash, HeaderHash(p)) {
				r.add("fabric-headers", what, text("a.header-hash"), false, text("r.headers-broken", h.Number, p.Number))
				ok = false
				break
			}
		}
		if ok {
			r.add("fabric-headers", what, text("a.header-hash"), true, text("r.headers-ok", len(f.Headers)))
		}
	}
	blocks := map[uint64][][]byte{}
	for _, bd := range f.Blocks {
		what := text("w.fabric-data", bd.Number)
		h, ok := headers[bd.Number]
		if !ok {
			r.add("fabric-data", what, text("a.data-hash", bd.Number), false, text("r.headers-missing", bd.Number))
			continue
		}
		if !bytes.Equal(DataHash(bd.Data), h.DataHash) {
			r.add("fabric-data", what, text("a.data-hash", bd.Number), false, text("r.data-mismatch"))
			continue
		}
		r.add("fabric-data", what, text("a.data-hash", bd.Number), true, text("r.data-ok", len(bd.Data)))
		blocks[bd.Number] = bd.Data
		r.orderers(bd, h)
	}
	for _, recs := range [][]Record{r.b.Records, r.b.KeyRecords} {
		for _, rec := range recs {
			r.fabricTx(rec, blocks)
		}
	}
}

// fabricTx checks the transaction behind one record: it is in its block at
// its position, its submitter signed it, enough member organisations
// endorsed it, and it wrote the record's value.
func (r *run) fabricTx(rec Record, blocks map[uint64][][]byte) {
	pos := rec.Leaf.Position
	what := text("w.fabric-tx", pos.TxID, pos.Block, pos.TxIndex)
	against := text("a.leaf-position", pos.TxID)
	data, ok := blocks[pos.Block]
	if !ok {
		r.add("fabric-tx", what, against, false, text("r.block-missing", pos.Block))
		return
	}
	if int(pos.TxIndex) >= len(data) {
		r.add("fabric-tx", what, against, false, text("r.tx-index-missing", pos.Block, pos.TxIndex))
		return
	}
	tx, err := parseEnvelope(data[pos.TxIndex])
	if err == nil && tx.channel.ChannelId != r.tr.Fabric.Channel {
		err = fmt.Errorf("the transaction is on channel %q", tx.channel.ChannelId)
	}
	if err == nil && tx.channel.TxId != pos.TxID {
		err = fmt.Errorf("the transaction at this position is %s", tx.channel.TxId)
	}
	if err == nil && tx.channel.TxId != fabricTxID(tx.nonce, tx.creator) {
		err = fmt.Errorf("transaction id %s is not the hash of its nonce and creator", tx.channel.TxId)
	}
	if !r.add("fabric-tx", what, against, err == nil, resultOf(err, text("r.tx-ok", pos.TxID, r.tr.Fabric.Channel))) {
		return
	}
	at := tx.channel.GetTimestamp().AsTime()

	// The submitter's signature over the whole payload.
	org, cn, pub, fail := r.identity(tx.creator, at)
	cwhat := text("w.fabric-creator", pos.TxID)
	if fail != nil {
		r.add("fabric-creator", cwhat, text("a.msp", org), false, *fail)
	} else if !verifyFabricSig(pub, tx.env.Payload, tx.env.Signature) {
		r.add("fabric-creator", cwhat, text("a.msp", org), false, text("r.bad-fabric-sig", cn))
	} else {
		r.add("fabric-creator", cwhat, text("a.msp", org), true, text("r.creator-ok", cn, org))
	}

	// Each endorsement: a member's peer signed the proposal response.
	endorsed := map[string]bool{}
	for i, e := range tx.endorsements {
		ewhat := text("w.fabric-endorser", i+1, pos.TxID)
		org, cn, pub, fail := r.identity(e.Endorser, at)
		switch {
		case fail != nil:
			r.add("fabric-endorsement", ewhat, text("a.msp", org), false, *fail)
		case !verifyFabricSig(pub, append(append([]byte{}, tx.prp...), e.Endorser...), e.Signature):
			r.add("fabric-endorsement", ewhat, text("a.msp", org), false, text("r.bad-fabric-sig", cn))
		default:
			r.add("fabric-endorsement", ewhat, text("a.msp", org), true, text("r.endorser-ok", cn, org))
			endorsed[org] = true
		}
	}
	p := r.tr.Fabric.Endorsement
	var in []string
	for _, o := range p.Orgs {
		if endorsed[o] {
			in = append(in, o)
		}
	}
	sort.Strings(in)
	pwhat, pagainst := text("w.fabric-policy", pos.TxID), text("a.policy", p.Rule, p.N, strings.Join(p.Orgs, ", "))
	if len(in) < p.N {
		r.add("fabric-policy", pwhat, pagainst, false, text("r.policy-short", len(in), strings.Join(in, ", "), p.N))
	} else {
		r.add("fabric-policy", pwhat, pagainst, true, text("r.policy-met", strings.Join(in, ", ")))
	}

	// The endorsed write set holds the leaf's key and value.
	wwhat := text("w.fabric-write", pos.TxID, translog.ReadableKey(rec.Leaf.Key))
	found := false
	for _, w := range tx.writes[r.tr.Fabric.Chaincode] {
		if w.Key == rec.Leaf.Key && !w.IsDelete && bytes.Equal(w.Value, rec.Leaf.Value) {
			found = true
		}
	}
	if found {
		r.add("fabric-write", wwhat, text("a.leaf-value"), true, text("r.write-ok", r.tr.Fabric.Chaincode))
	} else {
		r.add("fabric-write", wwhat, text("a.leaf-value"), false, text("r.write-missing", r.tr.Fabric.Chaincode))
	}
}

type fabricTx struct {
	env          *common.Envelope
	channel      *common.ChannelHeader
	creator      []byte
	nonce        []byte
	prp          []byte
	endorsements []*peer.Endorsement
	writes       map[string][]*kvrwset.KVWrite
}

// parseEnvelope decodes an endorser transaction down to its endorsements
// and write sets. It accepts one action, as Fabric's gateway submits.
func parseEnvelope(raw []byte) (*fabricTx, error) {
	tx := &fabricTx{env: &common.Envelope{}, channel: &common.ChannelHeader{}, writes: map[string][]*kvrwset.KVWrite{}}
	if err := proto.Unmarshal(raw, tx.env); err != nil {
		return nil, fmt.Errorf("envelope: %v", err)
	}
	payload := &common.Payload{}
	if err := proto.Unmarshal(tx.env.Payload, payload); err != nil {
		return nil, fmt.Errorf("payload: %v", err)
	}
	if err := proto.Unmarshal(payload.GetHeader().GetChannelHeader(), tx.channel); err != nil {
		return nil, fmt.Errorf("channel header: %v", err)
	}
	if common.HeaderType(tx.channel.Type) != common.HeaderType_ENDORSER_TRANSACTION {
		return nil, fmt.Errorf("not an endorser transaction (type %d)", tx.channel.Type)
	}
	sh := &common.SignatureHeader{}
	if err := proto.Unmarshal(payload.GetHeader().GetSignatureHeader(), sh); err != nil {
		return nil, fmt.Errorf("signature header: %v", err)
	}
	tx.creator, tx.nonce = sh.Creator, sh.Nonce
	trans := &peer.Transaction{}
	if err := proto.Unmarshal(payload.Data, trans); err != nil {
		return nil, fmt.Errorf("transaction: %v", err)
	}
	if len(trans.Actions) != 1 {
		return nil, fmt.Errorf("%d actions, want 1", len(trans.Actions))
	}
	ccap := &peer.ChaincodeActionPayload{}
	if err := proto.Unmarshal(trans.Actions[0].Payload, ccap); err != nil {
		return nil, fmt.Errorf("chaincode action payload: %v", err)
	}
	tx.prp = ccap.GetAction().GetProposalResponsePayload()
	tx.endorsements = ccap.GetAction().GetEndorsements()
	prp := &peer.ProposalResponsePayload{}
	if err := proto.Unmarshal(tx.prp, prp); err != nil {
		return nil, fmt.Errorf("proposal response payload: %v", err)
	}
	cca := &peer.ChaincodeAction{}
	if err := proto.Unmarshal(prp.Extension, cca); err != nil {
		return nil, fmt.Errorf("chaincode action: %v", err)
	}
	rws := &rwset.TxReadWriteSet{}
	if err := proto.Unmarshal(cca.Results, rws); err != nil {
		return nil, fmt.Errorf("read-write set: %v", err)
	}
	for _, ns := range rws.NsRwset {
		kv := &kvrwset.KVRWSet{}
		if err := proto.Unmarshal(ns.Rwset, kv); err != nil {
			return nil, fmt.Errorf("read-write set of %s: %v", ns.Namespace, err)
		}
		tx.writes[ns.Namespace] = append(tx.writes[ns.Namespace], kv.Writes...)
	}
	return tx, nil
}

// identity checks a serialized Fabric identity: its MSP is an organisation
// of the trust root and its certificate chains to that organisation's CA
// certificates at the transaction's time.
func (r *run) identity(raw []byte, at time.Time) (org, cn string, pub *ecdsa.PublicKey, fail *Text) {
	org, cn, _, pub, fail = r.chain(raw, at, func(id string) *MSP {
		if o, ok := r.tr.Organisation(id); ok {
			return o.MSP
		}
		return nil
	}, "r.unknown-msp")
	return org, cn, pub, fail
}

// chain decodes a serialized identity and checks that its certificate
// chains, at time at, to the CA certificates mspOf gives for its MSP (nil:
// not an organisation of this kind, reported with unknownKey).
func (r *run) chain(raw []byte, at time.Time, mspOf func(string) *MSP, unknownKey string) (org, cn string, cert *x509.Certificate, pub *ecdsa.PublicKey, fail *Text) {
	sid := &msp.SerializedIdentity{}
	if err := proto.Unmarshal(raw, sid); err != nil {
		t := text("r.error", fmt.Sprintf("identity: %v", err))
		return "?", "?", nil, nil, &t
	}
	org = sid.Mspid
	m := mspOf(org)
	if m == nil || len(m.RootCerts) == 0 {
		t := text(unknownKey, org)
		return org, "?", nil, nil, &t
	}
	block, _ := pem.Decode(sid.IdBytes)
	if block == nil {
		t := text("r.error", "identity: no PEM certificate")
		return org, "?", nil, nil, &t
	}
	cert, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t := text("r.error", fmt.Sprintf("identity certificate: %v", err))
		return org, "?", nil, nil, &t
	}
	cn = cert.Subject.CommonName
	roots, inter := x509.NewCertPool(), x509.NewCertPool()
	for _, p := range m.RootCerts {
		roots.AppendCertsFromPEM([]byte(p))
	}
	for _, p := range append(append([]string{}, m.IntermediateCerts...), r.b.Fabric.Certificates...) {
		inter.AppendCertsFromPEM([]byte(p))
	}
	if _, err := cert.Verify(x509.VerifyOptions{Roots: roots, Intermediates: inter, CurrentTime: at,
		KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
		t := text("r.not-member", cn, org, org, err)
		return org, cn, nil, nil, &t
	}
	pub, ok := cert.PublicKey.(*ecdsa.PublicKey)
	if !ok {
		t := text("r.error", errors.New("identity key is not ECDSA").Error())
		return org, cn, nil, nil, &t
	}
	return org, cn, cert, pub, nil
}

// fabricTxID is how Fabric derives a transaction id: the hex SHA-256 of
// the signature header's nonce followed by the creator's serialized
// identity. Checking it binds the id the leaf names to who signed.
func fabricTxID(nonce, creator []byte) string {
	sum := sha256.Sum256(append(append([]byte{}, nonce...), creator...))
	return hex.EncodeToString(sum[:])
}

// verifyFabricSig checks a Fabric ECDSA signature: ASN.1 over SHA-256.
func verifyFabricSig(pub *ecdsa.PublicKey, msg, sig []byte) bool {
	d := sha256.Sum256(msg)
	return ecdsa.VerifyASN1(pub, d[:], sig)
}
