// Package evidencetest builds real evidence bundles and trust roots for
// tests and benchmarks: real ES256 attestations (package attestation), a
// real transparency log (package translog), real Ed25519 checkpoint
// signatures and, in fabric mode, real x509 certificates and signed Fabric
// transactions, so that every verification check runs on genuine material.
package evidencetest

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"sync/atomic"
	"time"

	"github.com/hyperledger/fabric-protos-go-apiv2/common"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/ledger/rwset/kvrwset"
	"github.com/hyperledger/fabric-protos-go-apiv2/msp"
	"github.com/hyperledger/fabric-protos-go-apiv2/peer"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/timestamppb"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/state"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// Orgs are the fixture's organisations; the first is the reporter.
var Orgs = []string{"Org1MSP", "Org2MSP", "Org3MSP"}

// Names of the fixture's ledger.
const (
	Channel   = "blacklist"
	Chaincode = "blacklist"
	KID       = "org1-2026"
	Subject   = "3f1c9a0d5b7e2c4a6f8091b3d5e7f9a1c3e5b7d9f1a3c5e7091b2d4f6a8c0e2b"
)

// Base is the fixture's ledger time: the key is registered at Base, the
// default issued an hour later.
var Base = time.Date(2026, 3, 1, 8, 0, 0, 0, time.UTC)

// Options vary the fixture.
type Options struct {
	Fabric bool
	// RevokeBeforeIssued makes the ledger revoke the signing key a minute
	// before the default's issuedAt (in a member record logged after it).
	RevokeBeforeIssued bool
	// RogueEndorser adds to the default's transaction an endorsement by a
	// peer whose certificate comes from a CA outside the trust root.
	RogueEndorser bool
	// BFT orders the blocks with four SmartBFT consenters (a quorum of
	// three signs each block, by consenter id); otherwise one Raft orderer
	// signs each block with its certificate.
	BFT bool
	// OrdererSigners is, with BFT, how many consenters sign each block
	// (0: three).
	OrdererSigners int
	// RogueOrderer signs each block with a certificate claiming OrdererMSP
	// from a CA outside the trust root, instead of the orderer's.
	RogueOrderer bool
	// Signers are the indexes (into Orgs) of the organisations that sign
	// the checkpoint; nil means all.
	Signers []int
	// Noise is the number of unrelated defaults logged after the bundle's
	// records (for benchmarks: a bigger tree).
	Noise int
}

// Fixture is a ledger's log and a bundle made from it.
type Fixture struct {
	Bundle    *evidence.Bundle
	TrustRoot *evidence.TrustRoot
	LogKeys   []translog.LogKey
	// Stranger is a log key of no organisation of the trust root.
	Stranger   translog.LogKey
	Log        *translog.Log
	Leaves     []translog.Leaf
	Checkpoint translog.Checkpoint
	Heads      *translog.HeadsTree
	// DefaultID and SettlementID are the bundle's attestations.
	DefaultID, SettlementID string
	// Index of each bundle record's leaf, by role.
	DefaultLeaf, DisputeOpenLeaf, DisputeOutcomeLeaf, SettlementLeaf int64

	o        Options
	signKey  *ecdsa.PrivateKey
	cas      map[string]*ca
	blocks   []*common.Block
	orderers []orderer
}

// OrdererMSP is the fixture's ordering service organisation.
const OrdererMSP = "OrdererMSP"

// orderer is one orderer (a SmartBFT consenter when id > 0) with its key.
type orderer struct {
	id   uint32
	cert []byte
	key  *ecdsa.PrivateKey
}

// leaves implements evidence.LeafSource.
type leaves struct{ f *Fixture }

func (s leaves) Leaf(i int64) (translog.Leaf, error) {
	if i < 0 || i >= int64(len(s.f.Leaves)) {
		return translog.Leaf{}, fmt.Errorf("no leaf %d", i)
	}
	return s.f.Leaves[i], nil
}

func (s leaves) InclusionProof(i, size int64) ([]translog.Hash, error) {
	return s.f.Log.Tree().InclusionProof(i, size)
}

type write struct {
	key   string
	value []byte
}

