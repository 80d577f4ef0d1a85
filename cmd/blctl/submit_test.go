package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

// payloadLine is default number i. complete adds v, reporter and issuedAt,
// which only a locally signed payload needs.
func payloadLine(i int, complete bool) string {
	m := map[string]any{
		"type": "default", "subject": hex64("subject", i), "loanRef": hex64("loan", i),
		"product": "consumer", "amount": 100000 + i, "currency": "CNY",
		"overdueSince": "2025-01-01", "daysPastDue": 120, "noticeDate": "2025-03-01",
	}
	if complete {
		m["v"], m["reporter"], m["issuedAt"] = 1, testMember, "2026-01-15T10:00:00+08:00"
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// lineOfLoan maps a loanRef back to its input line, so assertions can
// talk about lines.
func lineOfLoan(n int) map[string]int {
	m := map[string]int{}
	for i := 1; i <= n; i++ {
		m[hex64("loan", i)] = i
	}
	return m
}

func writeKey(t *testing.T, dir string) string {
	t.Helper()
	k, err := attestation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pem, err := attestation.MarshalPrivateKeyPEM(k)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "bank1.key")
	if err := os.WriteFile(path, []byte(pem), 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// linesSent lists, per batch call from index from on, the input lines sent.
func (f *fakeAPI) linesSent(from int, lines map[string]int) []int {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []int
	for _, b := range f.batchLoans[from:] {
		for _, loan := range b {
			out = append(out, lines[loan])
		}
	}
	return out
}

func span(from, to int) []int {
	var out []int
	for i := from; i <= to; i++ {
		out = append(out, i)
	}
	return out
}

// TestSubmitResumes interrupts a 10-line submit (batches of 4) in the
// second batch in several ways, then reruns it. The rerun must send only
// lines the first run did not see accepted, and the ledger must end up with
// every line exactly once.
func TestSubmitResumes(t *testing.T) {
	const n = 10
	for _, signer := range []string{"local key", "node"} {
		for _, tc := range []struct {
			name string
			mode batchMode
			// committed says which lines of batch 2 the fake committed.
			committed []int
		}{
			{"503", batch503, nil},
			{"connection dropped", batchDropBefore, nil},
			{"answer lost after commit", batchDropAfter, span(5, 8)},
			{"half committed then 503", batchHalfCommits, span(5, 6)},
		} {
			t.Run(signer+"/"+tc.name, func(t *testing.T) {
				f := newFake(t)
				dir := t.TempDir()
				in := filepath.Join(dir, "defaults.ndjson")
				var buf strings.Builder
				for i := 1; i <= n; i++ {
					buf.WriteString(payloadLine(i, signer == "local key") + "\n")
				}
				os.WriteFile(in, []byte(buf.String()), 0o644)
				args := []string{"submit", "--batch", "4", in}
				if signer == "local key" {
					args = []string{"submit", "--batch", "4", "--key", writeKey(t, dir), "--kid", "bank1-2026", in}
				}
				lines := lineOfLoan(n)

				f.batchModes[2] = tc.mode
				code, out, stderr := f.cli(t, "", args...)
				if code != exitTransport {
					t.Fatalf("first run: exit %d, want %d\n%s\n%s", code, exitTransport, out, stderr)
				}
				if !strings.Contains(stderr, "rerun the same command to resume") {
					t.Errorf("first run stderr:\n%s", stderr)
				}
				if got := f.linesSent(0, lines); !slices.Equal(got, span(1, 8)) {
					t.Fatalf("first run sent lines %v", got)
				}

				code, out, stderr = f.cli(t, "", args...)
				if code != exitOK {
					t.Fatalf("rerun: exit %d\n%s\n%s", code, out, stderr)
				}
				// Batch 1 was acknowledged: none of it may be sent again.
				if got := f.linesSent(2, lines); !slices.Equal(got, span(5, n)) {
					t.Fatalf("rerun sent lines %v, want %v", got, span(5, n))
				}
				if len(f.accepted) != n {
					t.Errorf("ledger holds %d attestations, want %d", len(f.accepted), n)
				}
				for id, times := range f.accepted {
					if times != 1 {
						t.Errorf("attestation %s accepted %d times", id, times)
					}
				}
				wantAcc, wantDup := n-4-len(tc.committed), len(tc.committed)
				if !strings.Contains(out, fmt.Sprintf("accepted   %d", wantAcc)) || !strings.Contains(out, fmt.Sprintf("duplicate  %d", wantDup)) ||
					!strings.Contains(out, "skipped    4") {
					t.Errorf("rerun summary:\n%s", out)
				}

				// A third run has nothing left to send.
				calls := len(f.batchLoans)
				if code, out, _ := f.cli(t, "", args...); code != exitOK || len(f.batchLoans) != calls || !strings.Contains(out, "skipped    10") {
					t.Errorf("third run: exit %d, %d new batches\n%s", code, len(f.batchLoans)-calls, out)
				}
			})
		}
	}
}

func TestSubmitRejectedLines(t *testing.T) {
	f := newFake(t)
	f.rejectSubject = hex64("subject", 2)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ndjson")
	content := payloadLine(1, false) + "\n\n" + payloadLine(2, false) + "\n" + `{"type": "default", "colour": "red"}` + "\n" + `not json` + "\n" + payloadLine(3, false) + "\n"
	os.WriteFile(in, []byte(content), 0o644)

	code, out, stderr := f.cli(t, "", "submit", in)
	if code != exitRefused {
		t.Fatalf("exit %d, want %d\n%s\n%s", code, exitRefused, out, stderr)
	}
	if !strings.Contains(out, "accepted   2") || !strings.Contains(out, "rejected   3") {
		t.Errorf("summary:\n%s", out)
	}
	b, err := os.ReadFile(in + ".rejected.ndjson")
	if err != nil {
		t.Fatal(err)
	}
	var got []rejectedLine
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var r rejectedLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("rejected line %q: %v", l, err)
		}
		got = append(got, r)
	}
	// Local refusals are written as they are read, the ledger's after
	// their batch; line numbers count the blank line.
	want := map[int]string{3: "invalid-payload", 4: "invalid-payload", 5: "malformed"}
	if len(got) != len(want) {
		t.Fatalf("rejected: %+v", got)
	}
	for _, r := range got {
		if want[r.Line] != r.Code || r.Message == "" || len(r.Input) == 0 {
			t.Errorf("rejected line %+v", r)
		}
	}
	if !strings.Contains(string(b), `"message":"subject is not welcome here"`) || !strings.Contains(string(b), `"input":"not json"`) {
		t.Errorf("rejected file:\n%s", b)
	}

	// Rejected lines are not in the state: a rerun retries them, and a run
	// that rejects nothing removes the stale rejected file. Payload 3 moved
	// from line 6 to line 4, so its state key changed and it is resent; the
	// pinned issuedAt makes it the same statement, which the ledger reports
	// as a duplicate instead of recording it twice.
	f.mu.Lock()
	f.rejectSubject = ""
	f.mu.Unlock()
	os.WriteFile(in, []byte(payloadLine(1, false)+"\n\n"+payloadLine(2, false)+"\n"+payloadLine(3, false)+"\n"), 0o644)
	code, out, stderr = f.cli(t, "", "submit", in)
	if code != exitOK || !strings.Contains(out, "accepted   1") || !strings.Contains(out, "duplicate  1") || !strings.Contains(out, "skipped    1") {
		t.Fatalf("rerun: exit %d\n%s\n%s", code, out, stderr)
	}
	if _, err := os.Stat(in + ".rejected.ndjson"); !os.IsNotExist(err) {
		t.Errorf("stale rejected file kept: %v", err)
	}
}

func TestSubmitSignedLinesAndJSONOutput(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	key := writeKey(t, dir)
	p, err := attestation.DecodePayload([]byte(payloadLine(1, true)))
	if err != nil {
		t.Fatal(err)
	}
	k, _ := attestation.ParsePrivateKeyPEM(mustRead(t, key))
	jws, id, err := attestation.Sign(p, k, "bank1-2026")
	if err != nil {
		t.Fatal(err)
	}
	stdin := fmt.Sprintf("{\"jws\": %q}\n", jws)
	state := filepath.Join(dir, "s")
	code, out, stderr := f.cli(t, stdin, "--output", "json", "submit", "--state", state, "-")
	if code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	var sum map[string]any
	if err := json.Unmarshal([]byte(out), &sum); err != nil || sum["accepted"] != 1.0 {
		t.Fatalf("json summary %q: %v", out, err)
	}
	if !strings.Contains(mustRead(t, state), `"key":"`+id+`"`) {
		t.Errorf("state does not record id %s:\n%s", id, mustRead(t, state))
	}
}

func TestSubmitCSV(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "batch.CSV")
	csvText := "\ufeffv,type,reporter,subject,issuedAt,loanRef,product,amount,currency,overdueSince,daysPastDue,noticeDate,refersTo,settledOn,kind\r\n" +
		fmt.Sprintf("1,default,%s,%s,2026-01-15T10:00:00+08:00,%s,consumer, 120000 ,CNY,2025-01-01,120,2025-03-01,,,\r\n", testMember, hex64("subject", 1), hex64("loan", 1)) +
		",,,,,,,,,,,,,,\r\n" +
		fmt.Sprintf("1,default,%s,%s,2026-01-15T10:00:00+08:00,%s,consumer,lots,CNY,2025-01-01,120,2025-03-01,,,\r\n", testMember, hex64("subject", 2), hex64("loan", 2)) +
		fmt.Sprintf("1,settlement,%s,%s,2026-02-01T10:00:00+08:00,,,0,,,,,%s,2026-01-30,full\r\n", testMember, hex64("subject", 1), hex64("default", 1))
	os.WriteFile(in, []byte(csvText), 0o644)

	code, out, stderr := f.cli(t, "", "submit", "--key", writeKey(t, dir), "--kid", "bank1-2026", in)
	if code != exitRefused {
		t.Fatalf("exit %d, want 1 (row 4 has a bad amount)\n%s\n%s", code, out, stderr)
	}
	rej := mustRead(t, in+".rejected.ndjson")
	if !strings.Contains(rej, `"line":4`) || !strings.Contains(rej, `amount must be an integer, got \"lots\"`) {
		t.Errorf("rejected file:\n%s", rej)
	}
	reqs := f.sent("POST", "/v1/attestations/batch")
	if len(reqs) != 1 {
		t.Fatalf("%d batch requests", len(reqs))
	}
	var body struct {
		Items []batchItem `json:"items"`
	}
	json.Unmarshal(reqs[0].Body, &body)
	if len(body.Items) != 2 {
		t.Fatalf("sent %d items", len(body.Items))
	}
	def, err := attestation.Parse(body.Items[0].JWS)
	if err != nil {
		t.Fatal(err)
	}
	if p := def.Payload; p.Type != "default" || *p.Amount != 120000 || *p.DaysPastDue != 120 || p.V != 1 || p.Subject != hex64("subject", 1) {
		t.Errorf("default payload %+v", p)
	}
	set, err := attestation.Parse(body.Items[1].JWS)
	if err != nil {
		t.Fatal(err)
	}
	if p := set.Payload; p.Type != "settlement" || *p.Amount != 0 || p.Kind != "full" || p.Currency != "" {
		t.Errorf("settlement payload %+v", p)
	}
}

