package strictjson

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// The gateway's shape: an attestation payload inside a wrapper.
type payload struct {
	Type        string `json:"type"`
	Amount      *int64 `json:"amount,omitempty"`
	DaysPastDue *int   `json:"daysPastDue,omitempty"`
	Currency    string `json:"currency,omitempty"`
}

type wrapper struct {
	JWS         string   `json:"jws,omitempty"`
	Attestation *payload `json:"attestation,omitempty"`
}

type embedded struct {
	Purpose string `json:"purpose"`
}

type request struct {
	embedded
	Items []wrapper          `json:"items"`
	Until time.Time          `json:"until"` // decodes itself: its errors are its own
	Tags  map[string]payload `json:"tags"`
	Seen  bool               `json:"seen"`
	Count uint               `json:"count"`
}

// TestErrorsInPlainWords: each refusal names the field, what was expected
// and what was given in JSON's words; none names a Go type or "Go struct".
func TestErrorsInPlainWords(t *testing.T) {
	for _, c := range []struct {
		in   string
		v    any
		want string
	}{
		{`{"attestation": {"type": "default", "amount": 12500.00}}`, &wrapper{},
			`field "attestation.amount": expected a whole number, got 12500.00 (amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000)`},
		{`{"type": "default", "amount": 1}`, &wrapper{},
			`unknown field "type"; expected one of: attestation, jws`},
		{`{"attestation": {"type": "default", "amout": 1}}`, &wrapper{},
			`unknown field "amout" in attestation (did you mean "amount"?); expected one of: amount, currency, daysPastDue, type`},
		{`{"purpose": "x", "items": [{"jws": "a"}, {"attestation": {"typ": "default"}}]}`, &request{},
			`unknown field "typ" in items[1].attestation (did you mean "type"?); expected one of: amount, currency, daysPastDue, type`},
		{`{"purpse": "x"}`, &request{},
			`unknown field "purpse" (did you mean "purpose"?); expected one of: count, items, purpose, seen, tags, until`},
		{`{"tags": {"a": {"kind": 1}}}`, &request{}, `unknown field "kind" in tags.a`},
		{`{"attestation": {"daysPastDue": "20"}}`, &wrapper{}, `field "attestation.daysPastDue": expected a whole number, got a string`},
		{`{"attestation": {"daysPastDue": 99999999999999999999}}`, &wrapper{},
			`field "attestation.daysPastDue": expected a whole number in range, got 99999999999999999999`},
		{`{"attestation": {"type": 7}}`, &wrapper{}, `field "attestation.type": expected a string, got a number`},
		{`{"attestation": []}`, &wrapper{}, `field "attestation": expected an object, got a list`},
		{`{"items": {}}`, &request{}, `field "items": expected a list, got an object`},
		{`{"seen": "yes"}`, &request{}, `field "seen": expected true or false, got a string`},
		{`{"count": -1}`, &request{}, `field "count": expected a whole number, 0 or more, got -1`},
		{`{"jws": }`, &wrapper{}, `not valid JSON at byte 9: invalid character '}' looking for beginning of value`},
	} {
		err := Decode([]byte(c.in), c.v)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s:\n got %v\nwant %s", c.in, err, c.want)
			continue
		}
		for _, leak := range []string{"Go struct", "int64", "json:", "main.", "strictjson."} {
			if strings.Contains(err.Error(), leak) {
				t.Errorf("%s: %q shows %q", c.in, err, leak)
			}
		}
	}
}

func TestErrorTypes(t *testing.T) {
	var te *TypeError
	if err := Decode([]byte(`{"attestation": {"amount": "1"}}`), &wrapper{}); !errors.As(err, &te) || te.Field != "attestation.amount" || te.Got != "a string" {
		t.Fatalf("%#v", err)
	}
	var ue *UnknownFieldError
	if err := Decode([]byte(`{"x": 1}`), &wrapper{}); !errors.As(err, &ue) || ue.Key != "x" || ue.Path != "" || len(ue.Allowed) != 2 {
		t.Fatalf("%#v", err)
	}
}
