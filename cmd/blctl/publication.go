package main

import (
	"bufio"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// Publications of the blacklist to credit agencies (docs/publications.md):
// list and get talk to the association's node as an agency; verify works
// offline on the saved files.

func cmdPublication(e *env, args []string) int {
	return e.group("publication", args, []command{
		{"publish", publicationPublish},
		{"list", publicationList},
		{"get", publicationGet},
		{"verify", publicationVerify},
	})
}

type publicationSummary struct {
	Number  uint64             `json:"number"`
	Header  publication.Header `json:"header"`
	Digest  string             `json:"digest"`
	Signers []string           `json:"signers"`
	Slot    string             `json:"slot,omitempty"`
	TxID    string             `json:"txId"`
}

// publicationPublish makes the next publication now (the association's
// admin).
func publicationPublish(e *env, args []string) int {
	f := e.flags("publication publish")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("%s", e.t("cli.publication.noargs"))
	}
	var p publicationSummary
	if err := e.call("POST", "/v1/publications", nil, nil, &p); err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		if err := e.printJSON(p); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	h := p.Header
	fmt.Fprintln(e.stdout, e.t("cli.publication.row", h.Number, h.AsOf, h.LedgerHeight, h.Count, h.Added, h.Changed, h.Removed, p.Digest))
	return exitOK
}

func publicationList(e *env, args []string) int {
	f := e.flags("publication list")
	limit := f.Int("limit", 20, "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return f.usageErr("%s", e.t("cli.publication.noargs"))
	}
	var list []publicationSummary
	if err := e.call("GET", "/v1/publications", url.Values{"limit": {strconv.Itoa(*limit)}}, nil, &list); err != nil {
		return e.fail(err)
	}
	if e.jsonOut() {
		if err := e.printJSON(list); err != nil {
			return e.fail(err)
		}
		return exitOK
	}
	for _, p := range list {
		h := p.Header
		fmt.Fprintln(e.stdout, e.t("cli.publication.row", h.Number, h.AsOf, h.LedgerHeight, h.Count, h.Added, h.Changed, h.Removed, p.Digest))
	}
	return exitOK
}

// publicationGet streams GET /v1/publications/N into a temporary file
// beside FILE and renames it only when the line count matches the header:
// a file at FILE is always whole.
func publicationGet(e *env, args []string) int {
	f := e.flags("publication get")
	out := f.String("out", "", "")
	diff := f.Bool("diff", false, "")
	since := f.String("since-checkpoint", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("%s", e.t("cli.publication.onenumber"))
	}
	num, err := strconv.ParseUint(pos[0], 10, 64)
	if err != nil || num == 0 || strconv.FormatUint(num, 10) != pos[0] {
		return f.usageErr("%s", e.t("cli.publication.badnumber", pos[0]))
	}
	if code, ok := f.required("out"); !ok {
		return code
	}
	view := publication.ViewFull
	if *diff {
		view = publication.ViewDiff
	}
	tmp, err := os.CreateTemp(filepath.Dir(*out), ".blctl-publication-*")
	if err != nil {
		return e.fail(err)
	}
	defer os.Remove(tmp.Name())
	w := bufio.NewWriterSize(tmp, 64<<10)
	lines, err := e.downloadPublication(num, view, w)
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return e.fail(err)
	}
	// The line count the header promises: a cut download never lands.
	rd, err := os.Open(tmp.Name())
	if err != nil {
		return e.fail(err)
	}
	pr, err := publication.NewReader(rd)
	rd.Close()
	if err != nil {
		return e.fail(&ServerError{Op: "GET /v1/publications/" + pos[0], Err: err})
	}
	h := pr.Preamble.Header
	want := h.Count
	if *diff {
		want = h.Added + h.Changed + h.Removed
	}
	if lines-1 != want {
		return e.fail(&ServerError{Op: "GET /v1/publications/" + pos[0], Err: fmt.Errorf("%s", e.t("cli.publication.cut", lines-1, want))})
	}
	if *since != "" {
		if err := e.embedSince(tmp.Name(), pr.Preamble, *since); err != nil {
			return e.fail(err)
		}
	}
	if err := os.Rename(tmp.Name(), *out); err != nil {
		return e.fail(err)
	}
	fmt.Fprintln(e.stderr, e.t("cli.publication.got", *out, h.Number, view, lines-1, h.Root))
	return exitOK
}

