package watchlist

import (
	"bufio"
	"bytes"
	"cmp"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	// The import decodes millions of lines; goccy's decoder is about
	// twice as fast as encoding/json's here, with the same strictness.
	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

// Import formats.
const (
	NDJSON = "ndjson"
	CSV    = "csv"
)

// importLine is one line of an import: a subject key, or an identity number
// the node turns into one (and forgets), with an optional label.
type importLine struct {
	SubjectKey string `json:"subjectKey"`
	IDType     string `json:"idType"`
	IDNumber   string `json:"idNumber"`
	Label      string `json:"label"`

	// at is the line's number in the input as an editor counts it (blank
	// lines and a CSV header included), for error reports.
	at int
}

// LineError says why one line was not imported, without repeating it. Line
// counts every line of the input, blank ones and a CSV header included.
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ImportResult counts what an import did. Lines is the number of the last
// line read, counted as an editor counts (blank lines and a CSV header
// included), like the line numbers of Errors: "lines 4" and "line 4: ..."
// talk about the same line. Imported + Rejected counts the records.
type ImportResult struct {
	Lines    int         `json:"lines"`
	Imported int         `json:"imported"`
	Rejected int         `json:"rejected"`
	Errors   []LineError `json:"errors"` // the first MaxImportErrors
}

// MaxImportErrors bounds the line errors an import reports.
const MaxImportErrors = 100

// importChunk is how many entries go into one write batch: memory stays
// constant however long the input is.
const importChunk = 5000

// Deriver turns an identity number into a subject key.
type Deriver func(idType, number string) (string, error)

// ImportOptions are an import's optional parts.
type ImportOptions struct {
	// Derive turns identity numbers into subject keys; without it lines
	// must give subject keys.
	Derive Deriver
	// Progress is called with the lines read so far after each chunk.
	Progress func(lines int)
	// Chunk, if set, is called with each chunk of valid entries and the
	// function that writes them; it must call write once. Alerting uses it
	// to check the new keys against the ledger in the same step.
	Chunk func(entries []Entry, write func() error) error
}

// Import adds every valid line of r to member's watchlist, streaming: a
// file of millions of lines is read and written in chunks, so memory stays
// constant (two chunks at a time). A bad line is counted and reported by
// number, and the import goes on. Importing a key again updates its label.
//
// Reading and parsing run on their own goroutine, one chunk ahead of the
// checking and writing, so that the two halves use two cores.
func (w *Watchlist) Import(member string, r io.Reader, format string, opts ImportOptions) (ImportResult, error) {
	res := ImportResult{Errors: []LineError{}}
	next, err := lineReader(r, format)
	if err != nil {
		return res, err
	}
	chunks := make(chan parsed, 1)
	stop := make(chan struct{})
	defer close(stop)
	go parse(next, opts.Derive, chunks, stop)
	for c := range chunks {
		res.Lines, res.Rejected = c.lines, c.rejected
		res.Errors = append(res.Errors, c.errors...)
		if len(c.entries) > 0 {
			write := func() error { return w.write(member, c.entries) }
			var err error
			if opts.Chunk != nil {
				err = opts.Chunk(c.entries, write)
			} else {
				err = write()
			}
			if err != nil {
				return res, err
			}
			res.Imported += len(c.entries)
		}
		if c.err != nil {
			return res, c.err
		}
		if opts.Progress != nil {
			opts.Progress(res.Lines)
		}
	}
	return res, nil
}

// parsed is one chunk of an import: its valid entries, the counts so far,
// the line errors found in it, and the error that ended the input if any.
type parsed struct {
	entries         []Entry
	lines, rejected int
	errors          []LineError
	err             error
}

// parse reads lines into chunks of importChunk entries until the input
// ends, fails, or stop is closed.
func parse(next func() (importLine, error), derive Deriver, out chan<- parsed, stop <-chan struct{}) {
	defer close(out)
	now := time.Now().UTC().Format(time.RFC3339)
	var lines, last, rejected, reported int
	c := parsed{entries: make([]Entry, 0, importChunk)}
	send := func() bool {
		c.lines, c.rejected = max(lines, last), rejected
		select {
		case out <- c:
		case <-stop:
			return false
		}
		c = parsed{entries: make([]Entry, 0, importChunk)}
		return true
	}
	for {
		line, err := next()
		if errors.Is(err, io.EOF) {
			send()
			return
		}
		var bl badLine
		if err != nil && !errors.As(err, &bl) {
			// The input cannot be read on (a broken stream, a line too
			// long to find the next): keep what was read, then stop.
			c.err = err
			send()
			return
		}
		lines++
		last = max(last, line.at)
		var subject string
		if err == nil {
			subject, err = line.subject(derive)
		}
		if err == nil {
			err = Check(subject, line.Label)
		}
		if err != nil {
			rejected++
			if reported < MaxImportErrors {
				reported++
				c.errors = append(c.errors, LineError{Line: cmp.Or(line.at, lines), Message: err.Error()})
			}
			continue
		}
		c.entries = append(c.entries, Entry{SubjectKey: subject, Label: line.Label, AddedAt: now})
		if len(c.entries) == importChunk && !send() {
			return
		}
	}
}

// write stores entries in one write batch.
func (w *Watchlist) write(member string, entries []Entry) error {
	wb := w.db.NewWriteBatch()
	defer wb.Cancel()
	for _, e := range entries {
		if err := put(wb.Set, member, e); err != nil {
			return err
		}
	}
	return wb.Flush()
}

func (l importLine) subject(derive Deriver) (string, error) {
	switch {
	case l.SubjectKey != "" && l.IDType == "" && l.IDNumber == "":
		return l.SubjectKey, nil
	case l.SubjectKey == "" && l.IDType != "":
		if derive == nil {
			return "", errors.New("identity numbers are not accepted here")
		}
		return derive(l.IDType, l.IDNumber)
	default:
		return "", errors.New(`give either "subjectKey" or "idType" and "idNumber"`)
	}
}

// badLine is an error in one line; the lines after it can still be read.
type badLine string

func (e badLine) Error() string { return string(e) }

// lineReader returns a function yielding one parsed line at a time.
func lineReader(r io.Reader, format string) (func() (importLine, error), error) {
	switch format {
	case NDJSON:
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		at := 0
		return func() (importLine, error) {
			for sc.Scan() {
				at++
				b := bytes.TrimSpace(sc.Bytes())
				if len(b) == 0 {
					continue
				}
				var l importLine
				d := fastjson.NewDecoder(bytes.NewReader(b))
				d.DisallowUnknownFields()
				if err := d.Decode(&l); err != nil {
					return importLine{at: at}, badLine("not a JSON object with subjectKey or idType/idNumber and label")
				}
				// A repeated key would let the last value win unseen.
				if err := strictjson.CheckKeys(b); err != nil {
					return importLine{at: at}, badLine(err.Error())
				}
				l.at = at
				return l, nil
			}
			if err := sc.Err(); errors.Is(err, bufio.ErrTooLong) {
				return importLine{}, &InvalidError{"a line is longer than 64 KiB: is this NDJSON?"}
			} else if err != nil {
				return importLine{}, err
			}
			return importLine{}, io.EOF
		}, nil
	case CSV:
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			return nil, &InvalidError{"csv: no header row (subjectKey, idType, idNumber, label)"}
		}
		col := map[string]int{}
		for i, h := range header {
			switch h = strings.TrimPrefix(h, "\ufeff"); h {
			case "subjectKey", "idType", "idNumber", "label":
				col[h] = i
			default:
				return nil, &InvalidError{fmt.Sprintf("csv: unknown column %q (subjectKey, idType, idNumber, label)", h)}
			}
		}
		field := func(rec []string, name string) string {
			if i, ok := col[name]; ok && i < len(rec) {
				return rec[i]
			}
			return ""
		}
		return func() (importLine, error) {
			rec, err := cr.Read()
			if err != nil {
				if errors.Is(err, io.EOF) {
					return importLine{}, io.EOF
				}
				var pe *csv.ParseError
				if errors.As(err, &pe) {
					return importLine{at: pe.StartLine}, badLine("not a valid CSV row")
				}
				return importLine{}, err
			}
			at, _ := cr.FieldPos(0)
			return importLine{SubjectKey: field(rec, "subjectKey"), IDType: field(rec, "idType"),
				IDNumber: field(rec, "idNumber"), Label: field(rec, "label"), at: at}, nil
		}, nil
	}
	return nil, &InvalidError{fmt.Sprintf("format %q: ndjson or csv", format)}
}
