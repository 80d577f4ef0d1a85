package node

import (
	"context"
	"errors"
	"io"
	"slices"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/watchlist"
	"github.com/assoc-ledger/blacklist/node/webhook"
)

// ErrNoLedger is returned for watchlist work on a node opened without a
// ledger (client administration).
var ErrNoLedger = errors.New("the node was opened without a ledger")

// startAlerts wires the member watchlists, the alert monitor and the
// webhook dispatcher to the node's store, and starts following the ledger.
func (n *Node) startAlerts(l ledger.Ledger, opts Options) error {
	n.watchlist = watchlist.New(n.db)
	if l == nil {
		return nil
	}
	feed, _ := l.(ledger.Feed)
	m, err := alert.Open(alert.Options{DB: n.db, Watchlist: n.watchlist, Ledger: l, Feed: feed, Logf: opts.Logf,
		Active: n.memberActive, Audit: n.auditAlerts, Plan: n.planAlert})
	if err != nil {
		return err
	}
	n.alerts = m
	n.webhooks = webhook.New(webhook.Options{DB: n.db, Alerts: m, MinBackoff: opts.WebhookMinBackoff,
		MaxBackoff: opts.WebhookMaxBackoff, FailingAfter: opts.WebhookFailingAfter, Destinations: opts.WebhookDestinations,
		Active: n.memberActive, Logf: opts.Logf})
	ctx, cancel := context.WithCancel(context.Background())
	n.stop = cancel
	n.stopped.Add(2)
	go func() { defer n.stopped.Done(); m.Run(ctx) }()
	go func() {
		defer n.stopped.Done()
		// The dispatcher stops only when it cannot start (its stored
		// configurations do not load): nothing would be delivered, so say
		// so in the log and in readiness rather than drop the error.
		if err := n.webhooks.Run(ctx); err != nil && ctx.Err() == nil {
			n.setBackgroundError("webhook delivery stopped: " + err.Error())
			if opts.Logf != nil {
				opts.Logf("webhook delivery stopped: %v", err)
			}
		}
	}()
	return nil
}

// setBackgroundError records a failure of background work for readiness.
func (n *Node) setBackgroundError(msg string) {
	n.bgMu.Lock()
	defer n.bgMu.Unlock()
	n.bgErrors = append(n.bgErrors, msg)
}

// BackgroundErrors lists failures of the node's background work (alert
// derivation, webhook delivery) that stopped it; /readyz reports them.
func (n *Node) BackgroundErrors() []string {
	n.bgMu.Lock()
	defer n.bgMu.Unlock()
	return slices.Clone(n.bgErrors)
}

// auditAlerts records each alert about to be stored for its member: an
// alert reveals a subject's change to the member, like a lookup with the
// purpose post-loan. The client is the monitor, not an API client.
func (n *Node) auditAlerts(alerts []alert.Alert) error {
	entries := make([]AuditEntry, len(alerts))
	for i, a := range alerts {
		entries[i] = AuditEntry{Client: AlertClient, Member: a.Member, Subject: a.SubjectKey, Purpose: "post-loan",
			Kind: AuditAlert, Outcome: OutcomeOK, Listed: a.Kind == alert.KindDefault || a.Kind == alert.KindAlreadyListed, Height: a.Height}
	}
	return n.audit(entries)
}

// AlertClient is the client name of audit entries for alerts the node
// raised on its own (from committed changes), not at a client's request.
const AlertClient = "(alert monitor)"

// auditWatch records, for client, every subject a watchlist check read,
// listed or not: monitoring is a lookup with the purpose "post-loan".
func (n *Node) auditWatch(c *Client) alert.AuditFunc {
	return func(checked []contract.Status, height uint64) error {
		entries := make([]AuditEntry, 0, len(checked))
		for _, s := range checked {
			entries = append(entries, AuditEntry{Client: c.Name, Member: c.Member, Subject: s.SubjectKey, Purpose: "post-loan",
				Kind: AuditWatch, Outcome: OutcomeOK, Listed: s.Listed, ActiveDefaults: s.ActiveDefaults, Height: height})
		}
		return n.audit(entries)
	}
}

