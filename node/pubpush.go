package node

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/store"
	"github.com/assoc-ledger/blacklist/node/webhook"
)

// Push delivery of publications to agencies (issue 14): an agency's client
// registers an endpoint; the node POSTs a notice of each new publication
// to it (number, header, digest, signers, the signed note, where to fetch
// it), signed like webhooks (webhook.SignatureHeader, HMAC-SHA256 with the
// agency's secret), at least once and in order: the agency's cursor moves
// only after a 2xx. Destinations are checked as webhooks' are (public
// addresses unless the operator allows more, at registration and on every
// connect); a failing endpoint is retried with internal/backoff's pacing
// on the publication loop's ticks. The notice is small: the agency fetches
// the file itself (GET /v1/publications/{n}) and verifies it.

// PublicationEndpoint is what the node tells an agency about its endpoint;
// never the secret.
type PublicationEndpoint struct {
	Client string `json:"client"`
	URL    string `json:"url"`
	// Delivered is the number of the last publication acknowledged.
	Delivered uint64 `json:"delivered"`
	// LastError is the class of the last failure (webhook.Class*).
	LastError   string `json:"lastError,omitempty"`
	LastSuccess string `json:"lastSuccess,omitempty"`
	CreatedAt   string `json:"createdAt"`
}

type pushConfig struct {
	URL       string `json:"url"`
	Secret    string `json:"secret"`
	CreatedAt string `json:"createdAt"`
}

// pushState is the in-memory pacing of each endpoint.
type pushState struct {
	mu    sync.Mutex
	byKey map[string]*pushEndpoint
}

type pushEndpoint struct {
	mu          sync.Mutex
	bo          *backoff.Backoff
	next        time.Time
	lastError   string
	lastSuccess string
}

func (s *pushState) of(client string) *pushEndpoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byKey == nil {
		s.byKey = map[string]*pushEndpoint{}
	}
	e := s.byKey[client]
	if e == nil {
		e = &pushEndpoint{bo: backoff.New(time.Second, 30*time.Minute)}
		s.byKey[client] = e
	}
	return e
}

func (n *Node) agencyOnly(ctx context.Context, c *Client) error {
	if err := n.Authorize(ctx, c, ReadPublications); err != nil {
		return err
	}
	if !c.Has(RoleAgency) {
		return forbidden("only an agency's client has a publication endpoint; client %s has %v", c.Name, c.Roles)
	}
	return nil
}

// SetPublicationEndpoint registers (or replaces) the agency client's push
// endpoint. A first endpoint starts after the publications made so far.
func (n *Node) SetPublicationEndpoint(ctx context.Context, c *Client, rawURL, secret string) (PublicationEndpoint, error) {
	if err := n.agencyOnly(ctx, c); err != nil {
		return PublicationEndpoint{}, err
	}
	cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	u, err := n.pushDest.CheckURL(cctx, rawURL)
	cancel()
	if err != nil {
		return PublicationEndpoint{}, fmt.Errorf("%w: %w", webhook.ErrInvalid, err)
	}
	if len(secret) < webhook.MinSecret {
		return PublicationEndpoint{}, fmt.Errorf("%w: secret must be at least %d bytes", webhook.ErrInvalid, webhook.MinSecret)
	}
	cfg := pushConfig{URL: u.String(), Secret: secret, CreatedAt: time.Now().UTC().Format(time.RFC3339)}
	b, _ := json.Marshal(cfg)
	var last uint64
	if err := n.db.View(func(txn *badger.Txn) error {
		sp, have, err := n.lastPublication(txn)
		if have {
			last = sp.Header.Number
		}
		return err
	}); err != nil {
		return PublicationEndpoint{}, err
	}
	err = n.db.Update(func(txn *badger.Txn) error {
		if has, err := store.Has(txn, store.PublicationPushCursors.Key(c.Name)); err != nil {
			return err
		} else if !has {
			if err := txn.Set(store.PublicationPushCursors.Key(c.Name), store.Uint64Bytes(last)); err != nil {
				return err
			}
		}
		return txn.Set(store.PublicationPushes.Key(c.Name), b)
	})
	if err != nil {
		return PublicationEndpoint{}, err
	}
	st, _, err := n.pushStatus(c.Name)
	return st, err
}

// PublicationEndpointStatus is the agency client's endpoint; ok is false
// without one.
func (n *Node) PublicationEndpointStatus(ctx context.Context, c *Client) (PublicationEndpoint, bool, error) {
	if err := n.agencyOnly(ctx, c); err != nil {
		return PublicationEndpoint{}, false, err
	}
	return n.pushStatus(c.Name)
}

// DeletePublicationEndpoint removes the agency client's endpoint and its
// cursor.
func (n *Node) DeletePublicationEndpoint(ctx context.Context, c *Client) (bool, error) {
	if err := n.agencyOnly(ctx, c); err != nil {
		return false, err
	}
	removed := false
	err := n.db.Update(func(txn *badger.Txn) error {
		has, err := store.Has(txn, store.PublicationPushes.Key(c.Name))
		if err != nil || !has {
			return err
		}
		removed = true
		if err := txn.Delete(store.PublicationPushes.Key(c.Name)); err != nil {
			return err
		}
		return txn.Delete(store.PublicationPushCursors.Key(c.Name))
	})
	return removed, err
}

