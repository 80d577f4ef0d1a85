package strictjson

import (
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/assoc-ledger/blacklist/internal/suggest"
)

// The errors below replace encoding/json's, which speak of Go ("cannot
// unmarshal number 12500.00 into Go struct field Payload.attestation.amount
// of type int64", `json: unknown field "type"`): the people who read them
// write JSON, not Go, so each says which field, what was expected there and
// what was given, in the JSON terms of the request.

// TypeError is a value of the wrong kind for its field.
type TypeError struct {
	Field    string // JSON path of the field, "attestation.amount"; empty for the whole value
	Expected string // "a whole number"
	Got      string // "12500.00", "a string"
	Hint     string // optional: how to write it instead
}

func (e *TypeError) Error() string {
	s := "expected " + e.Expected + ", got " + e.Got
	if e.Field != "" {
		s = "field " + quote(e.Field) + ": " + s
	}
	if e.Hint != "" {
		s += " (" + e.Hint + ")"
	}
	return s
}

// UnknownFieldError is a member the target does not have. Path is where the
// object is ("attestation", "items[2]"), empty for the top level; Allowed
// lists the members it does have.
type UnknownFieldError struct {
	Key     string
	Path    string
	Allowed []string
}

func (e *UnknownFieldError) Error() string {
	var b strings.Builder
	b.WriteString("unknown field " + quote(e.Key))
	if e.Path != "" {
		b.WriteString(" in " + e.Path)
	}
	if s, ok := suggest.Closest(e.Key, e.Allowed); ok {
		b.WriteString(" (did you mean " + quote(s) + "?)")
	}
	if len(e.Allowed) > 0 {
		b.WriteString("; expected one of: " + strings.Join(e.Allowed, ", "))
	}
	return b.String()
}

// plain turns an error of json.Decoder.Decode(v) on b into one of this
// package's; errors it does not know (a custom UnmarshalJSON's) pass as
// they are.
func plain(err error, b []byte, v any) error {
	var te *json.UnmarshalTypeError
	var se *json.SyntaxError
	switch {
	case errors.As(err, &te):
		return typeError(te)
	case errors.As(err, &se):
		return &SyntaxError{Err: fmt.Errorf("not valid JSON at byte %d: %s", se.Offset, se.Error())}
	case errors.Is(err, io.ErrUnexpectedEOF):
		return &SyntaxError{Err: errors.New("not valid JSON: it ends too early")}
	}
	const unknownPrefix = "json: unknown field "
	if msg := err.Error(); strings.HasPrefix(msg, unknownPrefix) {
		key, qerr := strconv.Unquote(strings.TrimPrefix(msg, unknownPrefix))
		if qerr != nil {
			key = strings.TrimPrefix(msg, unknownPrefix)
		}
		u := &UnknownFieldError{Key: key}
		var doc any
		if json.Unmarshal(b, &doc) == nil {
			locate(doc, reflect.TypeOf(v), "", u)
		}
		return u
	}
	return err
}

func typeError(te *json.UnmarshalTypeError) *TypeError {
	e := &TypeError{Field: te.Field, Expected: expected(te.Type), Got: given(te.Value)}
	num, isNum := strings.CutPrefix(te.Value, "number ")
	if isNum && isInt(te.Type) {
		if strings.ContainsAny(num, ".eE") {
			last := te.Field[strings.LastIndex(te.Field, ".")+1:]
			if strings.Contains(strings.ToLower(last), "amount") {
				e.Hint = "amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000"
			}
		} else if !strings.HasPrefix(num, "-") || isSigned(te.Type) {
			e.Expected += " in range" // a whole number, but too large
		}
	}
	return e
}

func isInt(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return true
	}
	return false
}

func isSigned(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return true
	}
	return false
}

var (
	timeType      = reflect.TypeOf(time.Time{})
	durationType  = reflect.TypeOf(time.Duration(0))
	numberType    = reflect.TypeOf(json.Number(""))
	textUnmarshal = reflect.TypeOf((*encoding.TextUnmarshaler)(nil)).Elem()
)

// expected names what a Go type accepts, in JSON words.
func expected(t reflect.Type) string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return "a time as a string (RFC 3339, e.g. 2026-11-30T10:00:00+08:00)"
	case t == numberType:
		return "a number"
	case t != durationType && reflect.PointerTo(t).Implements(textUnmarshal):
		return "a string"
	}
	switch t.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return "a whole number"
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number, 0 or more"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Slice, reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return "a base64 string"
		}
		return "a list"
	case reflect.Map, reflect.Struct:
		return "an object"
	}
	return "a different value"
}

// given renders what UnmarshalTypeError.Value says was there.
func given(v string) string {
	if n, ok := strings.CutPrefix(v, "number "); ok {
		return n
	}
	switch v {
	case "string":
		return "a string"
	case "number":
		return "a number"
	case "bool":
		return "true or false"
	case "array":
		return "a list"
	case "object":
		return "an object"
	}
	return v
}

// locate finds the object in doc (decoded as any) that has u.Key although
// its type t has no such field, and fills in u's Path and Allowed. It walks
// in sorted key order, so the answer is deterministic.
func locate(doc any, t reflect.Type, path string, u *UnknownFieldError) bool {
	if t == nil {
		return false
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(reflect.TypeOf((*json.Unmarshaler)(nil)).Elem()) {
		return false // decodes itself: its own error would have said
	}
	switch t.Kind() {
	case reflect.Struct:
		m, ok := doc.(map[string]any)
		if !ok {
			return false
		}
		fields := jsonFields(t)
		names := make([]string, 0, len(fields))
		for n := range fields {
			names = append(names, n)
		}
		sort.Strings(names)
		if _, has := m[u.Key]; has && fieldOf(fields, u.Key) == nil {
			u.Path, u.Allowed = path, names
			return true
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if ft := fieldOf(fields, k); ft != nil && locate(m[k], ft, join(path, k), u) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		list, ok := doc.([]any)
		if !ok {
			return false
		}
		for i, el := range list {
			if locate(el, t.Elem(), path+"["+strconv.Itoa(i)+"]", u) {
				return true
			}
		}
	case reflect.Map:
		m, ok := doc.(map[string]any)
		if !ok {
			return false
		}
		keys := make([]string, 0, len(m))
		for k := range m {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			if locate(m[k], t.Elem(), join(path, k), u) {
				return true
			}
		}
	}
	return false
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// fieldOf finds a member's field as encoding/json does: exact name first,
// then without regard to case.
func fieldOf(fields map[string]reflect.Type, key string) reflect.Type {
	if t, ok := fields[key]; ok {
		return t
	}
	for n, t := range fields {
		if strings.EqualFold(n, key) {
			return t
		}
	}
	return nil
}

// jsonFields lists a struct's JSON member names and types, embedded
// structs' fields included, as encoding/json sees them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	out := map[string]reflect.Type{}
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		tag := f.Tag.Get("json")
		if tag == "-" {
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		ft := f.Type
		if f.Anonymous && name == "" {
			et := ft
			for et.Kind() == reflect.Pointer {
				et = et.Elem()
			}
			if et.Kind() == reflect.Struct {
				for n, t := range jsonFields(et) {
					if _, taken := out[n]; !taken {
						out[n] = t
					}
				}
				continue
			}
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[name] = ft
	}
	return out
}