func TestCSVSource(t *testing.T) {
	src, err := newCSVSource(strings.NewReader("type,amount,reason\ndefault,12,\"a, quoted\nreason\"\nrevocation,,x\nrevocation,1\n"))
	if err != nil {
		t.Fatal(err)
	}
	var recs []record
	for {
		r, ok, err := src.next()
		if err != nil {
			t.Fatal(err)
		}
		if !ok {
			break
		}
		recs = append(recs, r)
	}
	if len(recs) != 3 {
		t.Fatalf("%d records", len(recs))
	}
	if string(recs[0].obj) != `{"amount":12,"reason":"a, quoted\nreason","type":"default"}` || recs[0].line != 2 {
		t.Errorf("row 1: line %d %s", recs[0].line, recs[0].obj)
	}
	if string(recs[1].obj) != `{"reason":"x","type":"revocation"}` || recs[1].line != 4 {
		t.Errorf("row 2: line %d %s", recs[1].line, recs[1].obj)
	}
	if recs[2].err == nil || recs[2].line != 5 {
		t.Errorf("short row: %+v", recs[2])
	}

	for _, header := range []string{"type,colour\n", "type,type\n", ""} {
		if _, err := newCSVSource(strings.NewReader(header)); err == nil {
			t.Errorf("header %q accepted", header)
		}
	}
}

func TestStateFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "s")
	s, err := openState(path, fixedNow())
	if err != nil {
		t.Fatal(err)
	}
	issued := s.header.IssuedAt
	if err := s.record([]stateEntry{{Key: "a", Status: "accepted", Line: 1}}); err != nil {
		t.Fatal(err)
	}
	s.close()
	// A crash in the middle of a write leaves a torn last line.
	fh, _ := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0)
	fh.WriteString(`{"key":"b","sta`)
	fh.Close()

	s, err = openState(path, fixedNow().AddDate(0, 0, 3))
	if err != nil {
		t.Fatal(err)
	}
	if !s.has("a") || s.has("b") || s.header.IssuedAt != issued {
		t.Fatalf("reloaded state: %+v", s)
	}
	s.record([]stateEntry{{Key: "c", Status: "duplicate", Line: 3}})
	s.close()
	if b := mustRead(t, path); strings.Contains(b, `"sta{`) || strings.Count(b, "\n") != 3 {
		t.Fatalf("torn line not cut before appending:\n%s", b)
	}

	// Someone else's file is never truncated.
	other := filepath.Join(dir, "notes.txt")
	os.WriteFile(other, []byte("remember the milk"), 0o644)
	if _, err := openState(other, fixedNow()); err == nil {
		t.Fatal("foreign file accepted as state")
	}
	if mustRead(t, other) != "remember the milk" {
		t.Fatal("foreign file changed")
	}
	os.WriteFile(other, []byte("line one\nline two\n"), 0o644)
	if _, err := openState(other, fixedNow()); err == nil {
		t.Fatal("foreign file accepted as state")
	}
}

