package strictjson

import (
	"encoding/json"
	"fmt"
	"testing"
)

// walk records what Members-like fn calls see and how the walk ends; fn
// stops the walk at a key named "stop".
func walk(members func([]byte, func(string, json.RawMessage) error) error, b []byte) string {
	out := ""
	err := members(b, func(k string, raw json.RawMessage) error {
		out += fmt.Sprintf("%q=%s;", k, raw)
		if k == "stop" {
			return fmt.Errorf("stopped")
		}
		return nil
	})
	return fmt.Sprintf("%s err=%v", out, err)
}

var membersCases = []string{
	`{}`, ` { } `, `{"a":1}`, "{\n\t\"a\" : 1 ,\r\n \"b\" : [ 1 , {\"c\" : \"}]\\\"\" } ] }\n",
	`{"a":"x\"y","b":{"c":{"d":[[],{}]}},"e":null,"f":true,"g":false,"h":-1.5e3}`,
	`{"a":1,"a":2}`, `{"a":1,"A":2}`, `{"\u0061":1,"a":2}`, `{"é":1,"\u00e9":2}`, "{\"\xff\":1,\"\ufffd\":2}",
	`{"a\\b":1}`, `{"a":1,"stop":2,"stop":3}`, `{"stop":1,"a":2}`, `[1]`, `1`, `"x"`, `null`, `[]`,
	`1e999`, `{"a":1e999}`, `{"a":1} x`, `{"a":tru}`, `{"a":1,}`, `{"a" 1}`, `{`, ``, `  `, `{"a":[1,2}`, `{"a":"x}`,
}

// TestMembersWalkMatchesDecoder holds Members (the direct walk for valid
// input) to membersDecoder, json.Decoder's tokens: the same keys and raw
// values in the same order, and the same verdict.
func TestMembersWalkMatchesDecoder(t *testing.T) {
	for _, c := range membersCases {
		if got, want := walk(Members, []byte(c)), walk(membersDecoder, []byte(c)); got != want {
			t.Errorf("%q:\n walk    %s\n decoder %s", c, got, want)
		}
	}
}

func FuzzMembers(f *testing.F) {
	for _, c := range membersCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := walk(Members, b), walk(membersDecoder, b); got != want {
			t.Errorf("%q:\n walk    %s\n decoder %s", b, got, want)
		}
	})
}
