package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
	"time"
)

// The state file makes submit resumable. It is NDJSON: a header, then one
// entry per line the ledger accepted or already had. Entries are appended
// and synced after every batch, so a crash loses at most the batch in
// flight, whose lines are then resent and answered "duplicate".
//
//	{"blctlSubmitState":1,"issuedAt":"2026-03-01T09:00:00Z","created":"..."}
//	{"key":"<id or line:N:sha256>","status":"accepted","id":"<id>","line":1}
const stateVersion = 1

var headerStart = []byte(`{"blctlSubmitState"`)

type stateHeader struct {
	Version  int    `json:"blctlSubmitState"`
	IssuedAt string `json:"issuedAt"`
	Created  string `json:"created"`
}

type stateEntry struct {
	Key    string `json:"key"`
	Status string `json:"status"`
	ID     string `json:"id,omitempty"`
	Line   int    `json:"line"`
}

type submitState struct {
	path   string
	f      *os.File
	header stateHeader
	done   map[string]bool
}

// openState loads path, creating it with a fresh header when it does not
// exist. A last line cut short by a crash is dropped; damage anywhere else
// is refused, because guessing could resend accepted lines.
func openState(path string, now time.Time) (*submitState, error) {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, usagef("state file: %v", err)
	}
	s := &submitState{path: path, f: f, done: map[string]bool{}}
	good, err := s.load()
	if err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Truncate(good); err != nil {
		f.Close()
		return nil, fmt.Errorf("state file %s: %v", path, err)
	}
	if _, err := f.Seek(good, io.SeekStart); err != nil {
		f.Close()
		return nil, fmt.Errorf("state file %s: %v", path, err)
	}
	if good == 0 { // new, or its header was cut short: nothing was recorded
		t := now.UTC().Format(time.RFC3339)
		s.header = stateHeader{Version: stateVersion, IssuedAt: t, Created: t}
		if err := s.append(s.header); err != nil {
			f.Close()
			return nil, err
		}
	}
	return s, nil
}

// load reads the header and entries and returns the length of the intact
// part of the file. Every line is written whole with its newline, so only
// the last line can lack one, and only if a write was cut short.
func (s *submitState) load() (int64, error) {
	r := bufio.NewReader(s.f)
	var good int64
	for n := 1; ; n++ {
		b, err := r.ReadBytes('\n')
		if err != nil && err != io.EOF {
			return 0, fmt.Errorf("state file %s: %v", s.path, err)
		}
		if err == io.EOF {
			// Nothing more, or a torn last line to drop. A first line is only
			// dropped if it can be the start of a header: truncating someone
			// else's one-line file would destroy it.
			if n == 1 && len(b) > 0 && !bytes.HasPrefix(headerStart, b) && !bytes.HasPrefix(b, headerStart) {
				return 0, usagef("state file %s was not written by blctl submit; give another --state", s.path)
			}
			return good, nil
		}
		if perr := s.parseLine(n, b); perr != nil {
			return 0, usagef("state file %s, line %d: %v (not written by blctl submit, or damaged; move it away to start over)", s.path, n, perr)
		}
		good += int64(len(b))
	}
}

func (s *submitState) parseLine(n int, b []byte) error {
	if n == 1 {
		if err := json.Unmarshal(b, &s.header); err != nil {
			return err
		}
		if s.header.Version != stateVersion || s.header.IssuedAt == "" {
			return fmt.Errorf("not a version %d state header", stateVersion)
		}
		return nil
	}
	var e stateEntry
	if err := json.Unmarshal(b, &e); err != nil {
		return err
	}
	if e.Key == "" {
		return errors.New("entry has no key")
	}
	s.done[e.Key] = true
	return nil
}

func (s *submitState) has(key string) bool { return s.done[key] }

// record appends entries and syncs them to disk before the next batch is
// sent: only then may a rerun rely on them.
func (s *submitState) record(entries []stateEntry) error {
	if len(entries) == 0 {
		return nil
	}
	vs := make([]any, len(entries))
	for i := range entries {
		vs[i] = entries[i]
		s.done[entries[i].Key] = true
	}
	return s.append(vs...)
}

