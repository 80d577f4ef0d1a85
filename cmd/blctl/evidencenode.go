package main

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
)

// The evidence commands that talk to a node: one bundle (evidence get), a
// batch export for litigation (evidence export), the log's checkpoint
// (log checkpoint) and the trust root (trust-root).

// writeFileAtomic writes b to path through a temporary file in the same
// directory, so that a file at path is always whole.
func writeFileAtomic(path string, b []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".blctl-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// getBundle fetches the evidence bundle of default id, verbatim.
func (e *env) getBundle(id string) ([]byte, error) {
	if !isHex64(id) {
		return nil, refused(errors.New(e.t("cli.evidence.badid", id)))
	}
	var raw json.RawMessage
	if err := e.call("GET", "/v1/evidence/"+id, url.Values{"purpose": {evidence.Purpose}}, nil, &raw); err != nil {
		return nil, err
	}
	return raw, nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil && strings.ToLower(s) == s
}

func evidenceGet(e *env, args []string) int {
	f := e.flags("evidence get")
	out := f.String("out", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("%s", e.t("cli.evidence.oneid"))
	}
	if code, ok := f.required("out"); !ok {
		return code
	}
	raw, err := e.getBundle(pos[0])
	if err != nil {
		return e.fail(err)
	}
	if *out == "-" {
		_, err = e.stdout.Write(append(raw, '\n'))
	} else {
		err = writeFileAtomic(*out, raw)
	}
	if err != nil {
		return e.fail(err)
	}
	if b, err := evidence.DecodeBundle(raw); err == nil {
		fmt.Fprintln(e.stderr, e.t("cli.evidence.got", *out, len(b.Records), strings.Join(b.Cosigners, ", ")))
	}
	return exitOK
}

// ownDefault is one default of POST /v1/evidence/defaults.
type ownDefault struct {
	ID           string `json:"id"`
	LoanRef      string `json:"loanRef"`
	Subject      string `json:"subject"`
	Amount       int64  `json:"amount"`
	Currency     string `json:"currency"`
	OverdueSince string `json:"overdueSince"`
	DaysPastDue  int    `json:"daysPastDue"`
	RecordedAt   string `json:"recordedAt"`
	State        string `json:"state"`
}

type ownDefaults struct {
	Defaults []ownDefault `json:"defaults"`
	Missing  []string     `json:"missing"`
	Next     string       `json:"next"`
}

// manifestEntry is one line of an export's manifest.
type manifestEntry struct {
	LoanRefDigest string `json:"loanRefDigest"`
	// LoanRef is the reference as given in --loans, when it was not
	// already a digest.
	LoanRef       string `json:"loanRef,omitempty"`
	AttestationID string `json:"attestationId"`
	SubjectKey    string `json:"subjectKey"`
	Amount        int64  `json:"amount"`
	Currency      string `json:"currency"`
	DaysPastDue   int    `json:"daysPastDue"`
	Bundle        string `json:"bundle"`
	BundleDigest  string `json:"bundleDigest"`
}

// loanDigest turns a line of --loans into the loanRef filed: 64 hex
// characters are taken as the digest itself; anything else is hashed with
// SHA-256, the convention of the README's examples.
func loanDigest(line string) string {
	if l := strings.ToLower(line); isHex64(l) {
		return l
	}
	sum := sha256.Sum256([]byte(line))
	return hex.EncodeToString(sum[:])
}

// daysPastDue counts the days from overdueSince to today (as of the
// export), or falls back to the days the default was filed with.
func daysPastDue(d ownDefault, now time.Time) int {
	since, err := time.Parse(time.DateOnly, d.OverdueSince)
	if err != nil {
		return d.DaysPastDue
	}
	return int(now.Sub(since).Hours() / 24)
}

func evidenceExport(e *env, args []string) int {
	f := e.flags("evidence export")
	loans := f.String("loans", "", "")
	olderThan := f.Int("older-than", -1, "")
	dir := f.String("out", "", "")
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
	if (*loans == "") == (*olderThan < 0) {
		return f.usageErr("%s", e.t("cli.evidence.loansor"))
	}
	if err := os.MkdirAll(*dir, 0o750); err != nil {
		return e.fail(usagef("%v", err))
	}
	defaults, given, missing, err := e.exportList(*loans, *olderThan)
	if err != nil {
		return e.fail(err)
	}
	for _, m := range missing {
		fmt.Fprintln(e.stderr, e.t("cli.evidence.missing", given[m], m))
	}
	now := e.now()
	var manifest []manifestEntry
	failed := 0
	for i, d := range defaults {
		name := "evidence-" + d.ID + ".json"
		path := filepath.Join(*dir, name)
		raw, done := completeBundle(path, d.ID)
		status := e.t("cli.evidence.skipped")
		if !done {
			var err error
			if raw, err = e.getBundle(d.ID); err == nil {
				err = writeFileAtomic(path, raw)
			}
			if err != nil {
				failed++
				fmt.Fprintf(e.stderr, "[%d/%d] %s: ", i+1, len(defaults), d.ID)
				e.fail(err)
				continue
			}
			status = e.t("cli.evidence.written")
		}
		fmt.Fprintf(e.stderr, "[%d/%d] %s %s\n", i+1, len(defaults), d.ID, status)
		sum := sha256.Sum256(raw)
		me := manifestEntry{LoanRefDigest: d.LoanRef, AttestationID: d.ID, SubjectKey: d.Subject, Amount: d.Amount, Currency: d.Currency,
			DaysPastDue: daysPastDue(d, now), Bundle: name, BundleDigest: hex.EncodeToString(sum[:])}
		if g := given[d.LoanRef]; g != d.LoanRef {
			me.LoanRef = g
		}
		manifest = append(manifest, me)
	}
	if err := writeManifest(*dir, manifest); err != nil {
		return e.fail(err)
	}
	fmt.Fprintln(e.stderr, e.t("cli.evidence.exported", len(manifest), *dir, failed, len(missing)))
	if failed > 0 || len(missing) > 0 {
		return exitRefused
	}
	return exitOK
}

// exportList asks the node for the defaults to export: those of the loans
// in file (given maps each digest to the line it came from), or every
// active default recorded more than olderThan days ago.
func (e *env) exportList(file string, olderThan int) (defaults []ownDefault, given map[string]string, missing []string, err error) {
	given = map[string]string{}
	if file != "" {
		raw, err := e.readInput(file)
		if err != nil {
			return nil, nil, nil, err
		}
		var refs []string
		sc := bufio.NewScanner(bytes.NewReader(raw))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if line == "" || strings.HasPrefix(line, "#") {
				continue
			}
			d := loanDigest(line)
			if _, dup := given[d]; !dup {
				given[d] = line
				refs = append(refs, d)
			}
		}
		if err := sc.Err(); err != nil {
			return nil, nil, nil, usagef("%s: %v", file, err)
		}
		for len(refs) > 0 {
			n := min(len(refs), 1000)
			var page ownDefaults
			if err := e.call("POST", "/v1/evidence/defaults", nil, map[string]any{"loanRefs": refs[:n]}, &page); err != nil {
				return nil, nil, nil, err
			}
			defaults, missing = append(defaults, page.Defaults...), append(missing, page.Missing...)
			refs = refs[n:]
		}
		return defaults, given, missing, nil
	}
	req := map[string]any{"activeOnly": true, "recordedBefore": e.now().AddDate(0, 0, -olderThan).UTC().Format(time.RFC3339Nano)}
	for {
		var page ownDefaults
		if err := e.call("POST", "/v1/evidence/defaults", nil, req, &page); err != nil {
			return nil, nil, nil, err
		}
		for _, d := range page.Defaults {
			given[d.LoanRef] = d.LoanRef
		}
		defaults = append(defaults, page.Defaults...)
		if page.Next == "" {
			return defaults, given, nil, nil
		}
		req["after"] = page.Next
	}
}

