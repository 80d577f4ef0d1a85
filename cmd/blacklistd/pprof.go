//go:build pprof

// Built only with -tags pprof: serves net/http/pprof on the loopback
// address in BLACKLISTD_PPROF (e.g. 127.0.0.1:6060), for profiling the
// server under load (docs/benchmarks.md, "HTTP gateway"). Release builds
// have no such listener.
package main

import (
	"net/http"
	_ "net/http/pprof"
	"os"
	"runtime"
)

func init() {
	addr := os.Getenv("BLACKLISTD_PPROF")
	if addr == "" {
		return
	}
	runtime.SetBlockProfileRate(10000)
	runtime.SetMutexProfileFraction(10)
	go func() { _ = http.ListenAndServe(addr, nil) }()
}
