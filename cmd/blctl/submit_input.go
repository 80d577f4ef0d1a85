package main

import (
	"bufio"
	"bytes"
	"crypto/ecdsa"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

// record is one input line (NDJSON) or row (CSV), not yet interpreted.
type record struct {
	line int    // 1-based line number (of the row's first line for CSV)
	text []byte // the line as read, or the CSV row re-encoded: hashed into the state key
	obj  []byte // the line's JSON object; nil when err is set
	err  error  // the line could not even be read as an object
}

// source yields records; ok is false at the end. An error ends the run:
// the input itself could not be read.
type source interface {
	next() (rec record, ok bool, err error)
}

// ndjsonSource reads one JSON object per line. Blank lines are skipped
// but counted, so line numbers match what an editor shows.
type ndjsonSource struct {
	r    *bufio.Reader
	line int
}

func newNDJSONSource(r io.Reader) *ndjsonSource {
	return &ndjsonSource{r: bufio.NewReaderSize(r, 64<<10)}
}

func (s *ndjsonSource) next() (record, bool, error) {
	for {
		b, err := s.r.ReadBytes('\n')
		if len(b) == 0 && err == io.EOF {
			return record{}, false, nil
		}
		if err != nil && err != io.EOF {
			return record{}, false, usagef("reading line %d: %v", s.line+1, err)
		}
		s.line++
		text := bytes.TrimRight(b, "\r\n")
		if s.line == 1 {
			text = bytes.TrimPrefix(text, utf8BOM)
		}
		if len(bytes.TrimSpace(text)) == 0 {
			continue
		}
		return record{line: s.line, text: text, obj: bytes.TrimSpace(text)}, true, nil
	}
}

var utf8BOM = []byte("\ufeff")

// csvNumeric are the payload fields written as JSON numbers; every other
// cell is a string.
var csvNumeric = map[string]bool{"v": true, "amount": true, "daysPastDue": true}

// csvSource reads a header row naming payload fields, then one payload per
// row. Empty cells are absent fields, so one file can mix attestation types.
type csvSource struct {
	r      *csv.Reader
	header []string
}

func newCSVSource(r io.Reader) (*csvSource, error) {
	cr := csv.NewReader(r)
	header, err := cr.Read()
	if err == io.EOF {
		return nil, usagef("CSV input is empty: the first row must name payload fields")
	}
	if err != nil {
		return nil, usagef("CSV header: %v", err)
	}
	if len(header) > 0 {
		header[0] = strings.TrimPrefix(header[0], "\ufeff") // spreadsheet exports start with a BOM
	}
	known := payloadFieldNames()
	seen := map[string]bool{}
	for i, h := range header {
		h = strings.TrimSpace(h)
		header[i] = h
		if !known[h] {
			return nil, usagef("CSV header column %d: %q is not a payload field (fields: %s)", i+1, h, strings.Join(sortedKeys(known), ", "))
		}
		if seen[h] {
			return nil, usagef("CSV header names %q twice", h)
		}
		seen[h] = true
	}
	cr.FieldsPerRecord = len(header)
	return &csvSource{r: cr, header: header}, nil
}

func (s *csvSource) next() (record, bool, error) {
	for {
		row, err := s.r.Read()
		if err == io.EOF {
			return record{}, false, nil
		}
		var pe *csv.ParseError
		if errors.As(err, &pe) {
			// A malformed row is that row's problem, not the file's: report
			// it and read on, like a rejected NDJSON line.
			return record{line: pe.StartLine, text: []byte(strings.Join(row, ",")), err: err}, true, nil
		}
		if err != nil {
			return record{}, false, usagef("reading CSV: %v", err)
		}
		if isBlankRow(row) {
			continue
		}
		line, _ := s.r.FieldPos(0) // only valid after a successful Read
		rec := record{line: line, text: encodeCSVRow(row)}
		rec.obj, rec.err = s.object(row)
		return rec, true, nil
	}
}

// object turns a row into the payload's JSON object.
func (s *csvSource) object(row []string) ([]byte, error) {
	m := make(map[string]any, len(row))
	for i, cell := range row {
		cell = strings.TrimSpace(cell)
		name := s.header[i]
		if cell == "" {
			continue
		}
		if !csvNumeric[name] {
			m[name] = cell
			continue
		}
		n, err := strconv.ParseInt(cell, 10, 64)
		if err != nil {
			msg := fmt.Sprintf("%s must be an integer, got %q", name, cell)
			if _, ferr := strconv.ParseFloat(cell, 64); name == "amount" && ferr == nil {
				msg += " (amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000)"
			}
			return nil, &attestation.Error{Code: attestation.CodeInvalidPayload, Msg: msg}
		}
		m[name] = n
	}
	return json.Marshal(m)
}

func isBlankRow(row []string) bool {
	for _, c := range row {
		if strings.TrimSpace(c) != "" {
			return false
		}
	}
	return true
}

func encodeCSVRow(row []string) []byte {
	var b bytes.Buffer
	w := csv.NewWriter(&b)
	_ = w.Write(row) // writing to a bytes.Buffer cannot fail
	w.Flush()
	return bytes.TrimRight(b.Bytes(), "\r\n")
}

// payloadFieldNames reads the payload's JSON field names from the type
// itself, so a field added to attestation.Payload is a CSV column at once.
func payloadFieldNames() map[string]bool {
	t := reflect.TypeFor[attestation.Payload]()
	names := make(map[string]bool, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		name, _, _ := strings.Cut(t.Field(i).Tag.Get("json"), ",")
		if name != "" && name != "-" {
			names[name] = true
		}
	}
	return names
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// item is a record ready to send: its batch entry and its state key.
type item struct {
	line  int
	key   string          // state key: the attestation id, or line:N:sha256 for node-signed payloads
	id    string          // attestation id, when known before sending
	send  json.RawMessage // {"jws": ...} or {"attestation": {...}}
	input string          // the line's text, which the rejected file shows as its input
}

// rejectedLine is one line of the rejected file: a line refused locally
// or by the ledger, with the reason.
type rejectedLine struct {
	Line    int    `json:"line"`
	ID      string `json:"id,omitempty"`
	Code    string `json:"code"`
	Message string `json:"message"`
	// Input is the line or row exactly as it was read (one shape for NDJSON
	// and CSV, whether it parsed or not): jq -r .input gives the lines
	// back to fix and resubmit.
	Input string `json:"input"`
}

// preparer turns records into items. With a key it signs locally, so the
// attestation id (the hash of the signed payload) is known before sending
// and is the state key. Without one the node signs, and the state key is
// the line number plus the line's hash.
type preparer struct {
	key *ecdsa.PrivateKey
	kid string
	// issuedAt is filled into node-signed payloads that have none. It is
	// pinned in the state file, so a rerun sends byte-identical payloads and
	// the ledger answers "duplicate" for any whose answer was lost, instead
	// of recording the same default twice under a fresh issuedAt.
	issuedAt string
}

func (p *preparer) prepare(rec record) (item, *rejectedLine) {
	it := item{line: rec.line, input: string(rec.text)}
	if rec.err != nil {
		return it, p.reject(it, rec.err)
	}
	var probe map[string]json.RawMessage
	if err := strictjson.Decode(rec.obj, &probe); err != nil {
		return it, p.reject(it, &attestation.Error{Code: attestation.CodeMalformed, Msg: "line is not a JSON object: " + err.Error()})
	}
	if raw, ok := probe["jws"]; ok {
		return p.prepareJWS(it, raw, len(probe))
	}
	if p.key != nil {
		return p.signLocally(it, rec.obj)
	}
	return p.forNode(it, rec)
}

func (p *preparer) prepareJWS(it item, raw json.RawMessage, fields int) (item, *rejectedLine) {
	var compact string
	if fields != 1 || json.Unmarshal(raw, &compact) != nil {
		return it, p.reject(it, &attestation.Error{Code: attestation.CodeMalformed, Msg: `a signed line is {"jws": "<compact JWS>"} and nothing else`})
	}
	parsed, err := attestation.Parse(compact)
	if err != nil {
		return it, p.reject(it, err)
	}
	it.id, it.key = parsed.ID, parsed.ID
	it.send = mustJSON(map[string]string{"jws": compact})
	return it, nil
}

func (p *preparer) signLocally(it item, obj []byte) (item, *rejectedLine) {
	payload, err := attestation.DecodePayload(obj)
	if err != nil {
		return it, p.reject(it, err)
	}
	compact, id, err := attestation.Sign(payload, p.key, p.kid)
	if err != nil {
		return it, p.reject(it, err)
	}
	it.id, it.key = id, id
	it.send = mustJSON(map[string]string{"jws": compact})
	return it, nil
}

func (p *preparer) forNode(it item, rec record) (item, *rejectedLine) {
	var payload attestation.Payload
	// strictly, as the API will: unknown fields and repeated keys are
	// refused per line, in the same plain words
	if err := strictjson.Decode(rec.obj, &payload); err != nil {
		return it, p.reject(it, &attestation.Error{Code: attestation.CodeInvalidPayload, Msg: err.Error()})
	}
	if payload.IssuedAt == "" {
		payload.IssuedAt = p.issuedAt
	}
	sum := sha256.Sum256(rec.text)
	it.key = fmt.Sprintf("line:%d:%s", rec.line, hex.EncodeToString(sum[:]))
	it.send = mustJSON(map[string]any{"attestation": &payload})
	return it, nil
}

func (p *preparer) reject(it item, err error) *rejectedLine {
	code := attestation.CodeMalformed
	var ae *attestation.Error
	if errors.As(err, &ae) {
		code = ae.Code
	}
	msg := err.Error()
	if ae != nil {
		msg = ae.Msg
	}
	return &rejectedLine{Line: it.line, Code: code, Message: msg, Input: it.input}
}

func mustJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err) // only called with maps of strings and payload structs
	}
	return b
}
