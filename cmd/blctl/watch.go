package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

func cmdWatch(e *env, args []string) int {
	return e.group("watch", args, []command{
		{"import", watchImport},
		{"add", watchAdd},
		{"rm", watchRemove},
		{"list", watchList},
	})
}

// importFormats maps a format to the Content-Type the node reads it by.
var importFormats = map[string]string{"ndjson": "application/x-ndjson", "csv": "text/csv"}

// importResult is the node's answer to an import.
type importResult struct {
	Lines         int `json:"lines"`
	Imported      int `json:"imported"`
	Rejected      int `json:"rejected"`
	AlreadyListed int `json:"alreadyListed"`
	Errors        []struct {
		Line    int    `json:"line"`
		Message string `json:"message"`
	} `json:"errors"`
}

func watchImport(e *env, args []string) int {
	f := e.flags("watch import")
	format := f.String("format", "auto", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected exactly one input FILE (or - for stdin), got %d", len(pos))
	}
	file := pos[0]
	if *format == "auto" {
		switch strings.ToLower(filepath.Ext(file)) {
		case ".ndjson", ".jsonl":
			*format = "ndjson"
		case ".csv":
			*format = "csv"
		default:
			return f.usageErr("cannot tell the format of %q by its extension (.ndjson, .jsonl, .csv): give --format", file)
		}
	}
	contentType, known := importFormats[*format]
	if !known {
		return f.usageErr("--format must be auto, ndjson or csv, got %q", *format)
	}
	in, closeIn, err := openSubmitInput(e, file)
	if err != nil {
		return e.fail(err)
	}
	defer closeIn()

	meter := newUploadMeter(e, in, inputSize(in))
	var raw json.RawMessage
	err = e.api().Upload(e.ctx, "/v1/watchlist/import", nil, contentType, meter, &raw)
	meter.finish()
	if err != nil {
		return e.fail(err)
	}
	// Decoded in json mode too: the exit code depends on it.
	var res importResult
	if err := json.Unmarshal(raw, &res); err != nil {
		return e.fail(&ServerError{Op: "POST /v1/watchlist/import", Err: fmt.Errorf("answer does not parse: %v", err)})
	}
	if e.jsonOut() {
		err = e.printRaw(raw)
	} else {
		err = printImport(e, res)
	}
	if err != nil {
		return e.fail(err)
	}
	if res.Rejected > 0 {
		return exitRefused
	}
	return exitOK
}

// inputSize is the size of a regular file, for the progress bar; 0 for a
// pipe or terminal, whose size is not known in advance.
func inputSize(r io.Reader) int64 {
	f, ok := r.(*os.File)
	if !ok {
		return 0
	}
	st, err := f.Stat()
	if err != nil || !st.Mode().IsRegular() {
		return 0
	}
	return st.Size()
}

func printImport(e *env, res importResult) error {
	w := e.table()
	e.row(w, "lines", strconv.Itoa(res.Lines))
	e.row(w, "imported", strconv.Itoa(res.Imported))
	e.row(w, "rejected", strconv.Itoa(res.Rejected))
	e.row(w, "already listed", strconv.Itoa(res.AlreadyListed), "see 'blctl alerts'")
	if err := w.Flush(); err != nil {
		return err
	}
	if len(res.Errors) == 0 {
		return nil
	}
	fmt.Fprintln(e.stdout)
	w = e.table()
	e.header(w, "LINE", "ERROR")
	for _, le := range res.Errors {
		row(w, strconv.Itoa(le.Line), le.Message)
	}
	if n := res.Rejected - len(res.Errors); n > 0 {
		e.row(w, "...", fmt.Sprintf("and %d more (the node lists the first %d)", n, len(res.Errors)))
	}
	return w.Flush()
}

// uploadMeter counts what the HTTP transport reads of an upload and shows
// it as progress. The transport reads on a goroutine of its own and may
// still hold the body after the answer is back (a problem answered before
// the end), so the counts are kept under a lock, and finish stops the
// reporting before the final line is drawn.
type uploadMeter struct {
	r    io.Reader
	prog *progress

	mu          sync.Mutex
	start       time.Time
	sent, lines int64
	finished    bool
}

func newUploadMeter(e *env, r io.Reader, total int64) *uploadMeter {
	p := &progress{w: e.stderr, tty: isTerminal(e.stderr), total: total, bytes: true, now: e.now, interval: progressInterval}
	return &uploadMeter{r: r, prog: p, start: e.now()}
}

func (m *uploadMeter) Read(b []byte) (int, error) {
	n, err := m.r.Read(b)
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.finished {
		m.sent += int64(n)
		m.lines += int64(bytes.Count(b[:n], []byte{'\n'}))
		m.prog.show("watch import", m.sent, m.detail(), false)
	}
	return n, err
}

// detail counts newlines, which the node counts as lines (give or take a
// CSV header or a last line without one): cheap, and what an operator
// compares with the file.
func (m *uploadMeter) detail() string {
	s := fmt.Sprintf("%d lines", m.lines)
	if secs := m.prog.now().Sub(m.start).Seconds(); secs >= 1 {
		s += fmt.Sprintf(", %.0f lines/s", float64(m.lines)/secs)
	}
	return s
}

