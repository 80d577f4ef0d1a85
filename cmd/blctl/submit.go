package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

const maxBatch = 1000 // the API's limit per batch request

// progressInterval is how often progress is logged when stderr is not a
// terminal. A variable so that tests see progress lines without waiting.
var progressInterval = 5 * time.Second

type submitCounts struct {
	seen, skipped, accepted, duplicate, rejected int
}

func (c submitCounts) brief() string {
	return fmt.Sprintf("accepted %d  duplicate %d  rejected %d  skipped %d", c.accepted, c.duplicate, c.rejected, c.skipped)
}

type submitFlags struct {
	file, keyFile, kid, state, rejected, format string
	batch                                       int
}

func cmdSubmit(e *env, args []string) int {
	f := e.flags("submit")
	var o submitFlags
	f.StringVar(&o.keyFile, "key", "", "")
	f.StringVar(&o.kid, "kid", "", "")
	f.IntVar(&o.batch, "batch", 500, "")
	f.StringVar(&o.state, "state", "", "")
	f.StringVar(&o.rejected, "rejected", "", "")
	f.StringVar(&o.format, "format", "auto", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("expected exactly one input FILE (or - for stdin), got %d", len(pos))
	}
	o.file = pos[0]
	if msg := o.complete(); msg != "" {
		return f.usageErr("%s", msg)
	}
	return submit(e, o)
}

// complete checks the flags and fills in the derived defaults; it returns
// a usage message when they do not fit together.
func (o *submitFlags) complete() string {
	if (o.keyFile == "") != (o.kid == "") {
		return "--key and --kid go together"
	}
	if o.batch < 1 || o.batch > maxBatch {
		return fmt.Sprintf("--batch must be 1 to %d, got %d", maxBatch, o.batch)
	}
	switch o.format {
	case "auto":
		o.format = "ndjson"
		if strings.EqualFold(filepath.Ext(o.file), ".csv") {
			o.format = "csv"
		}
	case "ndjson", "csv":
	default:
		return fmt.Sprintf("--format must be auto, ndjson or csv, got %q", o.format)
	}
	base := o.file
	if o.file == "-" {
		if o.state == "" {
			return "reading stdin: give --state FILE so that the run can be resumed"
		}
		base = o.state
	}
	if o.state == "" {
		o.state = base + ".blctl-state"
	}
	if o.rejected == "" {
		o.rejected = base + ".rejected.ndjson"
	}
	return ""
}

// submitter sends prepared items in batches and keeps the books.
type submitter struct {
	e       *env
	prep    preparer
	state   *submitState
	rej     *rejectLog
	prog    *progress
	batch   int
	pending []item
	counts  submitCounts
	ids     []string // accepted and duplicate attestation ids, in input order (json output only)
	// notListed are the defaults recorded below the policy's threshold:
	// accepted, but listing nobody, which the reporter must be told.
	notListed []notListed
	// protected are the defaults filed on subjects under protective
	// registration (identity theft): accepted, with a warning the reporter
	// must see, since fraud victims' loans are the typical wrongful ones.
	protected []protectedLine
	shown     []*rejectedLine // the first rejected lines, printed with their reasons
}

// protectedLine is a default accepted with the warning subject-protected.
type protectedLine struct {
	Line int    `json:"line"`
	ID   string `json:"id"`
}

// notListed is a default the ledger recorded below the listing threshold.
type notListed struct {
	Line           int                 `json:"line"`
	ID             string              `json:"id"`
	BelowThreshold *contract.Threshold `json:"belowThreshold,omitempty"`
}

// maxNotListedShown bounds the per-line notes on stderr; json output and
// the count carry them all.
const maxNotListedShown = 20

// thresholdText says which minimum a default missed, for people.
func (e *env) thresholdText(t *contract.Threshold) string {
	if t == nil {
		return e.t("cli.threshold.below")
	}
	var parts []string
	for _, m := range t.Missed {
		switch m {
		case "daysPastDue":
			parts = append(parts, e.t("cli.threshold.days", t.MinDaysPastDue))
		case "amount":
			parts = append(parts, e.t("cli.threshold.amount", e.money(t.Currency, t.MinAmount)))
		}
	}
	return strings.Join(parts, e.t("cli.threshold.and"))
}

