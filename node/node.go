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
	"github.com/assoc-ledger/blacklist/node/audit"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/stats"
	"github.com/assoc-ledger/blacklist/node/store"
	"github.com/assoc-ledger/blacklist/node/watchlist"
	"github.com/assoc-ledger/blacklist/node/webhook"
	"github.com/assoc-ledger/blacklist/node/webhook/dest"
)

// Node is a member's node over a ledger backend.
type Node struct {
	// ledger is reached only through the node's entry points (Authorize,
	// audit, then a typed contract call): nothing outside the node calls a
	// transaction by name.
	ledger   ledger.Ledger
	statuses statusCache
	db       *badger.DB
	secret   *secretState

	watchlist *watchlist.Watchlist
	alerts    *alert.Monitor
	webhooks  *webhook.Dispatcher
	stop      context.CancelFunc
	stopped   sync.WaitGroup

	mu      sync.RWMutex
	clients map[string]*Client // by key hash
	certs   map[string]string  // certificate fingerprint -> key hash

	bgMu     sync.Mutex
	bgErrors []string

	auditLog   *audit.Log
	anchorMu   sync.Mutex // one anchoring at a time
	anchorStop context.CancelFunc
	anchorDone chan struct{}
	budgetMu   sync.Mutex // serialises budget counters
	budgets    budgetState
	stats      *stats.Counter
	statsStop  context.CancelFunc
	assoc      association
	rules      alertRules
	logf       func(format string, args ...any)

	// The transparency log and its cosigner (cosign.go).
	tlog    *logState
	logStop context.CancelFunc
	logDone sync.WaitGroup
	pools   poolState // pool statistics' recent pools (poolstats.go)

	opsEndpoints []OpsEndpoint // probed for NetworkHealth (network.go)

	// Publications (publish.go): one at a time; the schedule's loop.
	pubMu   sync.Mutex
	pubStop context.CancelFunc
	pubDone sync.WaitGroup
	// pubDiverged is the publication this node refused to cosign (0: none).
	pubDiverged uint64
	// push paces publication pushes to agencies; pushDest is where the
	// node may connect (the webhooks' policy).
	push     pushState
	pushDest *dest.Policy
	// witnesses are the configured log witnesses (witnesses.go).
	witnesses *witnesses
}

