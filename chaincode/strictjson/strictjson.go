// Package strictjson decodes JSON that other parties wrote and that must
// mean one thing only: request bodies at the gateway, transaction arguments
// in the contract, and the signed attestation payload.
//
// # Model
//
// encoding/json accepts an object that names the same key twice and keeps
// the last value. Another parser (a bank's tool, a reviewer's eye, a log
// viewer) may keep the first, so the same bytes would say two things: a
// node could sign an amount nobody saw, or an operator could read a request
// differently from the node. This package refuses such input outright,
// together with the other ways bytes can be read two ways:
//
//   - a key repeated in any object, at any depth (keys that differ only in
//     letter case count as repeats where the target is a Go struct, because
//     encoding/json matches struct fields case-insensitively);
//   - bytes that are not UTF-8 (encoding/json would quietly replace them with
//     U+FFFD, so the decoded text would differ from the bytes);
//   - unknown fields and anything after the first JSON value (Decode).
//
// Members walks one flat object in order for decoders that check each member
// themselves (the attestation payload and JWS header). The verdicts are
// deterministic (no map iteration decides anything), which endorsing peers
// need.
package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Errors that are not about one key.
var (
	ErrInvalidUTF8  = errors.New("not valid UTF-8")
	ErrNotObject    = errors.New("not a JSON object")
	ErrTrailingData = errors.New("unexpected data after the JSON value")
)

// DuplicateKeyError names a key that appears twice in one object. Path is
// where the object is ("items[2].attestation"), empty for the top level.
type DuplicateKeyError struct {
	Key  string
	Path string
}

func (e *DuplicateKeyError) Error() string {
	if e.Path == "" {
		return "duplicate key " + quote(e.Key)
	}
	return "duplicate key " + quote(e.Key) + " in " + e.Path
}

// SyntaxError is malformed JSON. Key is the member whose value is
// malformed, when Members knows it.
type SyntaxError struct {
	Key string
	Err error
}

func (e *SyntaxError) Error() string {
	if e.Key != "" {
		return "key " + quote(e.Key) + ": " + e.Err.Error()
	}
	return e.Err.Error()
}

func (e *SyntaxError) Unwrap() error { return e.Err }

// Decode decodes the single JSON value in b into v, refusing invalid UTF-8,
// repeated keys, unknown struct fields and trailing data.
func Decode(b []byte, v any) error {
	if !utf8.Valid(b) {
		return ErrInvalidUTF8
	}
	if err := CheckKeys(b); err != nil {
		return err
	}
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		return err
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	return nil
}

// frame is one open object or array during CheckKeys.
type frame struct {
	object  bool
	keys    map[string]struct{} // folded keys seen so far (objects)
	key     string              // the current member's key (objects)
	wantKey bool                // the next token is a key or the end (objects)
	index   int                 // the current element (arrays)
}

// CheckKeys reports the first object in b (in document order) that repeats
// a key, comparing keys as encoding/json matches them to struct fields:
// under Unicode case folding. It reads only the first JSON value of b.
func CheckKeys(b []byte) error {
	d := json.NewDecoder(bytes.NewReader(b))
	var stack []*frame
	for {
		tok, err := d.Token()
		if err == io.EOF {
			if len(stack) == 0 {
				return &SyntaxError{Err: errors.New("no JSON value")}
			}
			err = io.ErrUnexpectedEOF
		}
		if err != nil {
			return &SyntaxError{Err: err}
		}
		if n := len(stack); n > 0 && stack[n-1].object && stack[n-1].wantKey {
			top := stack[n-1]
			if tok == json.Delim('}') {
				stack = stack[:n-1]
			} else {
				key, _ := tok.(string) // the decoder allows only a string here
				folded := fold(key)
				if _, dup := top.keys[folded]; dup {
					return &DuplicateKeyError{Key: key, Path: path(stack[:n-1])}
				}
				top.keys[folded] = struct{}{}
				top.key, top.wantKey = key, false
				continue
			}
		} else {
			switch tok {
			case json.Delim('{'):
				stack = append(stack, &frame{object: true, keys: map[string]struct{}{}, wantKey: true})
				continue
			case json.Delim('['):
				stack = append(stack, &frame{})
				continue
			case json.Delim(']'):
				stack = stack[:len(stack)-1]
			}
		}
		// A value ended: its parent moves on, or the document is done.
		if len(stack) == 0 {
			return nil
		}
		if top := stack[len(stack)-1]; top.object {
			top.wantKey = true
		} else {
			top.index++
		}
	}
}

// path renders where an object is: its parents' keys and indexes.
func path(parents []*frame) string {
	var sb strings.Builder
	for _, f := range parents {
		if f.object {
			if sb.Len() > 0 {
				sb.WriteByte('.')
			}
			sb.WriteString(f.key)
		} else {
			sb.WriteString("[" + strconv.Itoa(f.index) + "]")
		}
	}
	return sb.String()
}

// fold maps every rune to the smallest rune of its case-folding orbit, so
// two keys fold alike exactly when strings.EqualFold says they are equal,
// which is how encoding/json matches a key to a struct field.
func fold(s string) string {
	ascii := true
	for i := 0; i < len(s) && ascii; i++ {
		ascii = s[i] < utf8.RuneSelf
	}
	if ascii {
		// In ASCII every orbit's smallest rune is the upper-case letter
		// (k and s also fold to U+212A and U+017F, which are larger).
		return strings.ToUpper(s)
	}
	var sb strings.Builder
	for _, r := range s {
		min := r
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f < min {
				min = f
			}
		}
		sb.WriteRune(min)
	}
	return sb.String()
}

// Members calls fn with each member of the JSON object b, in order, its
// value's raw bytes trimmed of white space. It refuses a repeated key (here
// compared exactly: such decoders match keys exactly), anything but one
// object, and trailing data. An error from fn is returned as is.
func Members(b []byte, fn func(key string, raw json.RawMessage) error) error {
	dec := json.NewDecoder(bytes.NewReader(b))
	tok, err := dec.Token()
	if err != nil {
		return &SyntaxError{Err: err}
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return ErrNotObject
	}
	seen := map[string]struct{}{}
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return &SyntaxError{Err: err}
		}
		key, ok := tok.(string)
		if !ok {
			return &SyntaxError{Err: errors.New("expected an object key")}
		}
		if _, dup := seen[key]; dup {
			return &DuplicateKeyError{Key: key}
		}
		seen[key] = struct{}{}
		var raw json.RawMessage
		if err := dec.Decode(&raw); err != nil {
			return &SyntaxError{Key: key, Err: err}
		}
		if err := fn(key, bytes.TrimSpace(raw)); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil { // the closing '}'
		return &SyntaxError{Err: err}
	}
	if _, err := dec.Token(); err != io.EOF {
		return ErrTrailingData
	}
	return nil
}

// quote renders an untrusted key for a message, cut short: messages reach
// logs and ledger responses.
func quote(s string) string {
	const max = 64
	if r := []rune(s); len(r) > max {
		return fmt.Sprintf("%q...", string(r[:max]))
	}
	return fmt.Sprintf("%q", s)
}