// Watch adds subject to the client's member's watchlist with label, and
// returns the already-listed alerts that raised.
func (n *Node) Watch(ctx context.Context, c *Client, subject, label string) (added bool, raised []alert.Alert, err error) {
	if err := n.Authorize(ctx, c, Monitor); err != nil {
		return false, nil, n.auditRefused(c, AuditWatch, "post-loan", []string{subject}, err)
	}
	if n.alerts == nil {
		return false, nil, ErrNoLedger
	}
	return n.alerts.Watch(c.Member, subject, label, n.auditWatch(c))
}

// Unwatch removes subject from the member's watchlist.
func (n *Node) Unwatch(ctx context.Context, c *Client, subject string) (bool, error) {
	if err := n.Authorize(ctx, c, Monitor); err != nil {
		return false, err
	}
	return n.watchlist.Delete(c.Member, subject)
}

// Watchlist pages through the member's watchlist.
func (n *Node) Watchlist(ctx context.Context, c *Client, after string, limit int) ([]watchlist.Entry, string, error) {
	if err := n.Authorize(ctx, c, Monitor); err != nil {
		return nil, "", err
	}
	return n.watchlist.List(c.Member, after, limit)
}

// ImportWatchlist adds a stream of NDJSON or CSV lines (subject keys or
// identity numbers) to the member's watchlist. Every line's subject is
// checked against the ledger and audited (and every raw identity number's
// derivation too), so that importing candidate numbers to learn which are
// listed leaves one entry per number.
func (n *Node) ImportWatchlist(ctx context.Context, c *Client, r io.Reader, format string, progress func(lines int)) (alert.ImportResult, error) {
	if err := n.Authorize(ctx, c, Monitor); err != nil {
		return alert.ImportResult{}, err
	}
	if n.alerts == nil {
		return alert.ImportResult{}, ErrNoLedger
	}
	// An import may hold identity numbers, which only the secret turns
	// into keys: refuse it whole rather than reject those lines.
	if n.secret.deriver.Load() == nil {
		return alert.ImportResult{}, n.secret.unavailable()
	}
	d := n.importDeriver(c) // budgets and audits each identity number
	res, err := n.alerts.Import(c.Member, r, format, d.derive, progress, n.auditWatch(c))
	if ferr := d.finish(); err == nil {
		err = ferr
	}
	return res, err
}

// Alerts pages through the member's alerts after the id after.
func (n *Node) Alerts(ctx context.Context, c *Client, after uint64, limit int) ([]alert.Alert, string, error) {
	if err := n.Authorize(ctx, c, ReadAlerts); err != nil {
		return nil, "", err
	}
	if n.alerts == nil {
		return nil, "", ErrNoLedger
	}
	return n.alerts.List(c.Member, after, limit)
}

// WaitForAlerts blocks until the node has raised an alert beyond after
// (for any member), or ctx ends.
func (n *Node) WaitForAlerts(ctx context.Context, after uint64) error {
	if n.alerts == nil {
		return ErrNoLedger
	}
	return n.alerts.Wait(ctx, after)
}

// LastAlert is the id of the newest alert on the node.
func (n *Node) LastAlert() uint64 {
	if n.alerts == nil {
		return 0
	}
	return n.alerts.Last()
}

// SetWebhook configures the member's webhook.
func (n *Node) SetWebhook(ctx context.Context, c *Client, url, secret string) (webhook.Status, error) {
	if err := n.Authorize(ctx, c, Monitor); err != nil {
		return webhook.Status{}, err
	}
	if n.webhooks == nil {
		return webhook.Status{}, ErrNoLedger
	}
	return n.webhooks.Set(c.Member, url, secret)
}

// Webhook returns the member's webhook status; ok is false without one.
func (n *Node) Webhook(ctx context.Context, c *Client) (st webhook.Status, ok bool, err error) {
	if err := n.Authorize(ctx, c, Monitor); err != nil {
		return st, false, err
	}
	if n.webhooks == nil {
		return st, false, nil
	}
	return n.webhooks.Status(c.Member)
}

// DeleteWebhook removes the member's webhook.
func (n *Node) DeleteWebhook(ctx context.Context, c *Client) (bool, error) {
	if err := n.Authorize(ctx, c, Monitor); err != nil {
		return false, err
	}
	if n.webhooks == nil {
		return false, nil
	}
	return n.webhooks.Delete(c.Member)
}

// WebhookStatuses reports every member's webhook, for readiness and
// metrics.
func (n *Node) WebhookStatuses() ([]webhook.Status, error) {
	if n.webhooks == nil {
		return nil, nil
	}
	return n.webhooks.Statuses()
}
