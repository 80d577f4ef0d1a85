package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/assoc-ledger/blacklist/node/audit/chain"
)

func cmdAuditExport(e *env, args []string) int {
	f := e.flags("audit export")
	out := f.String("out", "", "")
	member := f.String("member", "", "")
	after := f.Uint64("after", 0, "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if code, ok := f.required("out"); !ok {
		return code
	}
	q := url.Values{}
	if *member != "" {
		q.Set("member", *member)
	}
	if *after > 0 {
		q.Set("after", strconv.FormatUint(*after, 10))
	}
	var w io.Writer = e.stdout
	var tmp *os.File
	if *out != "-" {
		var err error
		if tmp, err = os.CreateTemp(filepath.Dir(*out), ".audit-export-*"); err != nil {
			return e.fail(usagef("%v", err))
		}
		defer os.Remove(tmp.Name())
		defer tmp.Close()
		w = tmp
	}
	bw := bufio.NewWriter(w)
	n, h, err := e.downloadAudit(q, bw)
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return e.fail(err)
	}
	if size, _ := strconv.ParseUint(h.Get("X-Audit-Size"), 10, 64); size > *after && uint64(n) != size-*after {
		return e.fail(&ServerError{Op: "GET /v1/audit/log", Err: fmt.Errorf("got %d entries, the head said %d: the export was cut", n, size-*after)})
	}
	if tmp != nil {
		if err := tmp.Close(); err != nil {
			return e.fail(err)
		}
		if err := os.Rename(tmp.Name(), *out); err != nil {
			return e.fail(err)
		}
	}
	fmt.Fprintf(e.stderr, "exported %d entries of %s's audit chain (size %s, head %s)\n", n, h.Get("X-Audit-Member"), h.Get("X-Audit-Size"), h.Get("X-Audit-Head"))
	return exitOK
}

// downloadAudit streams GET /v1/audit/log into w and counts the lines.
func (e *env) downloadAudit(q url.Values, w io.Writer) (int, http.Header, error) {
	const op = "GET /v1/audit/log"
	c := e.api()
	req, err := c.newRequest(e.ctx, "GET", c.target("/v1/audit/log", q), "", nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("Accept", "application/x-ndjson, application/problem+json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, nil, &ServerError{Op: op, Err: describeTransport(err, c.http.Timeout)}
	}
	if resp.StatusCode != http.StatusOK {
		status, header, answer, err := readAnswer(resp)
		if err != nil {
			return 0, nil, &ServerError{Op: op, Err: err}
		}
		return 0, nil, decodeAnswer(op, status, header, answer, nil)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	n := 0
	for sc.Scan() {
		if _, err := w.Write(append(sc.Bytes(), '\n')); err != nil {
			return n, nil, err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, nil, &ServerError{Op: op, Err: fmt.Errorf("the export broke off after %d entries: %v", n, describeTransport(err, c.http.Timeout))}
	}
	return n, resp.Header, nil
}

type anchorList struct {
	Member  string         `json:"member"`
	Anchors []chain.Anchor `json:"anchors"`
}

type verifyResult struct {
	Verified   bool   `json:"verified"`
	Member     string `json:"member"`
	Size       uint64 `json:"size"`
	Head       string `json:"head"`
	Anchors    int    `json:"anchors"` // of this log
	Logs       int    `json:"logs"`    // logs the member anchored
	Unanchored uint64 `json:"unanchored"`
	Kind       string `json:"kind,omitempty"`
	Position   uint64 `json:"position,omitempty"`
	Message    string `json:"message,omitempty"`
}

func cmdAuditVerify(e *env, args []string) int {
	f := e.flags("audit verify")
	logFile := f.String("log", "", "")
	member := f.String("member", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	if code, ok := f.required("log"); !ok {
		return code
	}
	raw, err := e.readInput(*logFile)
	if err != nil {
		return e.fail(err)
	}
	lines := bytes.Split(bytes.TrimRight(raw, "\n"), []byte("\n"))
	if len(raw) == 0 {
		lines = nil
	}
	entries := make([]chain.Entry, 0, len(lines))
	var bad *chain.Failure
	for i, l := range lines {
		var en chain.Entry
		d := json.NewDecoder(bytes.NewReader(l))
		d.DisallowUnknownFields()
		if err := d.Decode(&en); err != nil {
			bad = &chain.Failure{Kind: "malformed", Pos: uint64(i + 1), Msg: fmt.Sprintf("line %d is not an audit entry: %v", i+1, err)}
			break
		}
		entries = append(entries, en)
	}
	who := *member
	if who == "" && len(entries) > 0 {
		who = entries[0].Member
	}
	if who == "" {
		return f.usageErr("the log is empty: name the member with --member")
	}
	var list anchorList
	if err := e.call("GET", "/v1/audit/anchors", url.Values{"member": {who}}, nil, &list); err != nil {
		return e.fail(err)
	}
	res := verifyResult{Member: who, Logs: 0}
	v := chain.NewVerifier(who, list.Anchors)
	res.Logs = v.Logs()
	if bad == nil {
		for i := range entries {
			if err := v.Add(&entries[i]); err != nil {
				errors.As(err, &bad)
				break
			}
		}
	}
	var lastAnchor uint64
	if len(entries) > 0 {
		for _, a := range list.Anchors {
			if a.Log == entries[0].Hash {
				lastAnchor = max(lastAnchor, a.Size)
				res.Anchors++
			}
		}
	}
	if bad == nil {
		var err error
		res.Size, res.Head, err = v.Finish()
		errors.As(err, &bad)
	}
	if bad != nil {
		res.Kind, res.Position, res.Message = bad.Kind, bad.Pos, bad.Msg
	} else {
		res.Verified = true
		if res.Size > lastAnchor {
			res.Unanchored = res.Size - lastAnchor
		}
	}
	if e.jsonOut() {
		if err := e.printJSON(res); err != nil {
			return e.fail(err)
		}
	} else if res.Verified {
		fmt.Fprintf(e.stdout, "verified: the audit chain of %s has %d entries (head %s) and extends all %d anchored heads; %d entries after the last anchor are not anchored yet\n",
			who, res.Size, res.Head, res.Anchors, res.Unanchored)
		if v.Logs() > 1 {
			fmt.Fprintf(e.stdout, "note: %s anchored %d logs (its node started a new log at some point): ask for and verify each\n", who, v.Logs())
		}
	}
	if !res.Verified {
		fmt.Fprintf(e.stderr, "blctl audit verify: the audit chain of %s does NOT verify: %s at position %d: %s\n", who, res.Kind, res.Position, res.Message)
		return exitRefused
	}
	return exitOK
}
