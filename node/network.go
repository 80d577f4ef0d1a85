package node

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

// Network health, as far as the association's node can see it: the
// operations endpoints (/healthz) of its own peer and of the orderers,
// which it is configured with (blacklistd --fabric-ops-endpoints), the
// replica's height against its peer's channel height, and for the other
// organisations, whose peers and nodes it cannot reach, the latest
// transparency-log cosignature each committed to the ledger: an
// organisation's node cosigns the log's head every interval
// (cosign.go), so the size it last cosigned and when are its height and
// its liveness as the ledger shows them.

// OpsEndpoint is the operations service of a Fabric process (peer or
// orderer): plain HTTP /healthz.
type OpsEndpoint struct {
	Name string `json:"name"`
	URL  string `json:"url"`
}

var opsName = regexp.MustCompile(`^[A-Za-z0-9._-]{1,64}$`)

// ParseOpsEndpoints reads NAME=URL items ("orderer0=http://127.0.0.2:7052"):
// a short name, and an http(s) URL with a host and no path, query or
// credentials (the node adds /healthz).
func ParseOpsEndpoints(items []string) ([]OpsEndpoint, error) {
	var out []OpsEndpoint
	for _, it := range items {
		name, raw, ok := strings.Cut(strings.TrimSpace(it), "=")
		if !ok || !opsName.MatchString(name) {
			return nil, fmt.Errorf("operations endpoint %q: want NAME=URL, NAME of letters, digits, '.', '_' or '-'", it)
		}
		u, err := url.Parse(raw)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil ||
			(u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
			return nil, fmt.Errorf("operations endpoint %s: %q is not an http(s)://host:port URL without path", name, raw)
		}
		if slices.ContainsFunc(out, func(e OpsEndpoint) bool { return e.Name == name }) {
			return nil, fmt.Errorf("operations endpoint %s: named twice", name)
		}
		out = append(out, OpsEndpoint{Name: name, URL: strings.TrimSuffix(u.String(), "/")})
	}
	return out, nil
}

// ProcessHealth is what a process's /healthz answered.
type ProcessHealth struct {
	Name string `json:"name"`
	URL  string `json:"url"`
	// OK: 200 with status OK.
	OK bool `json:"ok"`
	// Failed are the components the process reported failing (503).
	Failed []string `json:"failed,omitempty"`
	// Error is why the process could not be asked, or answered
	// something else.
	Error string `json:"error,omitempty"`
}

// OrgCosignature is an organisation's latest cosignature of the
// transparency log found on the ledger.
type OrgCosignature struct {
	MSPID string `json:"mspId"`
	// Size is the log size it cosigned (0: none found since SinceSize).
	Size     int64  `json:"size"`
	SignedAt string `json:"signedAt,omitempty"`
	// Behind is how many entries the node's log is ahead of Size.
	Behind int64 `json:"behind"`
}

// NetworkHealth is the network as the node sees it.
type NetworkHealth struct {
	// Network: the ledger follows a Fabric network, or operations
	// endpoints are configured; false: an embedded ledger, no network.
	Network bool `json:"network"`
	// ReplicaHeight is the node's ledger height; PeerHeight its peer's
	// channel height (fabric mode; 0 when unknown, PeerError why).
	ReplicaHeight uint64 `json:"replicaHeight"`
	PeerHeight    uint64 `json:"peerHeight,omitempty"`
	Lag           uint64 `json:"lag"`
	PeerError     string `json:"peerError,omitempty"`
	// Processes are the configured operations endpoints' answers.
	Processes []ProcessHealth `json:"processes"`
	// LogSize is the node's transparency log size; Organisations each
	// active organisation's latest cosignature, found among those of
	// sizes from SinceSize.
	LogSize       int64            `json:"logSize"`
	SinceSize     int64            `json:"sinceSize"`
	Organisations []OrgCosignature `json:"organisations"`
}

// opsTimeout bounds one /healthz request.
const opsTimeout = 2 * time.Second