// New builds the fixture; it panics on errors, which are bugs of the
// fixture, not of the code under test.
func New(o Options) *Fixture {
	f := &Fixture{o: o, Log: translog.NewLog(), cas: map[string]*ca{}}
	var err error
	if f.signKey, err = attestation.GenerateKey(); err != nil {
		panic(err)
	}
	for _, org := range Orgs {
		k, err := translog.GenerateLogKey(org)
		must(err)
		f.LogKeys = append(f.LogKeys, k)
		f.cas[org] = newCA(org)
	}
	f.Stranger, err = translog.GenerateLogKey("Org9MSP")
	must(err)
	f.cas[OrdererMSP] = newCA(OrdererMSP)
	if o.BFT {
		for i := 1; i <= 4; i++ {
			cert, k := f.cas[OrdererMSP].issue(fmt.Sprintf("orderer%d.orderer", i-1))
			f.orderers = append(f.orderers, orderer{id: uint32(i), cert: cert, key: k})
		}
	} else {
		cert, k := f.cas[OrdererMSP].issue("orderer0.orderer")
		f.orderers = append(f.orderers, orderer{cert: cert, key: k})
	}

	pemKey, err := attestation.MarshalPublicKeyPEM(&f.signKey.PublicKey)
	must(err)
	registered := Base.Format(time.RFC3339Nano)
	member := func(revokedAt string) []byte {
		status := "active"
		if revokedAt != "" {
			status = "revoked"
		}
		b, _ := json.Marshal(map[string]any{"mspId": Orgs[0], "legalName": "Bank One", "roles": []string{"reporter"}, "status": "active",
			"keys": []map[string]string{{"kid": KID, "publicKey": pemKey, "status": status, "registeredAt": registered, "revokedAt": revokedAt}}})
		return b
	}
	issued := Base.Add(time.Hour)
	amount, days := int64(1_250_000), 100
	def := &attestation.Payload{V: 1, Type: attestation.TypeDefault, Reporter: Orgs[0], Subject: Subject,
		IssuedAt: issued.Format(time.RFC3339), LoanRef: hex64("loan"), Product: "consumer", Amount: &amount, Currency: "CNY",
		OverdueSince: "2025-11-20", DaysPastDue: &days, NoticeDate: "2026-02-15"}
	defJWS, defID, err := attestation.Sign(def, f.signKey, KID)
	must(err)
	settled := int64(900_000)
	set := &attestation.Payload{V: 1, Type: attestation.TypeSettlement, Reporter: Orgs[0], Subject: Subject,
		IssuedAt: issued.Add(48 * time.Hour).Format(time.RFC3339), RefersTo: defID, SettledOn: "2026-03-02", Kind: "negotiated", Amount: &settled}
	setJWS, setID, err := attestation.Sign(set, f.signKey, KID)
	must(err)
	f.DefaultID, f.SettlementID = defID, setID
	other := *def
	other.LoanRef = hex64("other loan")
	otherJWS, otherID, err := attestation.Sign(&other, f.signKey, KID)
	must(err)

	att := func(id, typ, defaultID, jws string) write {
		b, _ := json.Marshal(map[string]string{"subject": Subject, "type": typ, "default": defaultID, "jws": jws})
		return write{key("att", id), b}
	}
	dispute := hex64("dispute")
	disp := func(st string) write {
		d := map[string]string{"id": dispute, "attestationId": defID, "subject": Subject, "reporter": Orgs[0], "openedBy": Orgs[1],
			"reasonCode": "already-paid", "openedAt": issued.Add(time.Hour).Format(time.RFC3339Nano),
			"dueBy": issued.Add(20 * 24 * time.Hour).Format(time.RFC3339Nano), "state": st}
		if st != "open" {
			d["resolvedBy"], d["resolvedAt"], d["note"] = Orgs[0], issued.Add(24*time.Hour).Format(time.RFC3339Nano), "not paid when filed"
		}
		b, _ := json.Marshal(d)
		return write{key("subj", Subject, "p", dispute), b}
	}
	index := func(k string) write { return write{key("loan", Orgs[0], k), []byte(`{}`)} }

	// One transaction per entry, in commit order.
	txs := [][]write{
		{{key("member", Orgs[0]), member("")}},
		{{key("member", Orgs[1]), []byte(`{"mspId":"Org2MSP","keys":[]}`)}},
		{att(defID, "default", defID, defJWS), index("a")},
		{att(otherID, "default", otherID, otherJWS), index("b")},
		{disp("open")},
		{disp("rejected")},
	}
	if o.RevokeBeforeIssued {
		txs = append(txs, [][]write{{{key("member", Orgs[0]), member(issued.Add(-time.Minute).Format(time.RFC3339Nano))}}}...)
	}
	txs = append(txs, []write{att(setID, "settlement", defID, setJWS)}, []write{{key("member", Orgs[2]), []byte(`{"mspId":"Org3MSP","keys":[]}`)}})
	for i := 0; i < o.Noise; i++ {
		n := other
		n.LoanRef = hex64(fmt.Sprint("noise ", i))
		j, id, err := attestation.Sign(&n, f.signKey, KID)
		must(err)
		txs = append(txs, []write{att(id, "default", id, j)})
	}

	var prevHeader []byte
	for i, ws := range txs {
		block := uint64(i + 1)
		txID := fmt.Sprintf("%064x", sha256.Sum256([]byte(fmt.Sprint("tx", i))))
		pos := translog.Position{Mode: translog.ModeEmbedded, Height: uint64(i + 1), TxID: txID}
		if o.Fabric {
			rogue := o.RogueEndorser && len(ws) > 0 && ws[0].key == key("att", defID)
			var env []byte
			env, txID = f.envelope(i, Base.Add(time.Duration(i)*time.Minute), ws, rogue)
			pos = translog.Position{Mode: translog.ModeFabric, Block: block, TxIndex: 0, TxID: txID, Validation: translog.ValidationValid}
			data := [][]byte{env}
			hdr := &common.BlockHeader{Number: block, PreviousHash: prevHeader, DataHash: evidence.DataHash(data)}
			prevHeader = evidence.HeaderHash(evidence.HeaderOf(&common.Block{Header: hdr}))
			f.blocks = append(f.blocks, &common.Block{Header: hdr, Data: &common.BlockData{Data: data}, Metadata: f.ordererMetadata(hdr)})
		}
		for _, w := range ws {
			l, ok, err := translog.NewLeaf(pos, w.key, w.value)
			must(err)
			if !ok {
				continue
			}
			idx, linked, err := f.Log.Append(l)
			must(err)
			f.Leaves = append(f.Leaves, linked)
			switch {
			case linked.Kind == translog.KindDefault && linked.RecordID() == defID:
				f.DefaultLeaf = idx
			case linked.Kind == translog.KindDisputeOpened:
				f.DisputeOpenLeaf = idx
			case linked.Kind == translog.KindDisputeOutcome:
				f.DisputeOutcomeLeaf = idx
			case linked.Kind == translog.KindSettlement:
				f.SettlementLeaf = idx
			}
		}
	}
	f.Checkpoint, f.Heads, err = f.Log.Checkpoint(translog.Origin(Channel))
	must(err)
	f.TrustRoot = f.trustRoot()
	signers := o.Signers
	if signers == nil {
		signers = []int{0, 1, 2}
	}
	var skeys []string
	for _, i := range signers {
		skeys = append(skeys, f.LogKeys[i].Signer)
	}
	note, err := translog.SignCheckpoint(f.Checkpoint, skeys...)
	must(err)
	var known []translog.OrgKey
	for _, k := range f.LogKeys {
		known = append(known, translog.OrgKey{Org: k.Org, Verifier: k.Verifier})
	}
	mode := translog.ModeEmbedded
	if o.Fabric {
		mode = translog.ModeFabric
	}
	f.Bundle, err = evidence.Assemble(evidence.AssembleInput{Mode: mode, Checkpoint: note, Heads: f.Heads, LogKeys: known,
		Log: leaves{f}, AttestationID: defID})
	must(err)
	if o.Fabric {
		var blocks []*common.Block
		for _, n := range f.Bundle.BlocksNeeded() {
			blocks = append(blocks, f.blocks[n-1])
		}
		first := f.Bundle.BlocksNeeded()[0]
		var headers []*common.BlockHeader
		for _, b := range f.blocks[first-1:] {
			headers = append(headers, b.Header)
		}
		f.Bundle.Fabric = evidence.NewFabric(Channel, blocks, headers, nil)
	}
	return f
}

