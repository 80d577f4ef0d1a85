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
// Its errors are in plain words for people who write JSON (plain.go): the
// field, what was expected there and what was given, never a Go type.
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
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return &SyntaxError{Err: errors.New("no JSON value")}
		}
		return plain(err, b, v)
	}
	if _, err := d.Token(); !errors.Is(err, io.EOF) {
		return ErrTrailingData
	}
	// Only now is b known to be one valid JSON value, which CheckKeys
	// needs. v may already hold the last of a repeated key's values; the
	// caller gets an error and must not use it.
	return CheckKeys(b)
}

// frame is one open object or array during CheckKeys.
type frame struct {
	object bool
	keys   []string            // keys seen so far (objects), in order
	folded map[string]struct{} // the same, folded, once an object is large
	key    string              // the current member's key (objects)
	index  int                 // the current element (arrays)
}

// smallObject is how many keys are compared pairwise before CheckKeys
// switches to a map of folded keys: request objects are small.
const smallObject = 16

// seen records key in f and reports whether an equal key was there.
func (f *frame) seen(key string) bool {
	if f.folded != nil {
		k := fold(key)
		if _, dup := f.folded[k]; dup {
			return true
		}
		f.folded[k] = struct{}{}
		return false
	}
	for _, k := range f.keys {
		if strings.EqualFold(k, key) {
			return true
		}
	}
	f.keys = append(f.keys, key)
	if len(f.keys) > smallObject {
		f.folded = make(map[string]struct{}, 2*smallObject)
		for _, k := range f.keys {
			f.folded[fold(k)] = struct{}{}
		}
	}
	return false
}

// CheckKeys reports the first object in b (in document order) that repeats
// a key, comparing keys as encoding/json matches them to struct fields:
// under Unicode case folding (strings.EqualFold). b must be exactly one
// JSON value (anything else is a *SyntaxError) and valid UTF-8 (Decode
// checks that first; keys of invalid UTF-8 would compare unreliably).
//
// It is a scan over bytes already known to be valid JSON rather than a
// walk with json.Decoder.Token, which costs some 8 µs and 37 allocations
// for a two-key object: too much for a million-line watchlist import.
func CheckKeys(b []byte) error {
	if !json.Valid(b) {
		var v json.RawMessage
		err := json.Unmarshal(b, &v)
		if err == nil { // cannot happen: Valid and Unmarshal agree
			err = errors.New("invalid JSON")
		}
		if len(bytes.TrimSpace(b)) == 0 {
			err = errors.New("no JSON value")
		}
		return &SyntaxError{Err: err}
	}
	var stack []*frame
	expectKey := false
	for i := 0; i < len(b); {
		switch b[i] {
		case '{':
			stack = append(stack, &frame{object: true})
			expectKey = true
		case '[':
			stack = append(stack, &frame{})
		case '}', ']':
			stack = stack[:len(stack)-1]
		case ',':
			if top := stack[len(stack)-1]; top.object {
				expectKey = true
			} else {
				top.index++
			}
		case '"':
			j := i + 1
			escaped := false
			for b[j] != '"' { // valid JSON: the string ends
				if b[j] == '\\' {
					escaped = true
					j++
				}
				j++
			}
			if expectKey {
				expectKey = false
				key := string(b[i+1 : j])
				if escaped {
					_ = json.Unmarshal(b[i:j+1], &key) // a valid JSON string
				}
				top := stack[len(stack)-1]
				if top.seen(key) {
					return &DuplicateKeyError{Key: key, Path: path(stack[:len(stack)-1])}
				}
				top.key = key
			}
			i = j
		}
		i++
	}
	return nil
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
// two keys fold alike exactly when strings.EqualFold says they are equal.
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
//
// Valid input, all that a verifier sees in the common case, is walked
// directly over the bytes (members.go); anything json.Valid refuses goes
// through membersDecoder, json.Decoder's tokens, for its error.
func Members(b []byte, fn func(key string, raw json.RawMessage) error) error {
	if json.Valid(b) {
		return membersValid(b, fn)
	}
	return membersDecoder(b, fn)
}

// membersDecoder is Members with json.Decoder's tokens: the errors of input
// that is not valid JSON, and the reference the direct walk is tested
// against (TestMembersWalkMatchesDecoder).
func membersDecoder(b []byte, fn func(key string, raw json.RawMessage) error) error {
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
