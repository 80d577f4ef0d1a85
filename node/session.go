package node

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/store"
)

// Web console sessions (package gateway/console). A person signs in with
// an API client's key once; the console then holds a session token in a
// cookie instead of the key. The node keeps sessions in its store, keyed by
// the token's hash (as API keys are), so a stolen copy of the store holds
// no usable token, and signing out deletes the session on the server: the
// cookie alone is worth nothing afterwards. A session names its client by
// the client's key hash, so deleting the client ends its sessions too.

// Session is a signed-in console user's session.
type Session struct {
	// ClientHash is the SHA-256 of the client's API key: what the node
	// finds the client by.
	ClientHash string `json:"client"`
	// CSRF is the synchronizer token every form of the session carries.
	CSRF string `json:"csrf"`
	// Expires is when the session ends by itself.
	Expires time.Time `json:"expires"`
}

// ErrNoSession is returned for a token with no live session.
var ErrNoSession = errors.New("no such session")

func randomToken() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// StartSession signs a client in by its API key: it returns a new session
// token (shown once, stored only hashed) and the session, which lasts ttl.
// An unknown key gives ok == false.
func (n *Node) StartSession(apiKey string, ttl time.Duration) (token string, s Session, c *Client, ok bool, err error) {
	c, ok = n.Authenticate(apiKey)
	if !ok {
		return "", Session{}, nil, false, nil
	}
	if token, err = randomToken(); err != nil {
		return "", Session{}, nil, false, err
	}
	csrf, err := randomToken()
	if err != nil {
		return "", Session{}, nil, false, err
	}
	s = Session{ClientHash: keyHash(apiKey), CSRF: csrf, Expires: time.Now().Add(ttl).UTC()}
	b, _ := json.Marshal(s)
	err = n.db.Update(func(txn *badger.Txn) error {
		return txn.SetEntry(badger.NewEntry(store.ConsoleSessions.Key(keyHash(token)), b).WithTTL(ttl))
	})
	if err != nil {
		return "", Session{}, nil, false, err
	}
	return token, s, c, true, nil
}

// SessionOf finds the live session of token and its client. An expired
// session, or one whose client was deleted, is no session.
func (n *Node) SessionOf(token string) (Session, *Client, error) {
	var s Session
	if token == "" {
		return s, nil, ErrNoSession
	}
	var found bool
	err := n.db.View(func(txn *badger.Txn) (err error) {
		found, err = store.Get(txn, store.ConsoleSessions.Key(keyHash(token)), store.JSON(&s))
		return err
	})
	if err != nil {
		return s, nil, err
	}
	if !found || !time.Now().Before(s.Expires) {
		return Session{}, nil, ErrNoSession
	}
	n.mu.RLock()
	c, ok := n.clients[s.ClientHash]
	n.mu.RUnlock()
	if !ok {
		return Session{}, nil, ErrNoSession
	}
	return s, c, nil
}

// CheckCSRF reports whether got is the session's CSRF token, in constant
// time.
func (s Session) CheckCSRF(got string) bool {
	return s.CSRF != "" && subtle.ConstantTimeCompare([]byte(s.CSRF), []byte(got)) == 1
}

// EndSession deletes token's session (signing out); ending one that does
// not exist does nothing.
func (n *Node) EndSession(token string) error {
	if token == "" {
		return nil
	}
	return n.db.Update(func(txn *badger.Txn) error {
		return txn.Delete(store.ConsoleSessions.Key(keyHash(token)))
	})
}