// Sign re-signs the fixture's checkpoint with the given signer keys and
// puts the note in the bundle.
func (f *Fixture) Sign(signerKeys ...string) {
	note, err := translog.SignCheckpoint(f.Checkpoint, signerKeys...)
	must(err)
	f.Bundle.Checkpoint = string(note)
}

func (f *Fixture) trustRoot() *evidence.TrustRoot {
	jwk, err := evidence.PublicJWK(&f.signKey.PublicKey)
	must(err)
	tr := &evidence.TrustRoot{MediaType: evidence.TrustRootMediaType, Origin: translog.Origin(Channel), Mode: translog.ModeEmbedded, Quorum: 2}
	for i, org := range Orgs {
		o := evidence.Organisation{ID: org, Name: fmt.Sprintf("Bank %d", i+1), LogKeys: []string{f.LogKeys[i].Verifier}, SigningKeys: []evidence.SigningKey{}}
		if i == 0 {
			o.SigningKeys = append(o.SigningKeys, evidence.SigningKey{KID: KID, JWK: jwk, RegisteredAt: Base.Format(time.RFC3339Nano)})
		}
		if f.o.Fabric {
			o.MSP = &evidence.MSP{RootCerts: []string{f.cas[org].pem}}
		}
		tr.Organisations = append(tr.Organisations, o)
	}
	if f.o.Fabric {
		tr.Mode = translog.ModeFabric
		tr.Fabric = &evidence.FabricTrust{Channel: Channel, Chaincode: Chaincode, Endorsement: evidence.MajorityPolicy(Orgs),
			Orderer: &evidence.OrdererTrust{Organisations: []evidence.OrdererOrganisation{{ID: OrdererMSP, MSP: evidence.MSP{RootCerts: []string{f.cas[OrdererMSP].pem}}}},
				BlockValidation: evidence.BlockPolicy{Rule: "ImplicitMeta ANY Writers: OR('OrdererMSP.member')", N: 1, Signers: []evidence.BlockSigner{{MSP: OrdererMSP}}}}}
		if f.o.BFT {
			bp := evidence.BlockPolicy{Rule: "BFT: 3 out of the 4 consenters", N: 3}
			for _, c := range f.orderers {
				bp.Signers = append(bp.Signers, evidence.BlockSigner{MSP: OrdererMSP, Certificate: string(c.cert), ConsenterID: c.id})
			}
			tr.Fabric.Orderer.BlockValidation = bp
		}
	}
	return tr
}