// Options tune a node; the zero value is the default.
type Options struct {
	// Webhook bounds webhook retries (see webhook.Options).
	WebhookMinBackoff, WebhookMaxBackoff, WebhookFailingAfter time.Duration
	// WebhookDestinations allows internal webhook receivers (operator's
	// --webhook-allow); nil allows public destinations only.
	WebhookDestinations *dest.Policy
	// Logf reports background errors (alert derivation, webhook
	// delivery); silent when nil.
	Logf func(format string, args ...any)
	// AuditAnchorInterval is how often the node commits its members'
	// audit heads to the ledger when they moved (0: every 10 minutes,
	// negative: only on Close).
	AuditAnchorInterval time.Duration
	// Secret says where the consortium secret comes from (secret.go);
	// the zero value is a single operator's local secret.
	Secret SecretOptions
	// LogCosigners are the organisations whose log keys the node holds
	// and for which it cosigns the transparency log's checkpoints
	// (cosign.go): its own organisation in fabric mode. None: the node
	// keeps the log but cosigns nothing.
	LogCosigners []string
	// LogCosignHeld adds every member whose signing key the node holds
	// (embedded mode: one operator's node acts for them all).
	LogCosignHeld bool
	// LogCheckpointInterval is how often the node cosigns (0: every
	// DefaultLogCheckpointInterval; negative: only when
	// CosignCheckpoints is called).
	LogCheckpointInterval time.Duration
	// StoreTuning sizes the node store's caches and memtables; zero
	// fields keep badger's defaults.
	StoreTuning store.Tuning
	// OpsEndpoints are the operations services (/healthz) of the peer
	// and orderers that NetworkHealth probes (network.go).
	OpsEndpoints []OpsEndpoint
	// PublicationCheck is how often the node looks whether the policy's
	// publication schedule has a publication due (publish.go; 0:
	// DefaultPublicationCheck, negative: never).
	PublicationCheck time.Duration
	// Witnesses are the transparency-log witnesses the node submits its
	// quorum checkpoints to (witnesses.go; the association's node), at
	// WebhookDestinations' policy, every WitnessInterval (0:
	// DefaultLogCheckpointInterval; negative: only when
	// SubmitToWitnesses is called).
	Witnesses       []WitnessConfig
	WitnessInterval time.Duration
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
	db, err := badger.Open(opts.StoreTuning.Apply(badger.DefaultOptions(filepath.Join(dir, "node")).WithLogger(nil).WithSyncWrites(true)))
	if err != nil {
		return nil, fmt.Errorf("open node store: %w", err)
	}
	n := &Node{ledger: l, db: db, secret: secret, clients: map[string]*Client{}, certs: map[string]string{}, pushDest: opts.WebhookDestinations}
	if err := n.loadClients(); err != nil {
		db.Close()
		return nil, err
	}
	if n.auditLog, err = audit.Open(db); err != nil {
		db.Close()
		return nil, err
	}
	n.logf = opts.Logf
	n.opsEndpoints = opts.OpsEndpoints
	if n.logf == nil {
		n.logf = func(string, ...any) {}
	}
	if err := n.startStats(l, opts); err != nil {
		n.Close()
		return nil, err
	}
	if err := n.startAlerts(l, opts); err != nil {
		n.Close()
		return nil, err
	}
	if err := n.startLog(dir, l, opts); err != nil {
		n.Close()
		return nil, err
	}
	if l != nil && n.tlog != nil && opts.PublicationCheck >= 0 {
		every := opts.PublicationCheck
		if every == 0 {
			every = DefaultPublicationCheck
		}
		ctx, cancel := context.WithCancel(context.Background())
		n.pubStop = cancel
		n.pubDone.Add(1)
		go func() { defer n.pubDone.Done(); n.publicationLoop(ctx, every) }()
	}
	if l != nil && opts.AuditAnchorInterval >= 0 {
		every := opts.AuditAnchorInterval
		if every == 0 {
			every = DefaultAuditAnchorInterval
		}
		ctx, cancel := context.WithCancel(context.Background())
		n.anchorStop, n.anchorDone = cancel, make(chan struct{})
		go func() { defer close(n.anchorDone); n.anchorLoop(ctx, every, n.logf) }()
	}
	n.secret.start()
	return n, nil
}

// Close stops alerting, finishes pending audit writes, anchors the audit
// heads that moved (the ledger must still be open; a failure is logged)
// and closes the node's store; the ledger is closed by its owner. No
// request may be in flight.
func (n *Node) Close() error {
	n.secret.close()
	if n.pubStop != nil {
		n.pubStop()
		n.pubDone.Wait()
	}
	if n.statsStop != nil {
		n.statsStop()
	}
	n.stopLog()
	if n.stop != nil {
		n.stop()
	}
	n.stopped.Wait()
	if n.anchorStop != nil {
		n.anchorStop()
		<-n.anchorDone
	}
	n.auditLog.Close()
	if n.ledger != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		if err := n.AnchorAudit(ctx); err != nil {
			n.logf("audit anchoring at shutdown: %v", err)
		}
		cancel()
	}
	return n.db.Close()
}

// Height is the last committed ledger height this node knows.
func (n *Node) Height() uint64 {
	if n.ledger == nil {
		return 0
	}
	return n.ledger.Height()
}

// AuditUnindexed is how many query audit entries the audit log's subject
// index has not reached yet (audit.Log.Unindexed); for the node's metrics.
func (n *Node) AuditUnindexed() (uint64, error) { return n.auditLog.Unindexed() }

// Lag is how many blocks the node's replica is behind its peer; ok is false
// for a ledger that follows no other (embedded).
func (n *Node) Lag(ctx context.Context) (lag uint64, ok bool, err error) {
	lg, ok := n.ledger.(ledger.Lagging)
	if !ok {
		return 0, false, nil
	}
	lag, err = lg.Lag(ctx)
	return lag, true, err
}