func (s *submitState) append(vs ...any) error {
	var b bytes.Buffer
	for _, v := range vs {
		line, err := json.Marshal(v)
		if err != nil {
			return err
		}
		b.Write(line)
		b.WriteByte('\n')
	}
	if _, err := s.f.Write(b.Bytes()); err != nil {
		return fmt.Errorf("state file %s: %v", s.path, err)
	}
	if err := s.f.Sync(); err != nil {
		return fmt.Errorf("state file %s: %v", s.path, err)
	}
	return nil
}

func (s *submitState) close() error { return s.f.Close() }

// rejectLog writes FILE.rejected.ndjson. It reflects the latest run only:
// it is truncated on the first rejection and removed when a run rejects
// nothing, so a stale list never outlives the problem it described.
type rejectLog struct {
	path string
	f    *os.File
	w    *bufio.Writer
	n    int
}

func (r *rejectLog) add(rl *rejectedLine) error {
	if r.f == nil {
		f, err := os.OpenFile(r.path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o600)
		if err != nil {
			return usagef("rejected file: %v", err)
		}
		r.f, r.w = f, bufio.NewWriter(f)
	}
	b, err := json.Marshal(rl)
	if err != nil {
		return err
	}
	r.n++
	r.w.Write(b)
	return r.w.WriteByte('\n')
}

func (r *rejectLog) close() error {
	if r.f == nil {
		if err := os.Remove(r.path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return err
		}
		return nil
	}
	err := r.w.Flush()
	if cerr := r.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// progress reports on stderr: a redrawn bar on a terminal, otherwise a
// plain line every interval so that logs of long runs show life without
// being flooded. It counts lines read (submit) or bytes sent (watch import).
type progress struct {
	w        io.Writer
	tty      bool
	total    int64 // 0 when unknown (stdin)
	bytes    bool  // done and total count bytes sent, not lines read
	now      func() time.Time
	interval time.Duration
	last     time.Time
	drawn    bool
}

const barWidth = 30

// update reports submit's counts.
func (p *progress) update(c submitCounts, final bool) {
	p.show("submit", int64(c.seen), c.brief(), final)
}

// show reports done of the total, then detail; cmd names the command on
// the plain lines, which end up in logs among other commands' output.
func (p *progress) show(cmd string, done int64, detail string, final bool) {
	now := p.now()
	if p.tty {
		if !final && now.Sub(p.last) < 100*time.Millisecond {
			return
		}
		p.last, p.drawn = now, true
		fmt.Fprintf(p.w, "\r%s%s", p.bar(done), detail)
		if final {
			fmt.Fprintln(p.w)
		}
		return
	}
	if final {
		return // the summary on stdout says it all
	}
	if p.last.IsZero() {
		p.last = now
		return
	}
	if now.Sub(p.last) >= p.interval {
		p.last = now
		fmt.Fprintf(p.w, "blctl %s: %s%s\n", cmd, p.count(done), detail)
	}
}

func (p *progress) bar(done int64) string {
	if p.total <= 0 {
		return p.amount(done) + "  "
	}
	n := int(min(done*barWidth/p.total, barWidth))
	return fmt.Sprintf("[%s%s] %s  ", strings.Repeat("#", n), strings.Repeat(".", barWidth-n), p.amount(done))
}

func (p *progress) count(done int64) string {
	if p.bytes {
		return p.amount(done) + " sent, "
	}
	return p.amount(done) + " read, "
}

func (p *progress) amount(done int64) string {
	switch {
	case p.bytes && p.total <= 0:
		return byteSize(done)
	case p.bytes:
		return byteSize(done) + "/" + byteSize(p.total)
	case p.total <= 0:
		return fmt.Sprintf("%d lines", done)
	default:
		return fmt.Sprintf("%d/%d lines", done, p.total)
	}
}

// byteSize renders n bytes in binary units, one decimal: enough to watch
// an upload move.
func byteSize(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	f, suffix := float64(n)/unit, "KiB"
	for _, s := range []string{"MiB", "GiB", "TiB"} {
		if f < unit {
			break
		}
		f, suffix = f/unit, s
	}
	return fmt.Sprintf("%.1f %s", f, suffix)
}

// countLines counts non-blank lines for the progress bar: an estimate for
// CSV rows spanning lines, which is good enough for a bar.
func countLines(path string) int {
	f, err := os.Open(path)
	if err != nil {
		return 0
	}
	defer f.Close()
	n := 0
	r := bufio.NewReaderSize(f, 64<<10)
	for {
		b, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			n++
		}
		if err != nil {
			return n
		}
	}
}
