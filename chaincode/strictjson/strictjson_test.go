package strictjson

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"
)

type item struct {
	Name  string `json:"name"`
	Count int    `json:"count"`
}

type body struct {
	Items []item          `json:"items"`
	Meta  map[string]any  `json:"meta"`
	Raw   json.RawMessage `json:"raw"`
}

func TestDecodeRefusesRepeatedKeysAnywhere(t *testing.T) {
	for _, c := range []struct{ in, key, path string }{
		{`{"items":[],"items":[]}`, "items", ""},
		{`{"items":[{"name":"a","count":1,"count":2}]}`, "count", "items[0]"},
		{`{"items":[{"name":"a"},{"name":"b","name":"c"}]}`, "name", "items[1]"},
		{`{"meta":{"x":{"y":1,"y":2}}}`, "y", "meta.x"},
		{`{"raw":{"a":1,"a":1}}`, "a", "raw"},
		{`{"items":[{"name":"a","NAME":"b"}]}`, "NAME", "items[0]"},
		{`{"meta":{"nameſ":"b","NAMES":"c"}}`, "NAMES", "meta"},
		{`{"meta":{"a":[1,{"b":2}],"c":[[],{"d":{"e":1,"\u0065":2}}]}}`, "e", "meta.c[1].d"},
		{`{"meta":{"k":1,"K":2}}`, "K", "meta"}, // U+212A KELVIN SIGN folds to k
	} {
		var v body
		err := Decode([]byte(c.in), &v)
		var de *DuplicateKeyError
		if !errors.As(err, &de) || de.Key != c.key || de.Path != c.path {
			t.Errorf("%s: got %v, want duplicate %q at %q", c.in, err, c.key, c.path)
		}
	}
}

func TestDecodeAcceptsAndRefuses(t *testing.T) {
	var v body
	if err := Decode([]byte(` {"items":[{"name":"a","count":1},{"name":"a","count":1}],"meta":{"a":{"a":{"a":[{"a":1}]}}}} `), &v); err != nil || len(v.Items) != 2 {
		t.Fatalf("valid input: %v %+v", err, v)
	}
	for _, c := range []struct {
		in   string
		want string
	}{
		{`{"items":[]} {}`, ErrTrailingData.Error()},
		{`{"items":[]}]`, ErrTrailingData.Error()},
		{`{"other":1}`, `unknown field "other"`},
		{"{\"items\":[{\"name\":\"a\xff\"}]}", ErrInvalidUTF8.Error()},
		{`{"items":[`, "not valid JSON: it ends too early"},
		{``, "no JSON value"},
		{`{"items":[{"name":1}]}`, `field "items.name": expected a string, got a number`},
	} {
		var v body
		if err := Decode([]byte(c.in), &v); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%q: got %v, want %q", c.in, err, c.want)
		}
	}
}

func TestDuplicateKeyMessage(t *testing.T) {
	if got := (&DuplicateKeyError{Key: "amount", Path: "items[0].attestation"}).Error(); got != `duplicate key "amount" in items[0].attestation` {
		t.Fatal(got)
	}
	if got := (&DuplicateKeyError{Key: strings.Repeat("k", 100)}).Error(); len(got) > 90 {
		t.Fatalf("long key not cut: %d bytes", len(got))
	}
}

