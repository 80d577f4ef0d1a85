// Package dest decides where a node may send a member's webhook: the
// defence against a member using the node to reach what only the node can
// reach (server-side request forgery).
//
// A destination is an absolute http or https URL with no credentials and
// no fragment whose host is a public address, or a name none of whose
// addresses is internal. Internal means loopback, private (RFC 1918,
// unique-local fc00::/7), shared (100.64.0.0/10), link-local (which holds
// the cloud metadata service 169.254.169.254), multicast, unspecified,
// broadcast and reserved, also when written as an IPv4-mapped or NAT64
// IPv6 address. Hosts spelled as numbers other than a dotted quad
// (0x7f000001, 2130706433, 0177.0.0.1, 127.1) are refused outright: some
// resolvers read them as addresses, and no real name looks like that.
//
// The URL is checked when the member sets it (CheckURL) and the address is
// checked again on every connection (Policy.Client's dialer), on the IP
// actually dialled: a name that resolved to a public address when it was
// set and resolves to 127.0.0.1 later (DNS rebinding) is refused then.
//
// The operator can allow given networks or host names (Allow), for
// receivers on the bank's own network and for tests; nothing is allowed by
// default.
package dest

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"
	"syscall"
	"time"
)

// ErrRefused is matched by every refusal of a destination.
var ErrRefused = errors.New("webhook destination refused")

// RefusedError says why a destination is refused, in words that can be
// shown to the member: it names the kind of address, never an address a
// name resolved to.
type RefusedError struct{ Reason string }

func (e *RefusedError) Error() string { return "webhook destination refused: " + e.Reason }

// Is makes errors.Is(err, ErrRefused) hold.
func (e *RefusedError) Is(target error) bool { return target == ErrRefused }

func refused(format string, args ...any) error {
	return &RefusedError{Reason: fmt.Sprintf(format, args...)}
}

// Resolver looks names up; *net.Resolver is one.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// Policy is the destinations allowed beyond the public internet. The nil
// Policy allows none.
type Policy struct {
	nets  []netip.Prefix
	hosts map[string]bool
	// Resolver looks up names for CheckURL (default net.DefaultResolver).
	Resolver Resolver
}

// Allow returns a policy that also allows the given entries: networks in
// CIDR notation ("10.20.0.0/16", "fd12::/48"), single addresses
// ("127.0.0.1", "::1") or host names ("receiver.bank1.internal"), whose
// addresses are then not checked. Each entry may be a comma-separated
// list.
func Allow(entries ...string) (*Policy, error) {
	p := &Policy{hosts: map[string]bool{}}
	for _, e := range entries {
		for _, s := range strings.Split(e, ",") {
			s = strings.TrimSpace(s)
			switch {
			case s == "":
				continue
			case strings.Contains(s, "/"):
				pfx, err := netip.ParsePrefix(s)
				if err != nil {
					return nil, fmt.Errorf("webhook allowance %q: %w", s, err)
				}
				p.nets = append(p.nets, pfx.Masked())
			default:
				if a, err := netip.ParseAddr(strings.Trim(s, "[]")); err == nil {
					a = a.Unmap()
					p.nets = append(p.nets, netip.PrefixFrom(a, a.BitLen()))
					continue
				}
				h := strings.ToLower(strings.TrimSuffix(s, "."))
				if !validName(h) || numericName(h) {
					return nil, fmt.Errorf("webhook allowance %q: not a CIDR, an address or a host name", s)
				}
				p.hosts[h] = true
			}
		}
	}
	return p, nil
}

// String lists the allowances, for logs.
func (p *Policy) String() string {
	if p == nil || (len(p.nets) == 0 && len(p.hosts) == 0) {
		return "public destinations only"
	}
	var out []string
	for _, n := range p.nets {
		out = append(out, n.String())
	}
	for h := range p.hosts {
		out = append(out, h)
	}
	return "public destinations and " + strings.Join(out, ", ")
}