func submit(e *env, o submitFlags) int {
	s := &submitter{e: e, batch: o.batch, rej: &rejectLog{path: o.rejected}}
	if o.keyFile != "" {
		key, err := loadPrivateKey(o.keyFile)
		if err != nil {
			return e.fail(err)
		}
		s.prep.key, s.prep.kid = key, o.kid
	}
	in, closeIn, err := openSubmitInput(e, o.file)
	if err != nil {
		return e.fail(err)
	}
	defer closeIn()
	src, err := newSource(o.format, in)
	if err != nil {
		return e.fail(err)
	}
	if s.state, err = openState(o.state, e.now()); err != nil {
		return e.fail(err)
	}
	defer s.state.close()
	s.prep.issuedAt = s.state.header.IssuedAt
	s.prog = newProgress(e, o)

	runErr := s.run(src)
	s.prog.update(s.counts, true)
	if err := s.rej.close(); err != nil && runErr == nil {
		runErr = err
	}
	s.printSummary(o)
	if runErr != nil {
		code := e.fail(runErr)
		fmt.Fprintln(e.stderr, e.t("cli.submit.stopped", o.state))
		return code
	}
	if s.counts.rejected > 0 {
		return exitRefused
	}
	return exitOK
}

func openSubmitInput(e *env, file string) (io.Reader, func(), error) {
	if file == "-" {
		return e.stdin, func() {}, nil
	}
	f, err := os.Open(file)
	if err != nil {
		return nil, nil, usagef("%v", err)
	}
	return f, func() { f.Close() }, nil
}

func newSource(format string, in io.Reader) (source, error) {
	if format == "csv" {
		return newCSVSource(in)
	}
	return newNDJSONSource(in), nil
}

func newProgress(e *env, o submitFlags) *progress {
	p := &progress{w: e.stderr, tty: isTerminal(e.stderr), now: e.now, interval: progressInterval}
	if p.tty && o.file != "-" {
		p.total = int64(countLines(o.file))
		if o.format == "csv" && p.total > 0 {
			p.total-- // the header
		}
	}
	return p
}

// run reads every record, skips those the state file lists, and sends the
// rest. It stops at the first batch that fails as a whole.
func (s *submitter) run(src source) error {
	for {
		rec, ok, err := src.next()
		if err != nil {
			return err
		}
		if !ok {
			return s.flush()
		}
		s.counts.seen++
		it, rj := s.prep.prepare(rec)
		switch {
		case rj != nil:
			if err := s.reject(rj); err != nil {
				return err
			}
		case s.state.has(it.key):
			s.counts.skipped++
		default:
			s.pending = append(s.pending, it)
		}
		if len(s.pending) >= s.batch {
			if err := s.flush(); err != nil {
				return err
			}
		}
		s.prog.update(s.counts, false)
	}
}

func (s *submitter) reject(rj *rejectedLine) error {
	s.counts.rejected++
	if len(s.shown) < maxRejectedShown {
		s.shown = append(s.shown, rj)
	}
	return s.rej.add(rj)
}

// maxRejectedShown bounds the rejected lines printed with their reasons;
// the rejected file has them all.
const maxRejectedShown = 20

type batchAnswer struct {
	Results []contract.ItemResult `json:"results"`
}