// opsClient asks operations endpoints: no redirects followed (a
// configured address answers itself), no proxy.
var opsClient = &http.Client{
	Timeout:       opsTimeout,
	Transport:     &http.Transport{Proxy: nil, MaxIdleConnsPerHost: 1, IdleConnTimeout: time.Minute},
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// channelHeighter is a backend that can ask its peer for the channel's
// height (node/fabric).
type channelHeighter interface {
	ChannelHeight(ctx context.Context) (uint64, error)
}

// NetworkHealth probes the configured operations endpoints, compares the
// replica with its peer and reads each organisation's latest log
// cosignature. Association administrators only (Administer).
func (n *Node) NetworkHealth(ctx context.Context, c *Client) (NetworkHealth, error) {
	if err := n.Authorize(ctx, c, Administer); err != nil {
		return NetworkHealth{}, err
	}
	_, follows := n.ledger.(ledger.Lagging)
	out := NetworkHealth{Network: follows || len(n.opsEndpoints) > 0, ReplicaHeight: n.Height(), Processes: []ProcessHealth{}, Organisations: []OrgCosignature{}}
	if !out.Network {
		return out, nil
	}
	var wg sync.WaitGroup
	out.Processes = make([]ProcessHealth, len(n.opsEndpoints))
	for i, e := range n.opsEndpoints {
		wg.Add(1)
		go func() {
			defer wg.Done()
			out.Processes[i] = probe(ctx, e)
		}()
	}
	if h, ok := n.ledger.(channelHeighter); ok {
		peer, err := h.ChannelHeight(ctx)
		if err != nil {
			out.PeerError = err.Error()
		} else {
			out.PeerHeight = peer
			out.Lag = peer - min(peer, out.ReplicaHeight)
		}
	}
	var err error
	out.LogSize, out.SinceSize, out.Organisations, err = n.latestCosignatures(c.Member)
	wg.Wait()
	if err != nil && !errors.Is(err, ErrNoLog) {
		return out, err
	}
	return out, nil
}

// probe asks e's /healthz. Fabric answers 200 {"status":"OK"} or 503
// with the failing components in failed_checks.
func probe(ctx context.Context, e OpsEndpoint) ProcessHealth {
	p := ProcessHealth{Name: e.Name, URL: e.URL}
	ctx, cancel := context.WithTimeout(ctx, opsTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, e.URL+"/healthz", nil)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	resp, err := opsClient.Do(req)
	if err != nil {
		p.Error = err.Error()
		return p
	}
	defer resp.Body.Close()
	var body struct {
		Status       string `json:"status"`
		FailedChecks []struct {
			Component string `json:"component"`
			Reason    string `json:"reason"`
		} `json:"failed_checks"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<10)).Decode(&body); err != nil {
		p.Error = fmt.Sprintf("HTTP %d, not a health answer", resp.StatusCode)
		return p
	}
	for _, f := range body.FailedChecks {
		p.Failed = append(p.Failed, f.Component+": "+f.Reason)
	}
	p.OK = resp.StatusCode == http.StatusOK && body.Status == "OK"
	if !p.OK && len(p.Failed) == 0 {
		p.Error = fmt.Sprintf("HTTP %d, status %q", resp.StatusCode, body.Status)
	}
	return p
}

// cosignWindow is the first range of log sizes searched for each
// organisation's latest cosignature; it doubles while some active
// organisation has none in it.
const cosignWindow = 4096

// latestCosignatures finds each active organisation's latest
// cosignature of the node's log among the sizes [since, size].
func (n *Node) latestCosignatures(reader string) (size, since int64, orgs []OrgCosignature, err error) {
	if n.tlog == nil {
		return 0, 0, []OrgCosignature{}, ErrNoLog
	}
	size, _ = n.tlog.log.Head()
	q, _, err := evaluate(n, reader, contract.TxCheckpointQuorum, contract.Empty{})
	if err != nil {
		return size, 0, nil, err
	}
	latest := map[string]contract.Cosignature{}
	for w := int64(cosignWindow); ; w *= 2 {
		since = max(1, size-w)
		all, _, err := evaluate(n, reader, contract.TxListCosignatures, contract.ListCosignaturesRequest{MinSize: since, MaxSize: size})
		if err != nil {
			// too many in the range: keep what the narrower one found
			since = max(1, size-w/2)
			break
		}
		for _, cs := range all {
			if cs.Origin == n.tlog.origin && cs.Size >= latest[cs.MSPID].Size {
				latest[cs.MSPID] = cs
			}
		}
		if since == 1 || !slices.ContainsFunc(q.Active, func(m string) bool { _, ok := latest[m]; return !ok }) {
			break
		}
	}
	orgs = []OrgCosignature{}
	for _, m := range q.Active {
		o := OrgCosignature{MSPID: m}
		if cs, ok := latest[m]; ok {
			o.Size, o.SignedAt, o.Behind = cs.Size, cs.SignedAt, size-cs.Size
		} else {
			o.Behind = size - since + 1
		}
		orgs = append(orgs, o)
	}
	return size, since, orgs, nil
}