func TestSubmitPinsIssuedAtForNodeSigning(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.ndjson")
	os.WriteFile(in, []byte(payloadLine(1, false)+"\n"), 0o644)
	if code, out, stderr := f.cli(t, "", "submit", in); code != exitOK {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	var body struct {
		Items []batchItem `json:"items"`
	}
	json.Unmarshal(f.sent("POST", "/v1/attestations/batch")[0].Body, &body)
	st, err := openState(in+".blctl-state", fixedNow())
	if err != nil {
		t.Fatal(err)
	}
	defer st.close()
	if got := body.Items[0].Attestation.IssuedAt; got == "" || got != st.header.IssuedAt {
		t.Errorf("issuedAt sent %q, state pins %q", got, st.header.IssuedAt)
	}
}

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func fixedNow() time.Time { return time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC) }

// TestSubmitRejectsInPlainWords: what a line got wrong is said in the
// terms of the line (the field, what was expected, what was given), never
// with Go's type names.
func TestSubmitRejectsInPlainWords(t *testing.T) {
	f := newFake(t)
	in := filepath.Join(t.TempDir(), "in.ndjson")
	lines := []string{
		strings.Replace(payloadLine(1, false), `"amount":100001`, `"amount":12500.00`, 1),
		strings.Replace(payloadLine(2, false), `"daysPastDue":120`, `"daysPastDue":"120"`, 1),
		strings.Replace(payloadLine(3, false), `"product"`, `"prodcut"`, 1),
		`[1, 2]`,
	}
	os.WriteFile(in, []byte(strings.Join(lines, "\n")+"\n"), 0o644)
	code, out, stderr := f.cli(t, "", "submit", in)
	if code != exitRefused {
		t.Fatalf("exit %d\n%s\n%s", code, out, stderr)
	}
	rej := mustRead(t, in+".rejected.ndjson")
	for _, want := range []string{
		`field \"amount\": expected a whole number, got 12500.00 (amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000)`,
		`field \"daysPastDue\": expected a whole number, got a string`,
		`unknown field \"prodcut\" (did you mean \"product\"?)`,
		`line is not a JSON object: expected an object, got a list`,
	} {
		if !strings.Contains(rej, want) {
			t.Errorf("rejected file lacks %s:\n%s", want, rej)
		}
	}
	for _, leak := range []string{"Go struct", "int64", "json:", "attestation.Payload"} {
		if strings.Contains(rej, leak) {
			t.Errorf("rejected file shows %q:\n%s", leak, rej)
		}
	}
}

