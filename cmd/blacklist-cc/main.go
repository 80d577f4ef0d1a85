// Command blacklist-cc serves the blacklist chaincode as an external service
// (chaincode-as-a-service): the peer dials it instead of launching it.
//
// Environment:
//
//	CHAINCODE_ID              the package ID the peer installed (required)
//	CHAINCODE_SERVER_ADDRESS  host:port to listen on (required)
//	BLACKLIST_ASSOCIATION     MSP ID of the association; Init accepts no other
//	CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY, CHAINCODE_TLS_CLIENT_CA
//	                          PEM files; when the first two are set the server
//	                          uses TLS (and mutual TLS with the third)
//	BLACKLIST_CC_PPROF        host:port: also serve Go's pprof (net/http/pprof,
//	                          plain HTTP) there, for profiling at saturation;
//	                          off when empty (scripts/network.sh sets it under
//	                          FABRIC_PROFILE=1)
package main

import (
	"flag"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/pprof"
	"os"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"

	"github.com/assoc-ledger/blacklist/chaincode/fabriccc"
)

func main() {
	flag.Usage = func() {
		fmt.Fprint(flag.CommandLine.Output(), `Usage: blacklist-cc

Serves the blacklist chaincode as a service for Fabric peers. It takes no
flags; the peer's chaincode-as-a-service conventions use the environment:

  CHAINCODE_ID              package ID the peer installed (required)
  CHAINCODE_SERVER_ADDRESS  host:port to listen on (required)
  BLACKLIST_ASSOCIATION     MSP ID of the association (recommended: Init then
                            refuses any other organisation as administrator)
  CHAINCODE_TLS_CERT, CHAINCODE_TLS_KEY, CHAINCODE_TLS_CLIENT_CA
                            PEM files for TLS towards the peers (optional)
  BLACKLIST_CC_PPROF        host:port to serve Go's pprof on, plain HTTP
                            (optional, for profiling; keep it on loopback)
`)
	}
	flag.Parse()
	log := slog.New(slog.NewJSONHandler(os.Stderr, nil))
	if err := run(log); err != nil {
		log.Error("blacklist-cc stopped", "err", err)
		os.Exit(1)
	}
}

func run(log *slog.Logger) error {
	id, addr := os.Getenv("CHAINCODE_ID"), os.Getenv("CHAINCODE_SERVER_ADDRESS")
	if id == "" || addr == "" {
		return fmt.Errorf("CHAINCODE_ID and CHAINCODE_SERVER_ADDRESS must be set (see -help)")
	}
	tls, err := tlsProperties()
	if err != nil {
		return err
	}
	cc, err := fabriccc.New(os.Getenv("BLACKLIST_ASSOCIATION"))
	if err != nil {
		return err
	}
	if a := os.Getenv("BLACKLIST_CC_PPROF"); a != "" {
		go servePprof(log, a)
	}
	srv := &shim.ChaincodeServer{CCID: id, Address: addr, CC: cc, TLSProps: tls}
	log.Info("serving chaincode", "address", addr, "tls", !tls.Disabled, "association", os.Getenv("BLACKLIST_ASSOCIATION"))
	return srv.Start()
}

// servePprof serves the profiling endpoints on their own mux, so nothing
// else is exposed with them.
func servePprof(log *slog.Logger, addr string) {
	mux := http.NewServeMux()
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	mux.HandleFunc("/debug/pprof/symbol", pprof.Symbol)
	mux.HandleFunc("/debug/pprof/trace", pprof.Trace)
	srv := &http.Server{Addr: addr, Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	log.Info("serving pprof", "address", addr)
	if err := srv.ListenAndServe(); err != nil {
		log.Error("pprof server stopped", "err", err)
	}
}

func tlsProperties() (shim.TLSProperties, error) {
	certFile, keyFile := os.Getenv("CHAINCODE_TLS_CERT"), os.Getenv("CHAINCODE_TLS_KEY")
	if certFile == "" && keyFile == "" {
		return shim.TLSProperties{Disabled: true}, nil
	}
	var p shim.TLSProperties
	var err error
	if p.Cert, err = os.ReadFile(certFile); err != nil {
		return p, err
	}
	if p.Key, err = os.ReadFile(keyFile); err != nil {
		return p, err
	}
	if ca := os.Getenv("CHAINCODE_TLS_CLIENT_CA"); ca != "" {
		if p.ClientCACerts, err = os.ReadFile(ca); err != nil {
			return p, err
		}
	}
	return p, nil
}
