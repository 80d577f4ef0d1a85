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
	"strconv"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/gateway/problem"
	"github.com/assoc-ledger/blacklist/internal/backoff"
)

const (
	problemPrefix = problem.TypePrefix
	// maxAnswerBytes bounds what blctl reads from the server: a lookup of
	// 10,000 subjects is a few MB, so this only stops a runaway answer.
	maxAnswerBytes = 256 << 20
	// maxRetries429 is how often a rate-limited request is retried. A 429 is
	// answered before anything is processed, so retrying is always safe.
	maxRetries429 = 3
	maxRetryWait  = 30 * time.Second
)

// Client talks to one node's HTTP API with one API key.
type Client struct {
	base   string // without a trailing slash; may carry a path prefix
	apiKey string
	http   *http.Client
	notice io.Writer // where retries are announced
	lang   string    // Accept-Language: the node answers problems in it
	sleep  func(context.Context, time.Duration) error
}

func newClient(server, apiKey string, timeout time.Duration, notice io.Writer) *Client {
	return &Client{
		base:   strings.TrimRight(server, "/"),
		apiKey: apiKey,
		http:   &http.Client{Timeout: timeout},
		notice: notice,
		sleep:  backoff.Sleep,
	}
}

// Problem is the API's error shape; as an error it carries Status and
// Code for callers to branch on.
type Problem = problem.Problem

// print writes every part of the problem an operator may need, one per
// line, so that item errors of a large request stay readable.
func (e *env) printProblem(p *Problem) {
	w := e.stderr
	fmt.Fprintf(w, "blctl: %s (HTTP %d)\n", p.Title, p.Status)
	fmt.Fprintln(w, e.t("cli.problem.type", p.Type))
	if p.Detail != "" {
		fmt.Fprintln(w, e.t("cli.problem.detail", p.Detail))
	}
	if p.Instance != "" {
		fmt.Fprintln(w, e.t("cli.problem.instance", p.Instance))
	}
	for _, it := range p.Items {
		fmt.Fprintln(w, e.t("cli.problem.item", it.Index, it.Code, it.Message))
	}
}

// ServerError is a failure to get a usable answer: the connection, a
// timeout, or a response that is not what the API promises.
type ServerError struct {
	Op  string
	Err error
}

func (s *ServerError) Error() string { return s.Op + ": " + s.Err.Error() }
func (s *ServerError) Unwrap() error { return s.Err }

// apiPath builds a path from a format whose %s verbs are path segments,
// escaping each: a key id may contain "/" or "?".
func apiPath(format string, segs ...string) string {
	args := make([]any, len(segs))
	for i, s := range segs {
		args[i] = url.PathEscape(s)
	}
	return fmt.Sprintf(format, args...)
}

// Do sends in (if not nil) as JSON and decodes a 2xx answer into out (if
// not nil; a *json.RawMessage keeps the answer verbatim). Any other answer
// becomes a *Problem, any failure to get one a *ServerError.
func (c *Client) Do(ctx context.Context, method, path string, query url.Values, in, out any) error {
	var body []byte
	if in != nil {
		var err error
		if body, err = json.Marshal(in); err != nil {
			return fmt.Errorf("encoding the request: %w", err)
		}
	}
	target := c.target(path, query)
	op := method + " " + path
	for attempt := 0; ; attempt++ {
		status, header, answer, err := c.send(ctx, method, target, body)
		if err != nil {
			return &ServerError{Op: op, Err: describeTransport(err, c.http.Timeout)}
		}
		if status == http.StatusTooManyRequests && attempt < maxRetries429 {
			wait := retryAfter(header.Get("Retry-After"))
			fmt.Fprintf(c.notice, "blctl: rate limited, retrying %s in %s\n", op, wait)
			if err := c.sleep(ctx, wait); err != nil {
				return &ServerError{Op: op, Err: err}
			}
			continue
		}
		return decodeAnswer(op, status, header, answer, out)
	}
}

func (c *Client) target(path string, query url.Values) string {
	if len(query) > 0 {
		return c.base + path + "?" + query.Encode()
	}
	return c.base + path
}

