package dest_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/assoc-ledger/blacklist/node/webhook/dest"
)

// names is a resolver in memory.
type names map[string][]string

func (n names) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	addrs, ok := n[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, a := range addrs {
		out = append(out, netip.MustParseAddr(a))
	}
	return out, nil
}

func TestCheckURLResolvesNames(t *testing.T) {
	r := names{
		"alerts.bank1.example":    {"203.0.113.10"},
		"internal.bank1.example":  {"10.0.0.5"},
		"mixed.example":           {"203.0.113.11", "127.0.0.1"},
		"mapped.example":          {"::ffff:169.254.169.254"},
		"receiver.bank1.internal": {"10.9.0.1"},
	}
	strict := &dest.Policy{Resolver: r}
	allowed, err := dest.Allow("receiver.bank1.internal", "192.168.50.0/24,fd12::/48")
	if err != nil {
		t.Fatal(err)
	}
	allowed.Resolver = r
	for _, c := range []struct {
		p     *dest.Policy
		url   string
		allow bool
	}{
		{strict, "https://alerts.bank1.example/hook", true},
		{strict, "https://ALERTS.bank1.example./hook", true},
		{strict, "https://unknown.example/hook", true}, // checked when connecting
		{strict, "https://internal.bank1.example/hook", false},
		{strict, "https://mixed.example/hook", false},
		{strict, "https://mapped.example/hook", false},
		{strict, "https://receiver.bank1.internal/hook", false},
		{allowed, "https://receiver.bank1.internal/hook", true},
		{allowed, "https://internal.bank1.example/hook", false},
		{allowed, "http://192.168.50.7:8080/hook", true},
		{allowed, "http://[fd12::7]/hook", true},
		{allowed, "http://192.168.51.7/hook", false},
		{allowed, "http://127.0.0.1/hook", false},
		{nil, "https://203.0.113.7/hook", true},
		{nil, "http://[::ffff:10.0.0.1]/", false},
	} {
		_, err := c.p.CheckURL(context.Background(), c.url)
		if c.allow && err != nil || !c.allow && !errors.Is(err, dest.ErrRefused) {
			t.Errorf("%s (%v): %v", c.url, c.p, err)
		}
		// A refusal never shows what a name resolved to.
		if err != nil && strings.Contains(err.Error(), "10.0.0.5") {
			t.Errorf("%s: the refusal shows the address: %v", c.url, err)
		}
	}
}

func TestAllowRefusesBadEntries(t *testing.T) {
	for _, e := range []string{"10.0.0.0/33", "not a host", "0x7f000001", "2130706433", "a..b"} {
		if _, err := dest.Allow(e); err == nil {
			t.Errorf("allowance %q accepted", e)
		}
	}
}

// TestDialChecksTheAddress: the connection itself is refused, whatever URL
// or name led to it.
func TestDialChecksTheAddress(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) }))
	defer srv.Close()
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	var strict *dest.Policy
	for _, u := range []string{srv.URL, "http://localhost" + port} {
		_, err := strict.Client(0).Get(u)
		if !errors.Is(err, dest.ErrRefused) {
			t.Errorf("%s: %v", u, err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("the server got %d requests", n)
	}
	allowed, _ := dest.Allow("127.0.0.1")
	resp, err := allowed.Client(0).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if n := hits.Load(); n != 1 {
		t.Fatalf("allowed: %d requests", n)
	}
}

func TestInternal(t *testing.T) {
	for a, want := range map[string]string{
		"8.8.8.8": "", "2606:4700::1111": "", "127.0.0.1": "loopback", "::1": "loopback",
		"10.0.0.1": "private", "172.31.255.255": "private", "192.168.0.1": "private", "fd00::1": "private",
		"100.64.0.1": "shared (CGNAT)", "169.254.169.254": "link-local", "fe80::1": "link-local",
		"224.0.0.1": "multicast", "ff02::1": "multicast", "0.0.0.0": "unspecified", "::": "unspecified",
		"255.255.255.255": "reserved or broadcast", "::ffff:127.0.0.1": "loopback", "64:ff9b::a9fe:a9fe": "NAT64",
	} {
		if got := dest.Internal(netip.MustParseAddr(a)); got != want {
			t.Errorf("%s: %q, want %q", a, got, want)
		}
	}
}