func (e *env) downloadPublication(num uint64, view string, w io.Writer) (int64, error) {
	op := "GET /v1/publications/" + strconv.FormatUint(num, 10)
	c := e.api()
	req, err := c.newRequest(e.ctx, "GET", c.target("/v1/publications/"+strconv.FormatUint(num, 10), url.Values{"view": {view}}), "", nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Accept", publication.MediaType+", application/problem+json")
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, &ServerError{Op: op, Err: describeTransport(err, c.http.Timeout)}
	}
	if resp.StatusCode != http.StatusOK {
		status, header, answer, err := readAnswer(resp)
		if err != nil {
			return 0, &ServerError{Op: op, Err: err}
		}
		return 0, decodeAnswer(op, status, header, answer, nil)
	}
	defer resp.Body.Close()
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), publication.MaxLine)
	var n int64
	for sc.Scan() {
		if _, err := w.Write(append(sc.Bytes(), '\n')); err != nil {
			return n, err
		}
		n++
	}
	if err := sc.Err(); err != nil {
		return n, &ServerError{Op: op, Err: fmt.Errorf("%s", e.t("cli.publication.broke", n, describeTransport(err, c.http.Timeout)))}
	}
	return n, nil
}

// publicationVerifyOutput is publication verify's --output json answer.
type publicationVerifyOutput struct {
	Verified bool                `json:"verified"`
	Failure  string              `json:"failure,omitempty"`
	Report   *publication.Report `json:"report,omitempty"`
}

// publicationVerify checks saved files against a trust root with no
// network: it never builds the API client.
func publicationVerify(e *env, args []string) int {
	f := e.flags("publication verify")
	prevFile := f.String("previous", "", "")
	lastFile := f.String("last-checkpoint", "", "")
	rootFile := f.String("trust-root", "", "")
	pos, code, ok := f.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return f.usageErr("%s", e.t("cli.publication.onefile"))
	}
	if code, ok := f.required("trust-root"); !ok {
		return code
	}
	rawRoot, err := e.readInput(*rootFile)
	if err != nil {
		return e.fail(err)
	}
	root, err := evidence.DecodeTrustRoot(rawRoot)
	if err != nil {
		fmt.Fprintf(e.stderr, "blctl publication verify: %s\n", e.t("cli.evidence.unreadable", *rootFile, err))
		return exitRefused
	}
	pub, err := os.Open(pos[0])
	if err != nil {
		return e.fail(usagef("%v", err))
	}
	defer pub.Close()
	var prev io.Reader
	if *prevFile != "" {
		pf, err := os.Open(*prevFile)
		if err != nil {
			return e.fail(usagef("%v", err))
		}
		defer pf.Close()
		prev = bufio.NewReaderSize(pf, 64<<10)
	}
	var last []byte
	if *lastFile != "" {
		if last, err = os.ReadFile(*lastFile); err != nil {
			return e.fail(usagef("%v", err))
		}
	}
	rep, verr := publication.Verify(bufio.NewReaderSize(pub, 64<<10), prev, root)
	if verr == nil && last != nil {
		verr = checkSince(rep, pos[0], last, root)
	}
	if e.jsonOut() {
		out := publicationVerifyOutput{Verified: verr == nil, Report: rep}
		if verr != nil {
			out.Failure = verr.Error()
		}
		if err := e.printJSON(out); err != nil {
			return e.fail(err)
		}
	} else if rep != nil {
		for _, c := range rep.Checks {
			mark := e.t("cli.publication.ok")
			if !c.OK {
				mark = e.t("cli.publication.bad")
			}
			fmt.Fprintf(e.stdout, "%s %s: %s\n", mark, e.t("cli.publication.step."+c.Step), c.Detail)
		}
	}
	if verr != nil {
		fmt.Fprintf(e.stderr, "blctl publication verify: %s\n", e.t("cli.publication.failed", pos[0], verr))
		return exitRefused
	}
	h := rep.Header
	fmt.Fprintln(e.stdout, e.t("cli.publication.verified", h.Number, h.LedgerHeight, h.Count, h.Root))
	return exitOK
}

