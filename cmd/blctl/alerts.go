package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/internal/backoff"
)

const (
	// streamIdle is how long an alert stream may stay silent before blctl
	// takes the connection for dead and reconnects: three of the node's
	// 15s keep-alive comments, so only a connection that died without
	// closing (a NAT or proxy timeout) is cut.
	streamIdle = 45 * time.Second
	// reconnectWait is the first wait before reconnecting, until the node
	// says otherwise with the stream's "retry:" field; failures double it
	// up to maxReconnectWait, and each wait is drawn from the upper half
	// of that (package backoff), so that clients cut off together by a
	// node restart do not all come back in the same instant.
	reconnectWait    = time.Second
	maxReconnectWait = time.Minute
	// maxEventBytes bounds one line of the stream: an alert is under 1 KiB.
	maxEventBytes = 1 << 20
	// webhookSecretEnv is where 'webhook set' finds the secret without a
	// file; never a flag, which ps and shell history would show.
	webhookSecretEnv = "BLACKLIST_WEBHOOK_SECRET"
)

func cmdAlerts(e *env, args []string) int {
	f := e.flags("alerts")
	after := f.String("after", "", "")
	follow := f.Bool("follow", false, "")
	wait := f.Duration("wait", 0, "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if *after != "" {
		if _, err := strconv.ParseUint(*after, 10, 64); err != nil {
			return f.usageErr("--after must be an alert id (a number), got %q", *after)
		}
	}
	if *follow {
		return followAlerts(e, *after)
	}
	q := url.Values{}
	if *after != "" {
		q.Set("after", *after)
	}
	if *wait > 0 {
		if err := e.waitAlert(q, *wait); err != nil {
			return e.fail(err)
		}
	}
	last := *after
	out := &listOut{e: e, field: "alerts", table: func(items []json.RawMessage, first bool) error {
		return printAlerts(e, items, first)
	}}
	_, err := e.listPages("/v1/alerts", q, "alerts", true, func(items []json.RawMessage) error {
		if len(items) > 0 {
			var a alertView
			if err := json.Unmarshal(items[len(items)-1], &a); err != nil {
				return &ServerError{Op: "GET /v1/alerts", Err: err}
			}
			last = a.ID
		}
		return out.page(items)
	})
	if err == nil {
		err = out.end("last", last)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// waitAlert polls the first page of alerts until it is not empty or d has
// passed: alerts are raised from committed ledger changes a moment after the
// request that caused them answered, and a script that files a default and
// then asks for the alert must not race the node.
func (e *env) waitAlert(q url.Values, d time.Duration) error {
	deadline := e.now().Add(d)
	for {
		var page struct {
			Alerts []json.RawMessage `json:"alerts"`
		}
		if err := e.call("GET", "/v1/alerts", q, nil, &page); err != nil {
			return err
		}
		if len(page.Alerts) > 0 || !e.now().Before(deadline) {
			return nil
		}
		select {
		case <-e.ctx.Done():
			return e.ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// alertView is the part of an alert blctl shows. It is not the node's
// type, which would tie this client to the node's storage code.
type alertView struct {
	ID            string `json:"id"`
	Kind          string `json:"kind"`
	SubjectKey    string `json:"subjectKey"`
	AttestationID string `json:"attestationId"`
	RefersTo      string `json:"refersTo"`
	DisputeID     string `json:"disputeId"`
	Outcome       string `json:"outcome"`
	Reporter      string `json:"reporter"`
	Time          string `json:"time"`
	Label         string `json:"label"`
	Budget        *struct {
		Kind  string `json:"kind"`
		Day   string `json:"day"`
		Count int64  `json:"count"`
		Limit int64  `json:"limit"`
	} `json:"budget"`
	// Protection is set on protection alerts (identity theft).
	Protection *struct {
		Action string `json:"action"`
		Until  string `json:"until"`
	} `json:"protection"`
}

// alertFormat has fixed widths, not a tabwriter's, because --follow prints
// one alert at a time and the columns must line up across them.
const alertFormat = "%-8s  %-25s  %-16s  %-12s  %-10s  %-12s  %-20s  %s"

func alertHeader(e *env) string {
	cols := []string{"ID", "TIME", "KIND", "SUBJECT", "REPORTER", "ATTESTATION", "DETAIL", "LABEL"}
	widths := []int{8, 25, 16, 12, 10, 12, 20}
	var b strings.Builder
	for i, c := range cols {
		l := e.label("label", c)
		b.WriteString(l)
		if i < len(widths) {
			b.WriteString(strings.Repeat(" ", max(0, widths[i]-displayWidth(l))+2)) // by display width: Chinese labels are wide
		}
	}
	return b.String() + "\n"
}

func (a alertView) line(e *env) string {
	detail := "-"
	switch {
	case a.Outcome != "":
		detail = a.Outcome
	case a.RefersTo != "":
		detail = "closes " + e.short(a.RefersTo)
	case a.DisputeID != "":
		detail = "dispute " + e.short(a.DisputeID)
	case a.Budget != nil:
		detail = fmt.Sprintf("%s %d>%d on %s", a.Budget.Kind, a.Budget.Count, a.Budget.Limit, a.Budget.Day)
	case a.Protection != nil:
		detail = a.Protection.Action + " " + strings.SplitN(e.when(a.Protection.Until), "T", 2)[0]
	}
	at := e.when(a.Time) // whole seconds in the user's zone: enough to read, and fit the column
	return fmt.Sprintf(alertFormat, a.ID, at, a.Kind, e.short(a.SubjectKey), a.Reporter, e.short(a.AttestationID), detail, orDash(a.Label)) + "\n"
}

// alertOutput renders one alert as the current output format prints it
// on a line of its own: the table row, or the alert's compact JSON.
func (e *env) alertOutput(raw json.RawMessage) (string, error) {
	if e.jsonOut() {
		var b bytes.Buffer
		if err := json.Compact(&b, raw); err != nil {
			return "", err
		}
		b.WriteByte('\n')
		return b.String(), nil
	}
	var a alertView
	if err := json.Unmarshal(raw, &a); err != nil {
		return "", err
	}
	return a.line(e), nil
}

// printAlerts prints alerts as table rows, after the header if asked.
func printAlerts(e *env, items []json.RawMessage, header bool) error {
	var b strings.Builder
	if header {
		b.WriteString(alertHeader(e))
	}
	for i, raw := range items {
		var a alertView
		if err := json.Unmarshal(raw, &a); err != nil {
			return &ServerError{Op: "decoding the answer", Err: fmt.Errorf("alert %d does not parse: %v", i, err)}
		}
		b.WriteString(a.line(e))
	}
	_, err := io.WriteString(e.stdout, b.String())
	return err
}

// follower prints the alert stream and remembers where it is.
type follower struct {
	e        *env
	last     string        // id of the last alert printed: where to resume
	wait     time.Duration // the first wait before reconnecting
	printErr error         // stdout failed: following on is pointless
}

// followAlerts prints alerts from the stream as they are raised and
// reconnects whenever the connection is lost, until the context ends.
// Only answers that reconnecting cannot change (a wrong API key, a bad id)
// end it early.
func followAlerts(e *env, after string) int {
	if !e.jsonOut() {
		if _, err := io.WriteString(e.stdout, alertHeader(e)); err != nil {
			return e.fail(err)
		}
	}
	f := &follower{e: e, last: after, wait: reconnectWait}
	bo := backoff.New(f.wait, maxReconnectWait)
	for {
		opened, err := f.once()
		if e.ctx.Err() != nil {
			return exitOK
		}
		if f.printErr != nil {
			return e.fail(f.printErr)
		}
		var p *Problem
		if errors.As(err, &p) && p.Status < 500 && p.Status != 429 {
			return e.fail(err)
		}
		if opened {
			// Start over from the first wait, which the node may have
			// changed with "retry:".
			bo = backoff.New(f.wait, maxReconnectWait)
		}
		wait := bo.Next()
		fmt.Fprintf(e.stderr, "blctl alerts: %v; reconnecting in %s, after alert %s\n", err, wait, orDash(f.last))
		if backoff.Sleep(e.ctx, wait) != nil {
			return exitOK
		}
	}
}

// once follows one connection to its end; opened says whether the node
// accepted it, which resets the backoff.
func (f *follower) once() (opened bool, err error) {
	s, err := f.e.api().Stream(f.e.ctx, "/v1/alerts/stream", f.last)
	if err != nil {
		return false, err
	}
	defer s.Close()
	err = readEvents(s, f.event, func(d time.Duration) { f.wait = max(d, 100*time.Millisecond) })
	if err == nil {
		return true, errors.New("the node closed the stream")
	}
	if f.printErr != nil {
		return true, err
	}
	return true, &ServerError{Op: "GET /v1/alerts/stream", Err: s.describe(err)}
}

func (f *follower) event(ev sseEvent) error {
	if ev.name != "alert" {
		return nil
	}
	out, err := f.e.alertOutput(json.RawMessage(ev.data))
	if err != nil {
		// Stopping would not help: the node would send the same event
		// again on every reconnection.
		fmt.Fprintf(f.e.stderr, "blctl alerts: skipping event %q, which does not parse: %v\n", ev.id, err)
	} else if _, err := io.WriteString(f.e.stdout, out); err != nil {
		f.printErr = err
		return err
	}
	if ev.id != "" {
		f.last = ev.id
	}
	return nil
}

// sseEvent is one Server-Sent Event.
type sseEvent struct {
	id, name, data string
}

// readEvents parses r as text/event-stream, calling fn for each event and
// retry when the server sets its reconnection delay. It returns fn's error,
// or the one that ended r (nil at a clean end).
func readEvents(r io.Reader, fn func(sseEvent) error, retry func(time.Duration)) error {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4<<10), maxEventBytes)
	var ev sseEvent
	var data []string
	for sc.Scan() {
		line := strings.TrimSuffix(sc.Text(), "\r")
		if line == "" {
			if len(data) > 0 {
				ev.data = strings.Join(data, "\n")
				if ev.name == "" {
					ev.name = "message"
				}
				if err := fn(ev); err != nil {
					return err
				}
			}
			ev, data = sseEvent{}, nil
			continue
		}
		if strings.HasPrefix(line, ":") {
			continue // a comment: the greeting or a keep-alive
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.id = value
		case "event":
			ev.name = value
		case "data":
			data = append(data, value)
		case "retry":
			if ms, err := strconv.Atoi(value); err == nil && ms >= 0 {
				retry(time.Duration(ms) * time.Millisecond)
			}
		}
	}
	return sc.Err()
}

// eventStream is an open Server-Sent Events response.
type eventStream struct {
	io.Reader
	body  io.Closer
	ctx   context.Context
	guard *stallGuard
}

func (s *eventStream) Close() error {
	s.guard.stop()
	return s.body.Close()
}

// describe names what ended the stream.
func (s *eventStream) describe(err error) error {
	return s.guard.describe(s.ctx, err, streamIdle)
}

// Stream GETs a Server-Sent Events stream, resuming after lastEventID if
// not empty; Close the stream. A stream is open for as long as it is
// followed, so the client's timeout does not bound it; instead it is cut
// when nothing at all, not even a keep-alive, arrives for streamIdle (or
// the timeout, if longer).
func (c *Client) Stream(ctx context.Context, path, lastEventID string) (*eventStream, error) {
	op := "GET " + path
	idle := max(c.http.Timeout, streamIdle)
	ctx, guard := newStallGuard(ctx, idle)
	req, err := c.newRequest(ctx, "GET", c.target(path, nil), "", nil)
	if err != nil {
		guard.stop()
		return nil, err
	}
	req.Header.Set("Accept", "text/event-stream, application/problem+json")
	if lastEventID != "" {
		req.Header.Set("Last-Event-ID", lastEventID)
	}
	resp, err := c.untimed().Do(req)
	if err != nil {
		guard.stop()
		return nil, &ServerError{Op: op, Err: guard.describe(ctx, err, idle)}
	}
	mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type"))
	if resp.StatusCode == 200 && mt == "text/event-stream" {
		return &eventStream{Reader: guard.reader(resp.Body), body: resp.Body, ctx: ctx, guard: guard}, nil
	}
	defer guard.stop()
	status, header, answer, err := readAnswer(resp)
	if err != nil {
		return nil, &ServerError{Op: op, Err: guard.describe(ctx, err, idle)}
	}
	if err := decodeAnswer(op, status, header, answer, nil); err != nil {
		return nil, err
	}
	return nil, &ServerError{Op: op, Err: fmt.Errorf("answer (HTTP %d, %q) is not an event stream", status, mt)}
}

func cmdWebhook(e *env, args []string) int {
	return e.group("webhook", args, []command{
		{"set", webhookSet},
		{"show", webhookShow},
		{"rm", webhookRemove},
	})
}

func webhookSet(e *env, args []string) int {
	f := e.flags("webhook set")
	target := f.String("url", "", "")
	secretFile := f.String("secret-file", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q (the secret is never an argument: use --secret-file)", pos[0])
	}
	if code, ok := f.required("url"); !ok {
		return code
	}
	secret := os.Getenv(webhookSecretEnv)
	if *secretFile != "" {
		b, err := e.readInput(*secretFile)
		if err != nil {
			return e.fail(err)
		}
		secret = strings.TrimRight(string(b), "\r\n")
	}
	if secret == "" {
		return f.usageErr("no secret: give --secret-file FILE or set %s", webhookSecretEnv)
	}
	var raw json.RawMessage
	if err := e.call("PUT", "/v1/webhook", nil, map[string]string{"url": *target, "secret": secret}, &raw); err != nil {
		return e.fail(err)
	}
	return e.showWebhook(raw)
}

func webhookShow(e *env, args []string) int {
	raw, code, ok := e.getNoArgs(args, "/v1/webhook", "webhook show")
	if !ok {
		return code
	}
	return e.showWebhook(raw)
}

// webhookStatus is the node's account of a webhook.
type webhookStatus struct {
	Member              string `json:"member"`
	URL                 string `json:"url"`
	Delivered           string `json:"delivered"`
	Pending             int    `json:"pending"`
	Failing             bool   `json:"failing"`
	FailingSince        string `json:"failingSince"`
	ConsecutiveFailures int    `json:"consecutiveFailures"`
	LastError           string `json:"lastError"`
	LastSuccess         string `json:"lastSuccess"`
	Held                bool   `json:"held"`
	Deliveries          int64  `json:"deliveries"`
	Failures            int64  `json:"failures"`
}

func (e *env) showWebhook(raw json.RawMessage) int {
	var st webhookStatus
	return e.show(raw, &st, func() error {
		failing := "no"
		if st.Failing {
			failing = "yes, since " + orDash(st.FailingSince)
		}
		w := e.table()
		e.row(w, "member", st.Member)
		e.row(w, "url", st.URL)
		e.row(w, "delivered up to", orDash(st.Delivered), "alert id")
		e.row(w, "pending", strconv.Itoa(st.Pending))
		e.row(w, "failing", failing)
		e.row(w, "consecutive failures", strconv.Itoa(st.ConsecutiveFailures))
		e.row(w, "last error", orDash(st.LastError), "failure class")
		if st.Held {
			e.row(w, "held", "yes", "the member is not active; alerts wait")
		}
		e.row(w, "last success", e.when(st.LastSuccess))
		e.row(w, "deliveries", strconv.FormatInt(st.Deliveries, 10), "since the node started")
		e.row(w, "failures", strconv.FormatInt(st.Failures, 10), "since the node started")
		return w.Flush()
	})
}

func webhookRemove(e *env, args []string) int {
	f := e.flags("webhook rm")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if err := e.call("DELETE", "/v1/webhook", nil, nil, nil); err != nil {
		return e.fail(err)
	}
	var err error
	if e.jsonOut() {
		err = e.printJSON(map[string]bool{"removed": true})
	} else {
		_, err = fmt.Fprintln(e.stdout, "webhook removed")
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}