// newRequest builds a request with the headers every call carries.
func (c *Client) newRequest(ctx context.Context, method, target, contentType string, body io.Reader) (*http.Request, error) {
	req, err := http.NewRequestWithContext(ctx, method, target, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("User-Agent", "blctl/1")
	if c.lang != "" {
		req.Header.Set("Accept-Language", c.lang)
	}
	if c.apiKey != "" {
		req.Header.Set("Authorization", "Bearer "+c.apiKey)
	}
	return req, nil
}

func (c *Client) send(ctx context.Context, method, target string, body []byte) (int, http.Header, []byte, error) {
	var rd io.Reader
	contentType := ""
	if body != nil {
		rd, contentType = bytes.NewReader(body), "application/json"
	}
	req, err := c.newRequest(ctx, method, target, contentType, rd)
	if err != nil {
		return 0, nil, nil, err
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, nil, err
	}
	return readAnswer(resp)
}

// readAnswer reads and closes resp's body, within maxAnswerBytes.
func readAnswer(resp *http.Response) (int, http.Header, []byte, error) {
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswerBytes+1))
	if err != nil {
		return 0, nil, nil, fmt.Errorf("reading the answer: %w", err)
	}
	if len(answer) > maxAnswerBytes {
		return 0, nil, nil, fmt.Errorf("answer is larger than %d bytes", maxAnswerBytes)
	}
	return resp.StatusCode, resp.Header, answer, nil
}

// decodeAnswer decodes a 2xx answer into out (if not nil) and turns any
// other into a *Problem.
func decodeAnswer(op string, status int, header http.Header, answer []byte, out any) error {
	if status < 200 || status > 299 {
		return decodeProblem(status, header, answer)
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(answer, out); err != nil {
		return &ServerError{Op: op, Err: fmt.Errorf("answer (HTTP %d) does not parse: %v", status, err)}
	}
	return nil
}

// describeTransport rewords the errors an operator meets most, which
// net/http reports in terms of its internals.
func describeTransport(err error, timeout time.Duration) error {
	var ue *url.Error
	if errors.As(err, &ue) && ue.Timeout() {
		return fmt.Errorf("no answer within %s (see --timeout)", timeout)
	}
	if errors.As(err, &ue) {
		return ue.Err
	}
	return err
}

// retryAfter reads Retry-After in seconds; the API never sends the date
// form. The wait is capped so a misconfigured proxy cannot park blctl.
func retryAfter(v string) time.Duration {
	n, err := strconv.Atoi(strings.TrimSpace(v))
	if err != nil || n < 1 {
		return time.Second
	}
	if d := time.Duration(n) * time.Second; d < maxRetryWait {
		return d
	}
	return maxRetryWait
}

// decodeProblem turns an error answer into a *Problem. An answer that is
// not a problem document (a proxy's HTML page) still becomes one, from the
// status line, so that exit codes follow the status either way.
func decodeProblem(status int, header http.Header, answer []byte) error {
	var p Problem
	if err := json.Unmarshal(answer, &p); err != nil || p.Type == "" {
		p = Problem{Type: "about:blank", Title: http.StatusText(status), Detail: snippet(answer, header)}
	}
	if p.Title == "" {
		p.Title = http.StatusText(status)
	}
	p.Status = status // the status line is authoritative over the body
	return &p
}

func snippet(answer []byte, header http.Header) string {
	s := strings.TrimSpace(string(answer))
	if len(s) > 200 {
		s = s[:200] + "..."
	}
	if s == "" {
		return ""
	}
	return "non-problem answer (" + header.Get("Content-Type") + "): " + s
}

// getNoArgs runs a command that takes no arguments and reads path: it
// parses args, GETs path and returns the answer, or the exit code when
// ok is false.
func (e *env) getNoArgs(args []string, path, name string) (raw json.RawMessage, code int, ok bool) {
	f := e.flags(name)
	pos, code, ok := f.parse(args)
	if !ok {
		return nil, code, false
	}
	if len(pos) > 0 {
		return nil, f.usageErr("unexpected argument %q", pos[0]), false
	}
	if err := e.call("GET", path, nil, nil, &raw); err != nil {
		return nil, e.fail(err), false
	}
	return raw, 0, true
}