// embedSince fetches the consistency proof from the checkpoint in file
// last (the last one the agency saw) to the publication's checkpoint and
// writes it into the preamble of the downloaded file at path. The
// checkpoints' signatures are checked by publication verify, offline.
func (e *env) embedSince(path string, p publication.Preamble, lastFile string) error {
	raw, err := os.ReadFile(lastFile)
	if err != nil {
		return usagef("%v", err)
	}
	text, _, err := translog.SplitNote(raw)
	var last translog.Checkpoint
	if err == nil {
		last, err = translog.ParseCheckpoint(text)
	}
	if err != nil {
		return usagef("%s", e.t("cli.publication.lastbad", lastFile, err))
	}
	if p.Log == nil {
		return fmt.Errorf("%s", e.t("cli.publication.nolog", p.Header.Number))
	}
	ptext, _, err := translog.SplitNote([]byte(p.Log.Checkpoint))
	var pc translog.Checkpoint
	if err == nil {
		pc, err = translog.ParseCheckpoint(ptext)
	}
	if err != nil {
		return &ServerError{Op: "GET /v1/publications/" + strconv.FormatUint(p.Header.Number, 10), Err: err}
	}
	since := &publication.Since{From: last.Size, Proof: []string{}}
	if last.Size < pc.Size && last.Size > 0 {
		var cp struct {
			Proof []translog.Hash `json:"proof"`
		}
		q := url.Values{"from": {strconv.FormatInt(last.Size, 10)}, "to": {strconv.FormatInt(pc.Size, 10)}}
		if err := e.call("GET", "/v1/log/consistency", q, nil, &cp); err != nil {
			return err
		}
		for _, h := range cp.Proof {
			since.Proof = append(since.Proof, base64.StdEncoding.EncodeToString(h[:]))
		}
	}
	p.Since = since
	src, err := os.Open(path)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := os.CreateTemp(filepath.Dir(path), ".blctl-publication-*")
	if err != nil {
		return err
	}
	defer os.Remove(dst.Name())
	rd := bufio.NewReaderSize(src, 64<<10)
	if _, err := rd.ReadSlice('\n'); err != nil {
		dst.Close()
		return err
	}
	w := bufio.NewWriterSize(dst, 64<<10)
	err = publication.WritePreamble(w, p)
	if err == nil {
		_, err = io.Copy(w, rd)
	}
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = dst.Sync()
	}
	if cerr := dst.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(dst.Name(), path)
}

// checkSince checks the file's embedded consistency proof from the last
// checkpoint, adding the step to the report.
func checkSince(rep *publication.Report, file string, last []byte, root *evidence.TrustRoot) error {
	f, err := os.Open(file)
	if err != nil {
		return err
	}
	defer f.Close()
	rd, err := publication.NewReader(bufio.NewReader(f))
	if err != nil {
		return err
	}
	d, err := publication.CheckSince(rd.Preamble, last, root)
	if err != nil {
		rep.Checks = append(rep.Checks, publication.Check{Step: publication.StepSince, Detail: err.Error()})
		return fmt.Errorf("%s: %v", publication.StepSince, err)
	}
	rep.Checks = append(rep.Checks, publication.Check{Step: publication.StepSince, OK: true, Detail: d})
	return nil
}