// ordererMetadata signs a block header as the fixture's ordering service
// does: a Raft orderer with its identity in a signature header, SmartBFT
// consenters by id in identifier headers; the block's metadata holds the
// signatures at index SIGNATURES.
func (f *Fixture) ordererMetadata(hdr *common.BlockHeader) *common.BlockMetadata {
	value := marshal(&common.OrdererBlockMetadata{LastConfig: &common.LastConfig{Index: 0}})
	headerBytes := evidence.HeaderBytes(evidence.HeaderOf(&common.Block{Header: hdr}))
	md := &common.Metadata{Value: value}
	signers := f.orderers
	if f.o.BFT {
		n := f.o.OrdererSigners
		if n == 0 {
			n = 3
		}
		signers = signers[:n]
	}
	for _, o := range signers {
		if f.o.RogueOrderer {
			cert, k := newCA("rogue").issue("orderer0.orderer")
			o = orderer{cert: cert, key: k}
		}
		ms := &common.MetadataSignature{}
		var h []byte
		if o.id > 0 {
			h = marshal(&common.IdentifierHeader{Identifier: o.id})
			ms.IdentifierHeader = h
		} else {
			h = marshal(&common.SignatureHeader{Creator: marshal(&msp.SerializedIdentity{Mspid: OrdererMSP, IdBytes: o.cert}), Nonce: []byte("nonce")})
			ms.SignatureHeader = h
		}
		ms.Signature = sign(o.key, append(append(append([]byte{}, value...), h...), headerBytes...))
		md.Signatures = append(md.Signatures, ms)
	}
	return &common.BlockMetadata{Metadata: [][]byte{marshal(md), {}, {}, {}, {}}}
}