// flush sends the pending items as one batch and records the outcome: the
// state file first, so that what the ledger holds is never sent again.
func (s *submitter) flush() error {
	if len(s.pending) == 0 {
		return nil
	}
	batch := s.pending
	s.pending = nil
	items := make([]json.RawMessage, len(batch))
	for i, it := range batch {
		items[i] = it.send
	}
	var ans batchAnswer
	const op = "POST /v1/attestations/batch"
	err := s.e.call("POST", "/v1/attestations/batch", nil, map[string]any{"items": items}, &ans)
	var p *Problem
	if errors.As(err, &p) && p.Status == 413 {
		fmt.Fprintln(s.e.stderr, "blctl submit: hint: the batch is larger than the server accepts; use a smaller --batch")
	}
	if err != nil {
		return err
	}
	if len(ans.Results) != len(batch) {
		return &ServerError{Op: op, Err: fmt.Errorf("answer has %d results for %d items", len(ans.Results), len(batch))}
	}
	var done []stateEntry
	var rejected []*rejectedLine
	ids := make([]string, len(batch))
	for _, r := range ans.Results {
		if r.Index < 0 || r.Index >= len(batch) {
			return &ServerError{Op: op, Err: fmt.Errorf("answer has a result for item %d of %d", r.Index, len(batch))}
		}
		it := batch[r.Index]
		switch r.Status {
		case contract.ItemAccepted, contract.ItemDuplicate:
			done = append(done, stateEntry{Key: it.key, Status: r.Status, ID: r.ID, Line: it.line})
			ids[r.Index] = r.ID
			if r.Listed != nil && !*r.Listed {
				s.notListed = append(s.notListed, notListed{Line: it.line, ID: r.ID, BelowThreshold: r.BelowThreshold})
			}
			if slices.Contains(r.Warnings, contract.WarningSubjectProtected) {
				s.protected = append(s.protected, protectedLine{Line: it.line, ID: r.ID})
			}
			if r.Status == contract.ItemAccepted {
				s.counts.accepted++
			} else {
				s.counts.duplicate++
			}
		default:
			id := r.ID
			if id == "" {
				id = it.id
			}
			rejected = append(rejected, &rejectedLine{Line: it.line, ID: id, Code: r.Code, Message: r.Message, Input: it.input})
		}
	}
	if err := s.state.record(done); err != nil {
		return err
	}
	if s.e.jsonOut() {
		for _, id := range ids {
			if id != "" {
				s.ids = append(s.ids, id)
			}
		}
	}
	for _, rj := range rejected {
		if err := s.reject(rj); err != nil {
			return err
		}
	}
	return nil
}

func (s *submitter) printSummary(o submitFlags) {
	c := s.counts
	if s.e.jsonOut() {
		ids := s.ids
		if ids == nil {
			ids = []string{}
		}
		nl := s.notListed
		if nl == nil {
			nl = []notListed{}
		}
		out := map[string]any{"accepted": c.accepted, "duplicate": c.duplicate, "rejected": c.rejected,
			"skipped": c.skipped, "stateFile": o.state, "ids": ids, "notListed": nl}
		if c.rejected > 0 {
			out["rejectedFile"] = o.rejected
		}
		if len(s.protected) > 0 {
			out["protected"] = s.protected
		}
		_ = s.e.printJSON(out)
	} else {
		s.printTable(o)
	}
	s.printNotes(o)
}

func (s *submitter) printTable(o submitFlags) {
	c := s.counts
	w := s.e.table()
	s.e.row(w, "accepted", fmt.Sprint(c.accepted))
	s.e.row(w, "duplicate", fmt.Sprint(c.duplicate))
	if c.rejected > 0 {
		s.e.row(w, "rejected", fmt.Sprint(c.rejected), s.e.t("cli.submit.see", o.rejected))
	} else {
		s.e.row(w, "rejected", fmt.Sprint(c.rejected))
	}
	if c.skipped > 0 {
		s.e.row(w, "skipped", fmt.Sprint(c.skipped), s.e.t("cli.submit.earlier", o.state))
	}
	if n := len(s.notListed); n > 0 {
		s.e.row(w, "not listed", fmt.Sprint(n), "defaults recorded below the policy's listing threshold: they list nobody")
	}
	if n := len(s.protected); n > 0 {
		s.e.row(w, "subject protected", fmt.Sprint(n), "defaults on subjects under protective registration (identity theft): verify them")
	}
	w.Flush()
}

// printNotes tells, on stderr, why lines were rejected and which defaults
// list nobody: the summary's counts alone leave the reader guessing.
func (s *submitter) printNotes(o submitFlags) {
	c := s.counts
	for _, rj := range s.shown {
		fmt.Fprintln(s.e.stderr, s.e.t("cli.submit.rejected", rj.Line, rj.Code, rj.Message))
	}
	if more := c.rejected - len(s.shown); more > 0 {
		fmt.Fprintln(s.e.stderr, s.e.t("cli.submit.morerejected", more, o.rejected))
	}
	for i, nl := range s.notListed {
		if i == maxNotListedShown {
			fmt.Fprintln(s.e.stderr, s.e.t("cli.submit.morenotlisted", len(s.notListed)-i))
			break
		}
		fmt.Fprintln(s.e.stderr, s.e.t("cli.submit.notlisted", nl.Line, s.e.short(nl.ID), s.e.thresholdText(nl.BelowThreshold)))
	}
	for i, pl := range s.protected {
		if i == maxNotListedShown {
			break
		}
		fmt.Fprintln(s.e.stderr, s.e.t("cli.submit.protected", pl.Line, s.e.short(pl.ID)))
	}
}