func (m *uploadMeter) finish() {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.finished {
		m.finished = true
		m.prog.show("watch import", m.sent, m.detail(), true)
	}
}

// Upload POSTs body, streamed as contentType, and decodes the answer like
// Do. A stream cannot be sent twice, so a 429 is returned, not retried.
// An upload of millions of lines outlasts any fixed deadline, so the
// client's timeout bounds only a stall: the node reading nothing more for
// that long, or not answering for that long after the last byte.
func (c *Client) Upload(ctx context.Context, path string, query url.Values, contentType string, body io.Reader, out any) error {
	op := "POST " + path
	ctx, guard := newStallGuard(ctx, c.http.Timeout)
	defer guard.stop()
	req, err := c.newRequest(ctx, "POST", c.target(path, query), contentType, guard.reader(body))
	if err != nil {
		return err
	}
	resp, err := c.untimed().Do(req)
	if err != nil {
		return &ServerError{Op: op, Err: guard.describe(ctx, err, c.http.Timeout)}
	}
	status, header, answer, err := readAnswer(resp)
	if err != nil {
		return &ServerError{Op: op, Err: guard.describe(ctx, err, c.http.Timeout)}
	}
	return decodeAnswer(op, status, header, answer, out)
}

// untimed is the client without its overall deadline, for uploads and
// streams, which a stallGuard watches instead. It shares the transport,
// and so the connections.
func (c *Client) untimed() *http.Client {
	hc := *c.http
	hc.Timeout = 0
	return &hc
}

// stallGuard cancels a request that stops making progress: the context
// it returns is cancelled when no read happens for limit.
type stallGuard struct {
	limit  time.Duration
	timer  *time.Timer
	cancel context.CancelCauseFunc
}

// stallError is the cause a stallGuard cancels with.
type stallError struct{ limit time.Duration }

func (s *stallError) Error() string {
	return fmt.Sprintf("no progress within %s (see --timeout)", s.limit)
}

func newStallGuard(ctx context.Context, limit time.Duration) (context.Context, *stallGuard) {
	ctx, cancel := context.WithCancelCause(ctx)
	g := &stallGuard{limit: limit, cancel: cancel}
	g.timer = time.AfterFunc(limit, func() { cancel(&stallError{limit: limit}) })
	return ctx, g
}

// reader resets the guard on every read of r.
func (g *stallGuard) reader(r io.Reader) io.Reader { return &guardedReader{r: r, g: g} }

type guardedReader struct {
	r io.Reader
	g *stallGuard
}

func (gr *guardedReader) Read(b []byte) (int, error) {
	gr.g.timer.Reset(gr.g.limit)
	n, err := gr.r.Read(b)
	gr.g.timer.Reset(gr.g.limit)
	return n, err
}

func (g *stallGuard) stop() {
	g.timer.Stop()
	g.cancel(nil)
}

// describe names a stall as such rather than as the cancellation it caused.
func (g *stallGuard) describe(ctx context.Context, err error, timeout time.Duration) error {
	var se *stallError
	if errors.As(context.Cause(ctx), &se) {
		return se
	}
	return describeTransport(err, timeout)
}

func watchAdd(e *env, args []string) int {
	f := e.flags("watch add")
	label := f.String("label", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected one subject KEY, got %d arguments", len(pos))
	}
	key, err := e.resolve(kindSubject, pos[0])
	if err != nil {
		return e.fail(err)
	}
	var raw json.RawMessage
	if err := e.call("PUT", apiPath("/v1/watchlist/%s", key), nil, map[string]string{"label": *label}, &raw); err != nil {
		return e.fail(err)
	}
	var ans struct {
		Entry  watchEntry        `json:"entry"`
		Added  bool              `json:"added"`
		Alerts []json.RawMessage `json:"alerts"`
	}
	return e.show(raw, &ans, func() error {
		w := e.table()
		e.row(w, "subject", ans.Entry.SubjectKey)
		e.row(w, "label", orDash(ans.Entry.Label))
		if ans.Added {
			e.row(w, "added", "yes")
		} else {
			e.row(w, "added", "no", "watched already; label replaced")
		}
		e.row(w, "already listed", strconv.Itoa(len(ans.Alerts)))
		if err := w.Flush(); err != nil {
			return err
		}
		if len(ans.Alerts) == 0 {
			return nil
		}
		fmt.Fprintln(e.stdout)
		return printAlerts(e, ans.Alerts, true)
	})
}

func watchRemove(e *env, args []string) int {
	f := e.flags("watch rm")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected one subject KEY, got %d arguments", len(pos))
	}
	key, err := e.resolve(kindSubject, pos[0])
	if err != nil {
		return e.fail(err)
	}
	if err := e.call("DELETE", apiPath("/v1/watchlist/%s", key), nil, nil, nil); err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		err = e.printJSON(map[string]any{"subjectKey": key, "removed": true})
	} else {
		_, err = fmt.Fprintf(e.stdout, "removed %s from the watchlist\n", key)
	}
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// watchEntry is one watchlist entry as the API gives it.
type watchEntry struct {
	SubjectKey string `json:"subjectKey"`
	Label      string `json:"label"`
	AddedAt    string `json:"addedAt"`
}