func TestMembers(t *testing.T) {
	var keys []string
	err := Members([]byte(`{"a": 1 ,"b":{"c":[1]},"A":"x"}`), func(k string, raw json.RawMessage) error {
		keys = append(keys, k+"="+string(raw))
		return nil
	})
	if err != nil || strings.Join(keys, " ") != `a=1 b={"c":[1]} A="x"` {
		t.Fatalf("%v %v", err, keys)
	}
	stop := errors.New("stop")
	for _, c := range []struct {
		in   string
		want error
		key  string
	}{
		{`{"a":1,"a":2}`, nil, "a"},
		{`[1]`, ErrNotObject, ""},
		{`{"a":1} x`, ErrTrailingData, ""},
		{`{"a":1,"b":2}`, stop, ""},
	} {
		err := Members([]byte(c.in), func(k string, _ json.RawMessage) error {
			if k == "b" {
				return stop
			}
			return nil
		})
		var de *DuplicateKeyError
		switch {
		case c.want != nil && !errors.Is(err, c.want):
			t.Errorf("%s: %v, want %v", c.in, err, c.want)
		case c.want == nil && (!errors.As(err, &de) || de.Key != c.key):
			t.Errorf("%s: %v, want duplicate %q", c.in, err, c.key)
		}
	}
	var se *SyntaxError
	if err := Members([]byte(`{"a":tru}`), func(string, json.RawMessage) error { return nil }); !errors.As(err, &se) || se.Key != "a" {
		t.Fatalf("syntax error in a value: %v", err)
	}
}

// refCheckKeys is CheckKeys written the obvious way, with json.Decoder's
// tokens: the fuzz test holds the byte scanner to it.
func refCheckKeys(b []byte) (key, at string, ok bool) {
	d := json.NewDecoder(bytes.NewReader(b))
	var stack []*frame
	wantKey := []bool{}
	for {
		tok, err := d.Token()
		if err != nil {
			return "", "", false
		}
		n := len(stack)
		if n > 0 && stack[n-1].object && wantKey[n-1] {
			if tok == json.Delim('}') {
				stack, wantKey = stack[:n-1], wantKey[:n-1]
			} else {
				k := tok.(string)
				for _, seen := range stack[n-1].keys {
					if strings.EqualFold(seen, k) {
						return k, path(stack[:n-1]), true
					}
				}
				stack[n-1].keys = append(stack[n-1].keys, k)
				stack[n-1].key, wantKey[n-1] = k, false
				continue
			}
		} else {
			switch tok {
			case json.Delim('{'):
				stack, wantKey = append(stack, &frame{object: true}), append(wantKey, true)
				continue
			case json.Delim('['):
				stack, wantKey = append(stack, &frame{}), append(wantKey, false)
				continue
			case json.Delim(']'):
				stack, wantKey = stack[:n-1], wantKey[:n-1]
			}
		}
		if len(stack) == 0 {
			return "", "", false
		}
		if top := len(stack) - 1; stack[top].object {
			wantKey[top] = true
		} else {
			stack[top].index++
		}
	}
}

func FuzzCheckKeysAgreesWithTokens(f *testing.F) {
	for _, s := range []string{`{"a":1}`, `{"a":[{"b":1},{"b":2}]}`, `[{"a":1,"a":2}]`, `"x"`, `{"a":{"a":{}}}`,
		`{"a\"b":1,"A\"B":2}`, `[[1,2],[3,{"x":1,"X":2}]]`, `{"k":1,"\u212a":2}`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		b := []byte(s)
		if !utf8.Valid(b) {
			return // Decode refuses it before CheckKeys
		}
		err := CheckKeys(b)
		if !json.Valid(b) {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("%q is not JSON, CheckKeys says %v", s, err)
			}
			return
		}
		key, at, dup := refCheckKeys(b)
		var de *DuplicateKeyError
		switch {
		case dup && (!errors.As(err, &de) || de.Key != key || de.Path != at):
			t.Fatalf("%q: reference finds %q at %q, CheckKeys says %v", s, key, at, err)
		case !dup && err != nil:
			t.Fatalf("%q: reference finds no repeat, CheckKeys says %v", s, err)
		}
	})
}

// Large objects switch to folded keys; the verdict is the same.
func TestLargeObjects(t *testing.T) {
	var sb strings.Builder
	sb.WriteString("{")
	for i := 0; i < 40; i++ {
		fmt.Fprintf(&sb, `"key%d":%d,`, i, i)
	}
	sb.WriteString(`"ſ":1,"KEY7":2}`)
	var de *DuplicateKeyError
	if err := CheckKeys([]byte(sb.String())); !errors.As(err, &de) || de.Key != "KEY7" {
		t.Fatalf("got %v", err)
	}
}
