package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/witness"
)

// A transparency-log witness an agency runs (chaincode/witness): keygen
// makes its key, serve answers C2SP tlog-witness add-checkpoint requests.

func cmdWitness(e *env, args []string) int {
	return e.group("witness", args, []command{
		{"keygen", witnessKeygen},
		{"serve", witnessServe},
	})
}

func witnessKeygen(e *env, args []string) int {
	f := e.flags("witness keygen")
	name := f.String("name", "", "")
	out := f.String("out", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("%s", e.t("cli.publication.noargs"))
	}
	if code, ok := f.required("name", "out"); !ok {
		return code
	}
	skey, vkey, err := witness.GenerateKey(*name)
	if err != nil {
		return e.fail(usagef("%v", err))
	}
	fh, err := os.OpenFile(*out, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return e.fail(usagef("%v", err))
	}
	if _, err := fh.WriteString(skey + "\n"); err != nil {
		fh.Close()
		return e.fail(err)
	}
	if err := fh.Close(); err != nil {
		return e.fail(err)
	}
	fmt.Fprintln(e.stdout, vkey)
	fmt.Fprintln(e.stderr, e.t("cli.witness.key", *out))
	return exitOK
}

// witnessServe serves until interrupted. It listens on loopback unless
// told otherwise.
func witnessServe(e *env, args []string) int {
	f := e.flags("witness serve")
	rootFile := f.String("trust-root", "", "")
	keyFile := f.String("key", "", "")
	stateDir := f.String("state", "", "")
	listen := f.String("listen", "127.0.0.1:7380", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("%s", e.t("cli.publication.noargs"))
	}
	if code, ok := f.required("trust-root", "key", "state"); !ok {
		return code
	}
	rawRoot, err := e.readInput(*rootFile)
	if err != nil {
		return e.fail(err)
	}
	root, err := evidence.DecodeTrustRoot(rawRoot)
	if err != nil {
		return e.fail(usagef("%s", e.t("cli.evidence.unreadable", *rootFile, err)))
	}
	key, err := e.readInput(*keyFile)
	if err != nil {
		return e.fail(err)
	}
	w, err := witness.New(*stateDir, strings.TrimSpace(string(key)), root)
	if err != nil {
		return e.fail(usagef("%v", err))
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return e.fail(usagef("%v", err))
	}
	srv := &http.Server{Handler: w.Handler(), ReadHeaderTimeout: 10 * time.Second}
	fmt.Fprintln(e.stderr, e.t("cli.witness.serving", w.Name(), root.Origin, ln.Addr().String()))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case <-e.ctx.Done():
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		srv.Shutdown(ctx)
		return exitOK
	case err := <-done:
		if errors.Is(err, http.ErrServerClosed) {
			return exitOK
		}
		return e.fail(err)
	}
}