// completeBundle reports whether path holds a whole bundle of default id
// (an earlier, interrupted export wrote it), and returns its bytes.
func completeBundle(path, id string) ([]byte, bool) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, false
	}
	b, err := evidence.DecodeBundle(raw)
	if err != nil || b.AttestationID != id {
		return nil, false
	}
	return raw, true
}

// writeManifest writes manifest.json and manifest.csv in dir.
func writeManifest(dir string, entries []manifestEntry) error {
	if entries == nil {
		entries = []manifestEntry{}
	}
	j, err := json.MarshalIndent(entries, "", "  ")
	if err != nil {
		return err
	}
	if err := writeFileAtomic(filepath.Join(dir, "manifest.json"), append(j, '\n')); err != nil {
		return err
	}
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write([]string{"loan_ref_digest", "loan_ref", "attestation_id", "subject_key", "amount", "currency", "days_past_due", "bundle", "bundle_sha256"})
	for _, m := range entries {
		_ = w.Write([]string{m.LoanRefDigest, m.LoanRef, m.AttestationID, m.SubjectKey, strconv.FormatInt(m.Amount, 10), m.Currency,
			strconv.Itoa(m.DaysPastDue), m.Bundle, m.BundleDigest})
	}
	w.Flush()
	if err := w.Error(); err != nil {
		return err
	}
	return writeFileAtomic(filepath.Join(dir, "manifest.csv"), b.Bytes())
}

