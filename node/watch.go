package node

import (
	"context"
	"errors"
	"io"

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
	m, err := alert.Open(alert.Options{DB: n.db, Watchlist: n.watchlist, Ledger: l, Feed: feed, Logf: opts.Logf})
	if err != nil {
		return err
	}
	n.alerts = m
	n.webhooks = webhook.New(webhook.Options{DB: n.db, Alerts: m, MinBackoff: opts.WebhookMinBackoff,
		MaxBackoff: opts.WebhookMaxBackoff, FailingAfter: opts.WebhookFailingAfter, Logf: opts.Logf})
	ctx, cancel := context.WithCancel(context.Background())
	n.stop = cancel
	n.stopped.Add(2)
	go func() { defer n.stopped.Done(); m.Run(ctx) }()
	go func() { defer n.stopped.Done(); _ = n.webhooks.Run(ctx) }()
	return nil
}

// auditWatch records, for client, the listed subjects a watchlist check
// showed: monitoring is a lookup with the purpose "post-loan".
func (n *Node) auditWatch(c *Client) alert.AuditFunc {
	return func(listed []contract.Status, height uint64) error {
		entries := make([]AuditEntry, len(listed))
		for i, s := range listed {
			entries[i] = AuditEntry{Client: c.Name, Member: c.Member, Subject: s.SubjectKey, Purpose: "post-loan",
				Kind: "watch", Listed: s.Listed, ActiveDefaults: s.ActiveDefaults, Height: height}
		}
		return n.audit(entries)
	}
}

// Watch adds subject to the client's member's watchlist with label, and
// returns the already-listed alerts that raised.
func (n *Node) Watch(c *Client, subject, label string) (added bool, raised []alert.Alert, err error) {
	if n.alerts == nil {
		return false, nil, ErrNoLedger
	}
	return n.alerts.Watch(c.Member, subject, label, n.auditWatch(c))
}

// Unwatch removes subject from the member's watchlist.
func (n *Node) Unwatch(c *Client, subject string) (bool, error) {
	return n.watchlist.Delete(c.Member, subject)
}

// Watchlist pages through the member's watchlist.
func (n *Node) Watchlist(c *Client, after string, limit int) ([]watchlist.Entry, string, error) {
	return n.watchlist.List(c.Member, after, limit)
}

// ImportWatchlist adds a stream of NDJSON or CSV lines (subject keys or
// identity numbers) to the member's watchlist.
func (n *Node) ImportWatchlist(c *Client, r io.Reader, format string, progress func(lines int)) (alert.ImportResult, error) {
	if n.alerts == nil {
		return alert.ImportResult{}, ErrNoLedger
	}
	// An import may hold identity numbers, which only the secret turns
	// into keys: refuse it whole rather than reject those lines.
	if n.secret.deriver.Load() == nil {
		return alert.ImportResult{}, n.secret.unavailable()
	}
	return n.alerts.Import(c.Member, r, format, n.SubjectKey, progress, n.auditWatch(c))
}

// Alerts pages through the member's alerts after the id after.
func (n *Node) Alerts(c *Client, after uint64, limit int) ([]alert.Alert, string, error) {
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
func (n *Node) SetWebhook(c *Client, url, secret string) (webhook.Status, error) {
	if n.webhooks == nil {
		return webhook.Status{}, ErrNoLedger
	}
	return n.webhooks.Set(c.Member, url, secret)
}

// Webhook returns the member's webhook status; ok is false without one.
func (n *Node) Webhook(c *Client) (st webhook.Status, ok bool, err error) {
	if n.webhooks == nil {
		return st, false, nil
	}
	return n.webhooks.Status(c.Member)
}

// DeleteWebhook removes the member's webhook.
func (n *Node) DeleteWebhook(c *Client) (bool, error) {
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
