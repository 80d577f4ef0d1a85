package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// --field lets a shell script take one value from an answer without a
// JSON tool (jq is not installed on a fresh Debian or Ubuntu machine):
//
//	D=$(blctl --field ids submit default.ndjson)
//	P=$(blctl --field id dispute open ...)
//
// The command runs with --output json into a buffer; the named member is
// then printed alone: a string without quotes, a number or boolean as
// written, an array one element per line, an object as compact JSON.
// A path goes into nested objects and arrays with dots: results.0.id.

// pickField prints the member at path of the JSON document doc to w.
func pickField(w io.Writer, doc []byte, path string) error {
	dec := json.NewDecoder(bytes.NewReader(doc))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return &ServerError{Op: "--field", Err: fmt.Errorf("the answer is not one JSON document: %v", err)}
	}
	for _, seg := range strings.Split(path, ".") {
		switch x := v.(type) {
		case map[string]any:
			next, ok := x[seg]
			if !ok {
				names := make([]string, 0, len(x))
				for k := range x {
					names = append(names, k)
				}
				sort.Strings(names)
				return usagef("--field %s: the answer has no %q (it has: %s)", path, seg, strings.Join(names, ", "))
			}
			v = next
		case []any:
			i, err := strconv.Atoi(seg)
			if err != nil || i < 0 || i >= len(x) {
				return usagef("--field %s: %q is not an index of a list of %d", path, seg, len(x))
			}
			v = x[i]
		default:
			return usagef("--field %s: %q is inside a single value, not an object", path, seg)
		}
	}
	if list, ok := v.([]any); ok {
		for _, el := range list {
			if _, err := fmt.Fprintln(w, scalarText(el)); err != nil {
				return err
			}
		}
		return nil
	}
	_, err := fmt.Fprintln(w, scalarText(v))
	return err
}

// scalarText is how one value is printed by --field.
func scalarText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case json.Number:
		return x.String()
	case nil:
		return ""
	case bool:
		return strconv.FormatBool(x)
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}
