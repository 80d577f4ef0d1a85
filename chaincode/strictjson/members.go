package strictjson

import (
	"encoding/json"
)

// membersValid is Members for b that json.Valid accepts: one JSON value
// and white space around it. Knowing that, it finds each member's key and
// value by scanning bytes (strings skipped by their quotes, containers by
// depth) instead of asking json.Decoder for tokens, whose reflection and
// per-token allocations were half of parsing an attestation (a submit's
// profile, docs/benchmarks.md). The keys, values and verdicts are
// membersDecoder's: TestMembersWalkMatchesDecoder and FuzzMembers hold it
// to that.
func membersValid(b []byte, fn func(key string, raw json.RawMessage) error) error {
	i := skipSpace(b, 0)
	if b[i] != '{' {
		return membersDecoder(b, fn) // not an object: its error, whatever the value
	}
	i = skipSpace(b, i+1)
	var seen []string // a payload has a dozen keys: a slice beats a map
	for b[i] != '}' {
		end := stringEnd(b, i)
		key, err := keyText(b[i:end])
		if err != nil {
			return &SyntaxError{Err: err}
		}
		for _, k := range seen {
			if k == key {
				return &DuplicateKeyError{Key: key}
			}
		}
		seen = append(seen, key)
		i = skipSpace(b, end) // at ':'
		i = skipSpace(b, i+1) // at the value
		end = valueEnd(b, i)
		if err := fn(key, json.RawMessage(b[i:end])); err != nil {
			return err
		}
		i = skipSpace(b, end)
		if b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\n' || b[i] == '\r') {
		i++
	}
	return i
}

// stringEnd returns the index after the string that starts at b[i] ('"').
func stringEnd(b []byte, i int) int {
	for i++; b[i] != '"'; i++ {
		if b[i] == '\\' {
			i++
		}
	}
	return i + 1
}

// valueEnd returns the index after the value that starts at b[i].
func valueEnd(b []byte, i int) int {
	switch b[i] {
	case '"':
		return stringEnd(b, i)
	case '{', '[':
		depth := 0
		for ; ; i++ {
			switch b[i] {
			case '"':
				i = stringEnd(b, i) - 1
			case '{', '[':
				depth++
			case '}', ']':
				if depth--; depth == 0 {
					return i + 1
				}
			}
		}
	default: // a number, true, false or null
		for i < len(b) && b[i] != ',' && b[i] != '}' && b[i] != ']' &&
			b[i] != ' ' && b[i] != '\t' && b[i] != '\n' && b[i] != '\r' {
			i++
		}
		return i
	}
}

// keyText is the text of the quoted key q: its bytes between the quotes
// when they hold no escape and only ASCII, else what encoding/json
// unquotes them to (as json.Decoder's tokens do, invalid UTF-8 included).
func keyText(q []byte) (string, error) {
	plain := true
	for _, c := range q[1 : len(q)-1] {
		if c == '\\' || c >= 0x80 {
			plain = false
			break
		}
	}
	if plain {
		return string(q[1 : len(q)-1]), nil
	}
	var s string
	err := json.Unmarshal(q, &s)
	return s, err
}
