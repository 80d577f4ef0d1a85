package watchlist

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
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
}

// LineError says why one line was not imported, without repeating it.
type LineError struct {
	Line    int    `json:"line"`
	Message string `json:"message"`
}

// ImportResult counts what an import did.
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

// Import adds every valid line of r to member's watchlist, streaming: a
// file of millions of lines is read and written in chunks. derive turns
// identity numbers into subject keys; progress, if set, is called with the
// lines read so far after each chunk. A bad line is counted and reported
// by number, and the import goes on.
func (w *Watchlist) Import(member string, r io.Reader, format string, derive Deriver, progress func(lines int)) (ImportResult, error) {
	res := ImportResult{Errors: []LineError{}}
	next, err := lineReader(r, format)
	if err != nil {
		return res, err
	}
	now := time.Now().UTC().Format(time.RFC3339)
	wb := w.db.NewWriteBatch()
	defer wb.Cancel()
	pending := 0
	for {
		line, err := next()
		if errors.Is(err, io.EOF) {
			break
		}
		res.Lines++
		var subject string
		if err == nil {
			subject, err = line.subject(derive)
		}
		if err == nil {
			err = check(subject, line.Label)
		}
		if err != nil {
			res.Rejected++
			if len(res.Errors) < MaxImportErrors {
				res.Errors = append(res.Errors, LineError{Line: res.Lines, Message: err.Error()})
			}
			continue
		}
		if err := put(wb.Set, member, Entry{SubjectKey: subject, Label: line.Label, AddedAt: now}); err != nil {
			return res, err
		}
		res.Imported++
		if pending++; pending == importChunk {
			if err := wb.Flush(); err != nil {
				return res, err
			}
			wb, pending = w.db.NewWriteBatch(), 0
			if progress != nil {
				progress(res.Lines)
			}
		}
	}
	if err := wb.Flush(); err != nil {
		return res, err
	}
	if progress != nil {
		progress(res.Lines)
	}
	return res, nil
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

// lineReader returns a function yielding one parsed line at a time.
func lineReader(r io.Reader, format string) (func() (importLine, error), error) {
	switch format {
	case NDJSON:
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 64<<10)
		return func() (importLine, error) {
			for sc.Scan() {
				b := bytes.TrimSpace(sc.Bytes())
				if len(b) == 0 {
					continue
				}
				var l importLine
				d := json.NewDecoder(bytes.NewReader(b))
				d.DisallowUnknownFields()
				if err := d.Decode(&l); err != nil {
					return l, errors.New("not a JSON object with subjectKey or idType/idNumber and label")
				}
				return l, nil
			}
			if err := sc.Err(); err != nil {
				return importLine{}, err
			}
			return importLine{}, io.EOF
		}, nil
	case CSV:
		cr := csv.NewReader(r)
		cr.FieldsPerRecord = -1
		header, err := cr.Read()
		if err != nil {
			return nil, fmt.Errorf("csv: no header row: %w", err)
		}
		col := map[string]int{}
		for i, h := range header {
			switch h = strings.TrimPrefix(h, "\ufeff"); h {
			case "subjectKey", "idType", "idNumber", "label":
				col[h] = i
			default:
				return nil, fmt.Errorf("csv: unknown column %q (subjectKey, idType, idNumber, label)", h)
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
				return importLine{}, errors.New("not a valid CSV row")
			}
			return importLine{SubjectKey: field(rec, "subjectKey"), IDType: field(rec, "idType"),
				IDNumber: field(rec, "idNumber"), Label: field(rec, "label")}, nil
		}, nil
	}
	return nil, fmt.Errorf("format %q: ndjson or csv", format)
}