func watchList(e *env, args []string) int {
	f := e.flags("watch list")
	all := f.Bool("all", false, "")
	after := f.String("after", "", "")
	limit := f.Int("limit", 1000, "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if *limit < 1 || *limit > 1000 {
		return f.usageErr("--limit must be 1 to 1000, got %d", *limit)
	}
	q := url.Values{"limit": {strconv.Itoa(*limit)}}
	if *after != "" {
		q.Set("after", *after)
	}
	out := &listOut{e: e, field: "entries", table: func(items []json.RawMessage, first bool) error {
		w := e.table()
		if first {
			e.header(w, "SUBJECT", "LABEL", "ADDED")
		}
		for i, raw := range items {
			var we watchEntry
			if err := json.Unmarshal(raw, &we); err != nil {
				return &ServerError{Op: "decoding the answer", Err: fmt.Errorf("entry %d does not parse: %v", i, err)}
			}
			row(w, e.short(we.SubjectKey), orDash(we.Label), e.when(we.AddedAt))
		}
		return w.Flush()
	}}
	next, err := e.listPages("/v1/watchlist", q, "entries", *all, out.page)
	if err == nil {
		var nextJSON any
		if next != "" {
			nextJSON = next
		}
		err = out.end("next", nextJSON)
	}
	if err != nil {
		return e.fail(err)
	}
	if next != "" && !e.jsonOut() {
		fmt.Fprintf(e.stderr, "blctl watch list: more entries follow: --after %s, or --all\n", next)
	}
	return exitOK
}

// listPages GETs path page by page, handing the items of each (the array
// named field) to emit, and follows "next" while all is true. It returns
// the next of the last page read: "" when the list is exhausted.
func (e *env) listPages(path string, q url.Values, field string, all bool, emit func([]json.RawMessage) error) (string, error) {
	op := "GET " + path
	for {
		var page map[string]json.RawMessage
		if err := e.call("GET", path, q, nil, &page); err != nil {
			return "", err
		}
		var items []json.RawMessage
		var next *string
		if err := json.Unmarshal(page[field], &items); err != nil {
			return "", &ServerError{Op: op, Err: fmt.Errorf("%q does not parse: %v", field, err)}
		}
		if raw, ok := page["next"]; ok {
			if err := json.Unmarshal(raw, &next); err != nil {
				return "", &ServerError{Op: op, Err: fmt.Errorf(`"next" does not parse: %v`, err)}
			}
		}
		if err := emit(items); err != nil {
			return "", err
		}
		if next == nil || *next == "" {
			return "", nil
		}
		if !all {
			return *next, nil
		}
		// A next that does not move forward would loop for ever.
		if prev := q.Get("after"); prev != "" && !keyAfter(*next, prev) {
			return "", &ServerError{Op: op, Err: fmt.Errorf("next %q does not advance past %q", *next, prev)}
		}
		q.Set("after", *next)
	}
}

// keyAfter orders page keys: subject keys (64 hex characters) and alert
// ids (decimal numbers without leading zeros) both order by length, then
// bytes.
func keyAfter(a, b string) bool {
	if len(a) != len(b) {
		return len(a) > len(b)
	}
	return a > b
}

// listOut prints a list that arrives in pages, page by page, so that a
// watchlist of millions of entries is never held in memory: table rows
// after each page, or for --output json a document whose array is written
// as it grows.
type listOut struct {
	e     *env
	field string // the array's name in json output
	// table prints a page's items as rows, after the header when first.
	table func(items []json.RawMessage, first bool) error
	n     int  // items printed
	begun bool // the table header is out
}

func (l *listOut) page(items []json.RawMessage) error {
	if l.e.jsonOut() {
		return l.jsonItems(items)
	}
	first := !l.begun
	l.begun = true
	l.n += len(items)
	return l.table(items, first)
}

func (l *listOut) jsonItems(items []json.RawMessage) error {
	var b bytes.Buffer
	for _, it := range items {
		switch l.n {
		case 0:
			fmt.Fprintf(&b, "{\n  %q: [\n    ", l.field)
		default:
			b.WriteString(",\n    ")
		}
		if err := json.Indent(&b, it, "    ", "  "); err != nil {
			return &ServerError{Op: "decoding the answer", Err: err}
		}
		l.n++
	}
	_, err := l.e.stdout.Write(b.Bytes())
	return err
}

// end finishes the output; for json it closes the array and adds one
// more member, name: v.
func (l *listOut) end(name string, v any) error {
	if !l.e.jsonOut() {
		if !l.begun {
			return l.page(nil) // the header, so that an empty list reads as one
		}
		return nil
	}
	tail, err := json.Marshal(v)
	if err != nil {
		return err
	}
	if l.n == 0 {
		_, err = fmt.Fprintf(l.e.stdout, "{\n  %q: [],\n  %q: %s\n}\n", l.field, name, tail)
	} else {
		_, err = fmt.Fprintf(l.e.stdout, "\n  ],\n  %q: %s\n}\n", name, tail)
	}
	return err
}