// TestSubmitPrintsRejections: each rejected line is printed with its
// reason as well as written to the rejected file, whose input is always
// the line's text, for NDJSON and CSV alike.
func TestSubmitPrintsRejections(t *testing.T) {
	f := newFake(t)
	dir := t.TempDir()
	nd := filepath.Join(dir, "in.ndjson")
	os.WriteFile(nd, []byte(payloadLine(1, false)+"\n"+`{"type": "default", "colour": "red"}`+"\n"+"not json\n"), 0o644)
	code, _, stderr := f.cli(t, "", "submit", nd)
	if code != exitRefused || !strings.Contains(stderr, `blctl submit: line 2 rejected: invalid-payload: unknown field "colour"`) ||
		!strings.Contains(stderr, "blctl submit: line 3 rejected: malformed: line is not a JSON object") {
		t.Fatalf("exit %d\n%s", code, stderr)
	}
	if rej := mustRead(t, nd+".rejected.ndjson"); !strings.Contains(rej, `"input":"{\"type\": \"default\", \"colour\": \"red\"}"`) || !strings.Contains(rej, `"input":"not json"`) {
		t.Errorf("rejected file:\n%s", rej)
	}
	csvIn := filepath.Join(dir, "in.csv")
	os.WriteFile(csvIn, []byte("type,subject,amount\ndefault,"+hex64("s")+",lots\ndefault,"+hex64("s")+",12.50\n"), 0o644)
	code, _, stderr = f.cli(t, "", "submit", csvIn)
	rej := mustRead(t, csvIn+".rejected.ndjson")
	var lines []rejectedLine
	for _, l := range strings.Split(strings.TrimSpace(rej), "\n") {
		var r rejectedLine
		if err := json.Unmarshal([]byte(l), &r); err != nil {
			t.Fatalf("%q: %v", l, err)
		}
		lines = append(lines, r)
	}
	if code != exitRefused || len(lines) != 2 || lines[0].Input != "default,"+hex64("s")+",lots" || lines[1].Input != "default,"+hex64("s")+",12.50" ||
		!strings.Contains(stderr, `line 2 rejected: invalid-payload: amount must be an integer, got "lots"`+"\n") ||
		!strings.Contains(stderr, `line 3 rejected: invalid-payload: amount must be an integer, got "12.50" (amounts are whole numbers`) {
		t.Fatalf("csv: exit %d\n%s\n%s", code, rej, stderr)
	}
}