// cmdLog groups the transparency log's commands.
func cmdLog(e *env, args []string) int {
	return e.group("log", args, []command{{"checkpoint", logCheckpoint}})
}

// logCheckpoint prints the latest checkpoint a quorum cosigned (a C2SP
// signed note), or writes it to --out.
func logCheckpoint(e *env, args []string) int {
	f := e.flags("log checkpoint")
	out := f.String("out", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("unexpected argument %q", pos[0])
	}
	note, err := e.getText("/v1/log/checkpoint")
	if err != nil {
		return e.fail(err)
	}
	if *out != "" && *out != "-" {
		if err := writeFileAtomic(*out, note); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	_, err = e.stdout.Write(note)
	if err != nil {
		return e.fail(err)
	}
	return exitOK
}

// getText GETs a text/plain answer verbatim.
func (e *env) getText(path string) ([]byte, error) {
	c := e.api()
	op := "GET " + path
	req, err := c.newRequest(e.ctx, "GET", c.target(path, nil), "", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "text/plain, application/problem+json")
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, &ServerError{Op: op, Err: describeTransport(err, c.http.Timeout)}
	}
	status, header, answer, err := readAnswer(resp)
	if err != nil {
		return nil, &ServerError{Op: op, Err: err}
	}
	if status != 200 {
		return nil, decodeProblem(status, header, answer)
	}
	return answer, nil
}

// cmdTrustRoot writes the trust root a verifier of evidence needs.
func cmdTrustRoot(e *env, args []string) int {
	f := e.flags("trust-root")
	out := f.String("out", "", "")
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
	var raw json.RawMessage
	if err := e.call("GET", "/v1/trust-root", nil, nil, &raw); err != nil {
		return e.fail(err)
	}
	tr, err := evidence.DecodeTrustRoot(raw)
	if err != nil {
		return e.fail(&ServerError{Op: "GET /v1/trust-root", Err: err})
	}
	if *out == "-" {
		_, err = e.stdout.Write(append(raw, '\n'))
	} else {
		err = writeFileAtomic(*out, raw)
	}
	if err != nil {
		return e.fail(err)
	}
	fmt.Fprintln(e.stderr, e.t("cli.trustroot.wrote", *out, len(tr.Organisations), tr.Quorum))
	return exitOK
}