func (n *Node) pushStatus(client string) (PublicationEndpoint, bool, error) {
	var cfg pushConfig
	var cursor uint64
	var found bool
	err := n.db.View(func(txn *badger.Txn) error {
		var err error
		if found, err = store.Get(txn, store.PublicationPushes.Key(client), store.JSON(&cfg)); err != nil || !found {
			return err
		}
		_, err = store.Get(txn, store.PublicationPushCursors.Key(client), store.Uint64(&cursor))
		return err
	})
	if err != nil || !found {
		return PublicationEndpoint{}, false, err
	}
	e := n.push.of(client)
	e.mu.Lock()
	defer e.mu.Unlock()
	return PublicationEndpoint{Client: client, URL: cfg.URL, Delivered: cursor, LastError: e.lastError, LastSuccess: e.lastSuccess, CreatedAt: cfg.CreatedAt}, true, nil
}

// publicationNotice is what an agency's endpoint receives.
type publicationNotice struct {
	Number  uint64   `json:"number"`
	Digest  string   `json:"digest"`
	Signers []string `json:"signers"`
	// Header and Note are the header and its signed note; Full and Diff
	// are where to fetch the file.
	Header json.RawMessage `json:"header"`
	Note   string          `json:"note"`
	Full   string          `json:"full"`
	Diff   string          `json:"diff"`
}

// PushPublications delivers, to every registered endpoint whose pacing
// allows it now, the recorded publications after its cursor, in order.
func (n *Node) PushPublications(ctx context.Context) error {
	var clients []string
	if err := n.db.View(func(txn *badger.Txn) error {
		return store.ScanKeys(txn, store.PublicationPushes.Bytes(), nil, func(rest []byte) error {
			clients = append(clients, string(rest))
			return nil
		})
	}); err != nil {
		return err
	}
	for _, name := range clients {
		e := n.push.of(name)
		e.mu.Lock()
		due := !time.Now().Before(e.next)
		e.mu.Unlock()
		if !due {
			continue
		}
		if err := n.pushTo(ctx, name, e); err != nil && ctx.Err() == nil {
			class := webhook.Classify(err)
			e.mu.Lock()
			e.lastError = class
			wait := e.bo.Next()
			e.next = time.Now().Add(wait)
			e.mu.Unlock()
			n.logf("publication push to %s: %s: %v; next attempt in %s", name, class, err, wait)
		}
	}
	return nil
}

func (n *Node) pushTo(ctx context.Context, name string, e *pushEndpoint) error {
	var cfg pushConfig
	var cursor uint64
	found := false
	if err := n.db.View(func(txn *badger.Txn) error {
		var err error
		if found, err = store.Get(txn, store.PublicationPushes.Key(name), store.JSON(&cfg)); err != nil || !found {
			return err
		}
		_, err = store.Get(txn, store.PublicationPushCursors.Key(name), store.Uint64(&cursor))
		return err
	}); err != nil || !found {
		return err
	}
	// The agency's client is checked like a request: a suspended member's
	// agency gets nothing.
	n.mu.Lock()
	var client *Client
	for _, c := range n.clients {
		if c.Name == name {
			client = c
		}
	}
	n.mu.Unlock()
	if client == nil {
		return nil
	}
	if err := n.agencyOnly(ctx, client); err != nil {
		return nil
	}
	httpc := n.pushDest.Client(10 * time.Second)
	for num := cursor + 1; ; num++ {
		var sp StoredPublication
		found, err := store.View(n.db, pubKey(store.PublicationHeads, num), store.JSON(&sp))
		if err != nil {
			return err
		}
		if !found || !sp.Recorded {
			return nil
		}
		note, signers, err := n.cosignedNote(client.Member, sp)
		if err != nil {
			return err
		}
		hdr, _ := json.Marshal(sp.Header)
		s := strconv.FormatUint(num, 10)
		body, _ := json.Marshal(publicationNotice{Number: num, Digest: sp.Header.DigestString(), Signers: signers, Header: hdr, Note: note,
			Full: "/v1/publications/" + s, Diff: "/v1/publications/" + s + "?view=diff"})
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, cfg.URL, bytes.NewReader(body))
		if err != nil {
			return err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "blacklistd-publication/1")
		req.Header.Set("X-Publication-Number", s)
		req.Header.Set(webhook.SignatureHeader, webhook.Sign([]byte(cfg.Secret), time.Now(), body))
		resp, err := httpc.Do(req)
		if err != nil {
			return err
		}
		_, _ = io.CopyN(io.Discard, resp.Body, 4096)
		resp.Body.Close()
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return webhook.StatusError(resp.StatusCode)
		}
		if err := n.db.Update(func(txn *badger.Txn) error {
			return txn.Set(store.PublicationPushCursors.Key(name), store.Uint64Bytes(num))
		}); err != nil {
			return err // delivered again later: at least once
		}
		e.mu.Lock()
		e.bo.Reset()
		e.lastError, e.lastSuccess, e.next = "", time.Now().UTC().Format(time.RFC3339), time.Time{}
		e.mu.Unlock()
	}
}
