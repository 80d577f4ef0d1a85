package node

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

// Client roles.
const (
	RoleAdmin    = "admin"
	RoleReporter = "reporter"
	RoleQuerier  = "querier"
	RoleAuditor  = "auditor"
	// RoleAnalyst reads aggregate statistics of a pool of subjects (ABS
	// due diligence) and nothing about any one subject.
	RoleAnalyst = "analyst"
	// RoleAgency is an outside credit agency (issue 14): it reads the
	// association's publications and nothing else (no lookups, no member
	// data, no evidence, no log).
	RoleAgency = "agency"
)

// Client is a bank system or operator that calls the node's API.
type Client struct {
	Name      string   `json:"name"`
	Member    string   `json:"member"`
	Roles     []string `json:"roles"`
	CreatedAt string   `json:"createdAt"`
}

// Has reports whether the client has any of roles.
func (c *Client) Has(roles ...string) bool {
	for _, r := range roles {
		if slices.Contains(c.Roles, r) {
			return true
		}
	}
	return false
}

var clientName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// ErrClientExists is returned when a client name is taken.
var ErrClientExists = errors.New("a client with that name exists")

func keyHash(apiKey string) string {
	sum := sha256.Sum256([]byte(apiKey))
	return hex.EncodeToString(sum[:])
}

// CreateClient registers a client and returns its API key, which is shown
// this once: only its hash is stored.
func (n *Node) CreateClient(name, member string, roles []string) (string, error) {
	if !clientName.MatchString(name) {
		return "", fmt.Errorf("client name %q: use lower-case letters, digits, . _ -", name)
	}
	if member == "" {
		return "", errors.New("client needs a member")
	}
	if len(roles) == 0 {
		return "", errors.New("client needs at least one role")
	}
	for _, r := range roles {
		if r != RoleAdmin && r != RoleReporter && r != RoleQuerier && r != RoleAuditor && r != RoleAnalyst && r != RoleAgency {
			return "", fmt.Errorf("unknown role %q (admin, reporter, querier, auditor, analyst, agency)", r)
		}
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return "", err
	}
	apiKey := "bl_" + base64.RawURLEncoding.EncodeToString(raw)
	c := &Client{Name: name, Member: member, Roles: slices.Sorted(slices.Values(roles)), CreatedAt: time.Now().UTC().Format(time.RFC3339)}
	b, _ := json.Marshal(c)
	h := keyHash(apiKey)
	err := n.db.Update(func(txn *badger.Txn) error {
		if exists, err := store.Has(txn, store.ClientNames.Key(name)); err != nil {
			return err
		} else if exists {
			return ErrClientExists
		}
		if err := txn.Set(store.ClientNames.Key(name), []byte(h)); err != nil {
			return err
		}
		return txn.Set(store.Clients.Key(h), b)
	})
	if err != nil {
		return "", err
	}
	n.mu.Lock()
	n.clients[h] = c
	n.mu.Unlock()
	return apiKey, nil
}

// DeleteClient removes a client and invalidates its API key; deleting a
// client that does not exist does nothing.
func (n *Node) DeleteClient(name string) error {
	var h string
	err := n.db.Update(func(txn *badger.Txn) error {
		var v []byte
		if found, err := store.Get(txn, store.ClientNames.Key(name), store.Copy(&v)); err != nil || !found {
			return err
		}
		h = string(v)
		if err := txn.Delete(store.ClientNames.Key(name)); err != nil {
			return err
		}
		return txn.Delete(store.Clients.Key(h))
	})
	if err == nil && h != "" {
		n.mu.Lock()
		delete(n.clients, h)
		n.mu.Unlock()
	}
	return err
}

// BindCertificate lets client name authenticate with a TLS client
// certificate instead of its API key (mutual TLS). The certificate is
// identified by the SHA-256 of its DER encoding; the TLS layer has already
// checked it against the client CA.
func (n *Node) BindCertificate(name string, certDER []byte) error {
	fp := keyHash(string(certDER))
	var h string
	err := n.db.Update(func(txn *badger.Txn) error {
		var v []byte
		if found, err := store.Get(txn, store.ClientNames.Key(name), store.Copy(&v)); err != nil {
			return err
		} else if !found {
			return fmt.Errorf("no client %q", name)
		}
		h = string(v)
		return txn.Set(store.ClientCerts.Key(fp), v)
	})
	if err != nil {
		return err
	}
	n.mu.Lock()
	n.certs[fp] = h
	n.mu.Unlock()
	return nil
}

// AuthenticateCertificate finds the client a verified TLS client
// certificate was bound to.
func (n *Node) AuthenticateCertificate(certDER []byte) (*Client, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	c, ok := n.clients[n.certs[keyHash(string(certDER))]]
	return c, ok
}

// Authenticate finds the client an API key belongs to.
func (n *Node) Authenticate(apiKey string) (*Client, bool) {
	n.mu.RLock()
	defer n.mu.RUnlock()
	c, ok := n.clients[keyHash(apiKey)]
	return c, ok
}

// Clients lists the registered clients by name.
func (n *Node) Clients() []Client {
	n.mu.RLock()
	defer n.mu.RUnlock()
	out := make([]Client, 0, len(n.clients))
	for _, c := range n.clients {
		out = append(out, *c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func (n *Node) loadClients() error {
	return n.db.View(func(txn *badger.Txn) error {
		err := store.Scan(txn, store.ClientCerts.Bytes(), nil, func(fp, h []byte) error {
			n.certs[string(fp)] = string(h)
			return nil
		})
		if err != nil {
			return err
		}
		return store.ScanJSON(txn, store.Clients.Bytes(), nil, func(h []byte, c Client) error {
			n.clients[string(h)] = &c
			return nil
		})
	})
}