// envelope makes a signed endorser transaction writing ws and its id, submitted by
// Org1's client and endorsed by the peers of Org1 and Org2 (and a rogue
// peer claiming Org3 when rogue).
func (f *Fixture) envelope(i int, at time.Time, ws []write, rogue bool) ([]byte, string) {
	kv := &kvrwset.KVRWSet{}
	for _, w := range ws {
		kv.Writes = append(kv.Writes, &kvrwset.KVWrite{Key: w.key, Value: w.value})
	}
	kvb := marshal(kv)
	results := marshal(&rwset.TxReadWriteSet{DataModel: rwset.TxReadWriteSet_KV, NsRwset: []*rwset.NsReadWriteSet{{Namespace: Chaincode, Rwset: kvb}}})
	cca := marshal(&peer.ChaincodeAction{Results: results, Response: &peer.Response{Status: 200}, ChaincodeId: &peer.ChaincodeID{Name: Chaincode}})
	prp := marshal(&peer.ProposalResponsePayload{ProposalHash: []byte("proposal"), Extension: cca})
	var ends []*peer.Endorsement
	endorse := func(c *ca, who string, org string) {
		id, key := c.issue(who)
		sid := marshal(&msp.SerializedIdentity{Mspid: org, IdBytes: id})
		ends = append(ends, &peer.Endorsement{Endorser: sid, Signature: sign(key, append(append([]byte{}, prp...), sid...))})
	}
	endorse(f.cas[Orgs[0]], "peer0.org1", Orgs[0])
	endorse(f.cas[Orgs[1]], "peer0.org2", Orgs[1])
	if rogue {
		endorse(newCA("rogue"), "peer0.org3", Orgs[2])
	}
	ccap := marshal(&peer.ChaincodeActionPayload{ChaincodeProposalPayload: []byte("input"),
		Action: &peer.ChaincodeEndorsedAction{ProposalResponsePayload: prp, Endorsements: ends}})
	creatorCert, creatorKey := f.cas[Orgs[0]].issue("client.org1")
	creator := marshal(&msp.SerializedIdentity{Mspid: Orgs[0], IdBytes: creatorCert})
	nonce := sha256.Sum256([]byte(fmt.Sprint("nonce ", i)))
	sh := marshal(&common.SignatureHeader{Creator: creator, Nonce: nonce[:24]})
	// Fabric's transaction id: hex SHA-256 of the nonce and the creator.
	txID := fmt.Sprintf("%x", sha256.Sum256(append(nonce[:24:24], creator...)))
	tx := marshal(&peer.Transaction{Actions: []*peer.TransactionAction{{Header: sh, Payload: ccap}}})
	ch := marshal(&common.ChannelHeader{Type: int32(common.HeaderType_ENDORSER_TRANSACTION), ChannelId: Channel, TxId: txID,
		Timestamp: timestamppb.New(at)})
	payload := marshal(&common.Payload{Header: &common.Header{ChannelHeader: ch, SignatureHeader: sh}, Data: tx})
	return marshal(&common.Envelope{Payload: payload, Signature: sign(creatorKey, payload)}), txID
}

type ca struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
	pem  string
}

var serial atomic.Int64

func newCA(org string) *ca {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial.Add(1)), Subject: pkix.Name{CommonName: "ca." + org, Organization: []string{org}},
		NotBefore: Base.AddDate(-1, 0, 0), NotAfter: Base.AddDate(2, 0, 0), IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	must(err)
	cert, err := x509.ParseCertificate(der)
	must(err)
	return &ca{cert: cert, key: key, pem: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))}
}

// issue makes a certificate for cn signed by c: its PEM and private key.
func (c *ca) issue(cn string) ([]byte, *ecdsa.PrivateKey) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	must(err)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(serial.Add(1)), Subject: pkix.Name{CommonName: cn},
		NotBefore: Base.AddDate(-1, 0, 0), NotAfter: Base.AddDate(1, 0, 0), KeyUsage: x509.KeyUsageDigitalSignature}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, c.cert, &key.PublicKey, c.key)
	must(err)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), key
}

func sign(k *ecdsa.PrivateKey, msg []byte) []byte {
	d := sha256.Sum256(msg)
	s, err := ecdsa.SignASN1(rand.Reader, k, d[:])
	must(err)
	return s
}

func marshal(m proto.Message) []byte {
	b, err := proto.Marshal(m)
	must(err)
	return b
}

func key(obj string, attrs ...string) string {
	k, err := state.CompositeKey(obj, attrs...)
	must(err)
	return k
}

func hex64(s string) string { return fmt.Sprintf("%x", sha256.Sum256([]byte(s))) }

func must(err error) {
	if err != nil {
		panic(err)
	}
}
