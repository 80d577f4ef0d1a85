package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"strconv"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/watchlist"
)

// Watchlist and alert limits.
const (
	MaxPage = 1000
	// importReadWindow is how long an import may go without the client
	// sending more: a million-line upload outlasts the server's read
	// timeout, a stalled one does not hold the connection for ever.
	importReadWindow = time.Minute
	// sseKeepAlive is how often an idle alert stream sends a comment, so
	// that proxies do not close it.
	sseKeepAlive = 15 * time.Second
)

type watchRequest struct {
	Label string `json:"label"`
}

type watchResponse struct {
	Entry  watchlist.Entry `json:"entry"`
	Added  bool            `json:"added"`
	Alerts []alert.Alert   `json:"alerts"`
}

// watch adds a subject to the member's watchlist; 201 when it is new.
func (s *server) watch(c *gin.Context) {
	var req watchRequest
	if c.Request.ContentLength != 0 && !bind(c, &req) {
		return
	}
	subject := c.Param("key")
	added, raised, err := s.node.Watch(c.Request.Context(), client(c), subject, req.Label)
	if err != nil {
		failErr(c, err)
		return
	}
	status := http.StatusOK
	if added {
		status = http.StatusCreated
	}
	if raised == nil {
		raised = []alert.Alert{}
	}
	c.JSON(status, watchResponse{Entry: watchlist.Entry{SubjectKey: subject, Label: req.Label}, Added: added, Alerts: raised})
}

func (s *server) unwatch(c *gin.Context) {
	removed, err := s.node.Unwatch(c.Request.Context(), client(c), c.Param("key"))
	if err != nil {
		failErr(c, err)
		return
	}
	if !removed {
		failMsg(c, contract.CodeNotFound, "watch.notwatched")
		return
	}
	c.Status(http.StatusNoContent)
}

// page reads ?limit (default and maximum MaxPage).
func page(c *gin.Context) (int, bool) {
	limit := MaxPage
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > MaxPage {
			fail(c, contract.CodeInvalidArgument, fmt.Sprintf("limit: a number from 1 to %d", MaxPage))
			return 0, false
		}
		limit = n
	}
	return limit, true
}

type watchlistPage struct {
	Entries []watchlist.Entry `json:"entries"`
	Next    *string           `json:"next"`
}

func (s *server) listWatchlist(c *gin.Context) {
	limit, ok := page(c)
	if !ok {
		return
	}
	after := c.Query("after")
	if after != "" {
		if err := watchlist.Check(after, ""); err != nil {
			fail(c, contract.CodeInvalidArgument, "after: "+err.Error())
			return
		}
	}
	entries, next, err := s.node.Watchlist(c.Request.Context(), client(c), after, limit)
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, watchlistPage{Entries: entries, Next: optional(next)})
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// importFormat reads the format from ?format or the Content-Type.
func importFormat(c *gin.Context) (string, bool) {
	if f := c.Query("format"); f != "" {
		if f != watchlist.NDJSON && f != watchlist.CSV {
			fail(c, contract.CodeInvalidArgument, "format: ndjson or csv")
			return "", false
		}
		return f, true
	}
	mt, _, _ := mime.ParseMediaType(c.GetHeader("Content-Type"))
	switch mt {
	case "application/x-ndjson", "application/ndjson", "application/jsonl":
		return watchlist.NDJSON, true
	case "text/csv":
		return watchlist.CSV, true
	}
	fail(c, CodeUnsupportedMedia, "send application/x-ndjson or text/csv, or say ?format=ndjson|csv")
	return "", false
}

// importWatchlist streams the body into the watchlist.
func (s *server) importWatchlist(c *gin.Context) {
	format, ok := importFormat(c)
	if !ok {
		return
	}
	rc := http.NewResponseController(c.Writer)
	extend := func(int) {
		_ = rc.SetReadDeadline(time.Now().Add(importReadWindow))
		_ = rc.SetWriteDeadline(time.Now().Add(2 * importReadWindow))
	}
	extend(0)
	res, err := s.node.ImportWatchlist(c.Request.Context(), client(c), c.Request.Body, format, extend)
	if err != nil {
		// What was imported stays; importing again is harmless.
		done := fmt.Sprintf("; %d lines were read and %d imported before that, and importing the file again is safe", res.Lines, res.Imported)
		var tooBig *http.MaxBytesError
		var invalid *watchlist.InvalidError
		switch {
		case errors.As(err, &tooBig):
			fail(c, CodePayloadTooLarge, fmt.Sprintf("an import is at most %d bytes (the node's --max-import)%s", tooBig.Limit, done))
		case errors.As(err, &invalid):
			fail(c, contract.CodeInvalidArgument, invalid.Msg+done)
		default:
			failErr(c, err)
		}
		return
	}
	c.JSON(http.StatusOK, res)
}

