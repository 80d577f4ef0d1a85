package gateway

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"math/big"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

type testCert struct {
	cert *x509.Certificate
	key  *ecdsa.PrivateKey
}

func issue(t *testing.T, cn string, parent *testCert, isCA bool) *testCert {
	k, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(time.Now().UnixNano()), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IsCA: isCA, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth}}
	signer, signKey := tmpl, k
	if parent != nil {
		signer, signKey = parent.cert, parent.key
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, signer, &k.PublicKey, signKey)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := x509.ParseCertificate(der)
	return &testCert{cert: c, key: k}
}

// TestMutualTLS authenticates a client by its certificate: a bound, CA-signed
// certificate acts as its client; an unbound one or one from another CA
// does not.
func TestMutualTLS(t *testing.T) {
	e := newEnv(t, DefaultOptions())
	ca, rogueCA := issue(t, "bank1 ca", nil, true), issue(t, "rogue ca", nil, true)
	bound, unbound, rogue := issue(t, "risk-app", ca, false), issue(t, "other", ca, false), issue(t, "risk-app", rogueCA, false)
	if err := e.n.BindCertificate("bank2-app", bound.cert.Raw); err != nil {
		t.Fatal(err)
	}
	if err := e.n.BindCertificate("nobody", bound.cert.Raw); err == nil {
		t.Fatal("bound a certificate to a client that does not exist")
	}
	pool := x509.NewCertPool()
	pool.AddCert(ca.cert)
	srv := httptest.NewUnstartedServer(e.h)
	srv.TLS = &tls.Config{ClientCAs: pool, ClientAuth: tls.VerifyClientCertIfGiven}
	srv.StartTLS()
	defer srv.Close()

	get := func(c *testCert) int {
		tr := srv.Client().Transport.(*http.Transport).Clone()
		if c != nil {
			tr.TLSClientConfig.Certificates = []tls.Certificate{{Certificate: [][]byte{c.cert.Raw}, PrivateKey: c.key}}
		}
		resp, err := (&http.Client{Transport: tr}).Get(srv.URL + "/v1/subjects/" + sha("x") + "?purpose=loan-approval")
		if err != nil {
			return 0 // handshake refused
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if st := get(bound); st != 200 {
		t.Fatalf("bound certificate: %d", st)
	}
	if st := get(unbound); st != 401 {
		t.Fatalf("unbound certificate: %d", st)
	}
	if st := get(rogue); st == 200 {
		t.Fatal("a certificate from another CA was accepted")
	}
	if st := get(nil); st != 401 {
		t.Fatalf("no certificate and no key: %d", st)
	}
}
