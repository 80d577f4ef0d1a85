package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// Demo consortium members.
const (
	DemoAssociation = "AssocMSP"
	DemoBank1       = "Bank1MSP"
	DemoBank2       = "Bank2MSP"
)

// DemoCredentials is DATA/demo-credentials.json.
type DemoCredentials struct {
	BaseURL string       `json:"baseUrl"`
	Clients []DemoClient `json:"clients"`
}

// DemoClient is one API client of the demo.
type DemoClient struct {
	Name   string   `json:"name"`
	Member string   `json:"member"`
	Roles  []string `json:"roles"`
	APIKey string   `json:"apiKey"`
}

// DemoCredentialsFile is the file name, inside the data directory.
const DemoCredentialsFile = "demo-credentials.json"

type demoMember struct {
	msp, name, creditCode string
	roles                 []string
}

var demoMembers = []demoMember{
	{DemoBank1, "Demo Bank One", "91350100M000100Y43", []string{contract.RoleQuerier, contract.RoleReporter}},
	{DemoBank2, "Demo Bank Two", "91110000600037341L", []string{contract.RoleQuerier, contract.RoleReporter}},
}

var demoClients = []struct {
	name, member string
	roles        []string
}{
	{"assoc-admin", DemoAssociation, []string{RoleAdmin}},
	{"auditor", DemoAssociation, []string{RoleAuditor}},
	{"bank1-app", DemoBank1, []string{RoleQuerier, RoleReporter}},
	{"bank2-app", DemoBank2, []string{RoleQuerier, RoleReporter}},
	// analyst: Bank1's due-diligence desk, reading pool statistics only.
	{"analyst", DemoBank1, []string{RoleAnalyst}},
	{"agency", DemoAssociation, []string{RoleAgency}},
}

// SetupDemo creates, on first start, a demo consortium on the ledger (the
// association, two banks with a registered signing key each) and one API
// client per role, and writes their keys to DATA/demo-credentials.json. A
// restart finds the file and reuses everything. The file is written last,
// so a setup interrupted halfway is finished on the next start.
func (n *Node) SetupDemo(ctx context.Context, dataDir, baseURL string) (*DemoCredentials, error) {
	path := filepath.Join(dataDir, DemoCredentialsFile)
	if b, err := os.ReadFile(path); err == nil {
		var creds DemoCredentials
		if err := json.Unmarshal(b, &creds); err != nil {
			return nil, fmt.Errorf("%s: %w", path, err)
		}
		creds.BaseURL = baseURL
		return &creds, writeJSON(path, creds)
	} else if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	// done tolerates a conflict: the step was done by an interrupted
	// earlier setup.
	done := func(err error) error {
		var ce *contract.Error
		if errors.As(err, &ce) && ce.Code == contract.CodeConflict {
			return nil
		}
		return err
	}
	_, _, err := submit(ctx, n, DemoAssociation, contract.TxInit, contract.InitRequest{Association: DemoAssociation,
		LegalName: "Demo Credit Association", SubjectKeyCheck: n.SubjectKeyCheck()})
	if err := done(err); err != nil {
		return nil, err
	}
	if err := n.demoKey(DemoAssociation, func(kid, pub string) error {
		_, _, err := submit(ctx, n, DemoAssociation, contract.TxRegisterKey, contract.RegisterKeyRequest{MSPID: DemoAssociation, KeyRequest: contract.KeyRequest{KID: kid, PublicKey: pub}})
		return done(err)
	}); err != nil {
		return nil, err
	}
	for _, m := range demoMembers {
		if err := n.demoKey(m.msp, func(kid, pub string) error {
			_, _, err := submit(ctx, n, DemoAssociation, contract.TxAdmitMember, contract.AdmitMemberRequest{MSPID: m.msp, LegalName: m.name,
				CreditCode: m.creditCode, Roles: m.roles, Keys: []contract.KeyRequest{{KID: kid, PublicKey: pub}}})
			return done(err)
		}); err != nil {
			return nil, err
		}
	}
	creds := DemoCredentials{BaseURL: baseURL}
	for _, c := range demoClients {
		// A client left by an interrupted setup has a key nobody knows:
		// give it a new one.
		if err := n.DeleteClient(c.name); err != nil {
			return nil, err
		}
		key, err := n.CreateClient(c.name, c.member, c.roles)
		if err != nil {
			return nil, err
		}
		creds.Clients = append(creds.Clients, DemoClient{Name: c.name, Member: c.member, Roles: c.roles, APIKey: key})
	}
	return &creds, writeJSON(path, creds)
}

// demoKey makes sure the node holds a signing key for member, generating
// one and registering it through register on first use.
func (n *Node) demoKey(member string, register func(kid, pub string) error) error {
	kid := member + "-demo-1"
	if _, ok := n.SigningKID(member); !ok {
		k, err := attestation.GenerateKey()
		if err != nil {
			return err
		}
		priv, err := attestation.MarshalPrivateKeyPEM(k)
		if err != nil {
			return err
		}
		if err := n.SetSigningKey(member, kid, priv); err != nil {
			return err
		}
	}
	sk, err := n.signingKey(member)
	if err != nil {
		return err
	}
	priv, err := attestation.ParsePrivateKeyPEM(sk.PrivateKey)
	if err != nil {
		return err
	}
	pub, err := attestation.MarshalPublicKeyPEM(&priv.PublicKey)
	if err != nil {
		return err
	}
	return register(sk.KID, pub)
}

// writeJSON replaces path atomically, readable by the owner only: the file
// holds API keys.
func writeJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