type alertsPage struct {
	Alerts []alert.Alert `json:"alerts"`
	Next   *string       `json:"next"`
	// Last is the id of the page's last alert ("" when empty): the after
	// of a client's next poll.
	Last string `json:"last"`
}

func afterID(c *gin.Context, v string) (uint64, bool) {
	n, err := alert.ParseID(v)
	if err != nil {
		fail(c, contract.CodeInvalidArgument, "after: "+err.Error())
		return 0, false
	}
	return n, true
}

func (s *server) listAlerts(c *gin.Context) {
	limit, ok := page(c)
	if !ok {
		return
	}
	after, ok := afterID(c, c.Query("after"))
	if !ok {
		return
	}
	alerts, next, err := s.node.Alerts(c.Request.Context(), client(c), after, limit)
	if err != nil {
		failErr(c, err)
		return
	}
	last := ""
	if len(alerts) > 0 {
		last = alerts[len(alerts)-1].ID
	}
	c.JSON(http.StatusOK, alertsPage{Alerts: alerts, Next: optional(next), Last: last})
}

// streamAlerts sends the member's alerts as Server-Sent Events, each with
// its id, from after Last-Event-ID (or ?after) on, and then as they are
// raised, until the client goes away.
func (s *server) streamAlerts(c *gin.Context) {
	from := c.GetHeader("Last-Event-ID")
	if from == "" {
		from = c.Query("after")
	}
	after, ok := afterID(c, from)
	if !ok {
		return
	}
	cl := client(c)
	if !s.streams.Acquire(cl.Name) {
		fail(c, CodeRateLimited, fmt.Sprintf("client %s already has %d alert streams open; close one first", cl.Name, s.opts.MaxStreamsPerClient))
		return
	}
	defer s.streams.Release(cl.Name)
	ctx := c.Request.Context()
	rc := http.NewResponseController(c.Writer)
	// A stream outlives the server's read and write timeouts (the read
	// deadline would cancel the request's context); a client that went
	// away is found by the failed write of a keep-alive instead.
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	c.Header("Content-Type", "text/event-stream")
	c.Header("Cache-Control", "no-store")
	c.Header("X-Accel-Buffering", "no")
	c.Status(http.StatusOK)
	fmt.Fprintf(c.Writer, ": alerts of %s after %d\nretry: 2000\n\n", cl.Member, after)
	for ctx.Err() == nil {
		last := s.node.LastAlert()
		alerts, _, err := s.node.Alerts(ctx, cl, after, MaxPage)
		if err != nil {
			c.Error(err)
			return
		}
		for _, a := range alerts {
			b, _ := json.Marshal(a)
			fmt.Fprintf(c.Writer, "id: %s\nevent: alert\ndata: %s\n\n", a.ID, b)
			after = a.Seq()
		}
		if err := rc.Flush(); err != nil {
			return
		}
		if len(alerts) == MaxPage {
			continue
		}
		wait, cancel := context.WithTimeout(ctx, sseKeepAlive)
		err = s.node.WaitForAlerts(wait, last)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			fmt.Fprint(c.Writer, ": keep-alive\n\n")
		}
	}
}

type webhookRequest struct {
	URL    string `json:"url"`
	Secret string `json:"secret"`
}

func (s *server) setWebhook(c *gin.Context) {
	var req webhookRequest
	if !bind(c, &req) {
		return
	}
	st, err := s.node.SetWebhook(c.Request.Context(), client(c), req.URL, req.Secret)
	if err != nil {
		failErr(c, err)
		return
	}
	c.JSON(http.StatusOK, st)
}

func (s *server) getWebhook(c *gin.Context) {
	st, ok, err := s.node.Webhook(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	if !ok {
		failMsg(c, contract.CodeNotFound, "webhook.none", client(c).Member)
		return
	}
	c.JSON(http.StatusOK, st)
}

func (s *server) deleteWebhook(c *gin.Context) {
	removed, err := s.node.DeleteWebhook(c.Request.Context(), client(c))
	if err != nil {
		failErr(c, err)
		return
	}
	if !removed {
		failMsg(c, contract.CodeNotFound, "webhook.none", client(c).Member)
		return
	}
	c.Status(http.StatusNoContent)
}