// CheckURL parses raw and refuses it unless it is an allowed destination.
// A name is resolved and every address it has now must be allowed; a name
// that does not resolve now is accepted (a receiver may not exist yet):
// the check at connect time applies anyway.
func (p *Policy) CheckURL(ctx context.Context, raw string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, refused("not a URL")
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, refused("the scheme must be http or https")
	}
	if u.User != nil {
		return nil, refused("credentials in the URL are not allowed; the signature authenticates the node")
	}
	if u.Fragment != "" || strings.Contains(raw, "#") {
		return nil, refused("a fragment is not allowed")
	}
	if u.Opaque != "" || u.Host == "" {
		return nil, refused("the URL must be absolute, with a host")
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if strings.Contains(host, "%") {
		return nil, refused("an IPv6 zone is not allowed")
	}
	if a, err := netip.ParseAddr(host); err == nil {
		return u, p.checkAddr(host, a)
	}
	if !validName(host) {
		return nil, refused("the host is not a valid name")
	}
	if numericName(host) {
		return nil, refused("a numeric host must be written as a dotted-quad IPv4 or a bracketed IPv6 address")
	}
	if p.hostAllowed(host) {
		return u, nil
	}
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return nil, refused("the host is a loopback name")
	}
	r := p.resolver()
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	addrs, err := r.LookupNetIP(ctx, "ip", host)
	if err != nil {
		return u, nil
	}
	for _, a := range addrs {
		if err := p.checkAddr(host, a); err != nil {
			return nil, refused("the host resolves to an address that is not public")
		}
	}
	return u, nil
}

func (p *Policy) resolver() Resolver {
	if p != nil && p.Resolver != nil {
		return p.Resolver
	}
	return net.DefaultResolver
}

func (p *Policy) hostAllowed(host string) bool {
	return p != nil && p.hosts[host]
}

// checkAddr refuses a an internal address that no allowance covers.
func (p *Policy) checkAddr(host string, a netip.Addr) error {
	if a.Zone() != "" {
		return refused("an IPv6 zone is not allowed")
	}
	a = a.Unmap()
	if p != nil {
		for _, n := range p.nets {
			if n.Contains(a) {
				return nil
			}
		}
	}
	if kind := Internal(a); kind != "" {
		return refused("%s is a %s address", host, kind)
	}
	return nil
}

// reserved are the internal ranges netip's predicates do not name.
var reserved = []struct {
	pfx  netip.Prefix
	kind string
}{
	{netip.MustParsePrefix("0.0.0.0/8"), "this-network"},
	{netip.MustParsePrefix("100.64.0.0/10"), "shared (CGNAT)"},
	{netip.MustParsePrefix("192.0.0.0/24"), "protocol-assignment"},
	{netip.MustParsePrefix("198.18.0.0/15"), "benchmarking"},
	{netip.MustParsePrefix("240.0.0.0/4"), "reserved or broadcast"},
	{netip.MustParsePrefix("::/96"), "IPv4-compatible"},
	{netip.MustParsePrefix("64:ff9b::/96"), "NAT64"},
	{netip.MustParsePrefix("64:ff9b:1::/48"), "NAT64"},
	{netip.MustParsePrefix("2002::/16"), "6to4"},
	{netip.MustParsePrefix("fec0::/10"), "site-local"},
}

// Internal names the kind of a that makes it internal, or returns "" for
// a public address. IPv4-mapped IPv6 addresses are judged as IPv4.
func Internal(a netip.Addr) string {
	a = a.Unmap()
	switch {
	case !a.IsValid():
		return "invalid"
	case a.IsUnspecified():
		return "unspecified"
	case a.IsLoopback():
		return "loopback"
	case a.IsPrivate():
		return "private"
	case a.IsLinkLocalUnicast():
		return "link-local"
	case a.IsMulticast():
		return "multicast"
	}
	for _, r := range reserved {
		if r.pfx.Contains(a) {
			return r.kind
		}
	}
	return ""
}

// validName accepts a DNS host name: dot-separated labels of letters,
// digits, hyphens and underscores.
func validName(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for _, l := range strings.Split(h, ".") {
		if l == "" || len(l) > 63 {
			return false
		}
		for _, c := range l {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
}

// numericName reports a name that a C resolver (inet_aton) may read as an
// address: its last label is a number (decimal, octal or 0x hex). No
// top-level domain is numeric.
func numericName(h string) bool {
	labels := strings.Split(h, ".")
	last := labels[len(labels)-1]
	if strings.HasPrefix(last, "0x") {
		return true
	}
	for _, c := range last {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// Client returns the HTTP client for webhook deliveries: every connection
// is checked against p on the address dialled, no proxy is taken from the
// environment (a proxy would dial for us, unchecked), and redirects are
// not followed: the 3xx answer is returned as it is.
func (p *Policy) Client(timeout time.Duration) *http.Client {
	t := &http.Transport{
		Proxy:                 nil,
		DialContext:           p.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   2,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	return &http.Client{
		Transport:     t,
		Timeout:       timeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// DialContext dials addr ("host:port") refusing, just before each connect,
// an address p does not allow. A host name the operator allowed may
// connect to any of its addresses.
func (p *Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	d := &net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}
	if !p.hostAllowed(host) {
		d.ControlContext = func(_ context.Context, _, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return refused("the address dialled is not an IP address")
			}
			return p.checkAddr(host, ap.Addr())
		}
	}
	return d.DialContext(ctx, network, addr)
}
