package node

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/watchlist"
	"github.com/assoc-ledger/blacklist/node/webhook"
)

// Node is a member's node over a ledger backend.
type Node struct {
	Ledger ledger.Ledger
	db     *badger.DB
	secret *secretState

	watchlist *watchlist.Watchlist
	alerts    *alert.Monitor
	webhooks  *webhook.Dispatcher
	stop      context.CancelFunc
	stopped   sync.WaitGroup

	mu      sync.RWMutex
	clients map[string]*Client // by key hash
	certs   map[string]string  // certificate fingerprint -> key hash

	// auditHead is owned by the audit writer goroutine.
	auditHead    auditHead
	auditQueue   chan auditRequest
	auditStopped chan struct{}
}

// Options tune a node; the zero value is the default.
type Options struct {
	// Webhook bounds webhook retries (see webhook.Options).
	WebhookMinBackoff, WebhookMaxBackoff, WebhookFailingAfter time.Duration
	// Logf reports background errors (alert derivation, webhook
	// delivery); silent when nil.
	Logf func(format string, args ...any)
	// Secret says where the consortium secret comes from (secret.go);
	// the zero value is a single operator's local secret.
	Secret SecretOptions
}

// Open opens the node's store in dir (creating it and a local consortium
// secret on first use) over the given ledger, with default options.
func Open(dir string, l ledger.Ledger) (*Node, error) { return OpenWith(dir, l, Options{}) }

// OpenWith opens the node's store in dir over l. With a ledger, it starts
// deriving alerts from the ledger's committed changes and delivering them
// to webhooks; without one (client administration), it does neither.
func OpenWith(dir string, l ledger.Ledger, opts Options) (*Node, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	logf := opts.Logf
	if logf == nil {
		logf = func(string, ...any) {}
	}
	secret, err := openSecret(dir, l, opts.Secret, logf)
	if err != nil {
		return nil, err
	}
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(dir, "node")).WithLogger(nil).WithSyncWrites(true))
	if err != nil {
		return nil, fmt.Errorf("open node store: %w", err)
	}
	n := &Node{Ledger: l, db: db, secret: secret, clients: map[string]*Client{}, certs: map[string]string{}}
	if err := n.loadClients(); err != nil {
		db.Close()
		return nil, err
	}
	if err := n.loadAuditHead(); err != nil {
		db.Close()
		return nil, err
	}
	n.auditQueue, n.auditStopped = make(chan auditRequest, 4096), make(chan struct{})
	go n.auditWriter()
	if err := n.startAlerts(l, opts); err != nil {
		n.Close()
		return nil, err
	}
	n.secret.start()
	return n, nil
}

// Close stops alerting, finishes pending audit writes and closes the
// node's store; the ledger is closed by its owner. No request may be in
// flight.
func (n *Node) Close() error {
	n.secret.close()
	if n.stop != nil {
		n.stop()
		n.stopped.Wait()
	}
	close(n.auditQueue)
	<-n.auditStopped
	return n.db.Close()
}
