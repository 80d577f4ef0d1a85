package contract

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

// statusByDecoder is what the general decoder gives for the status fields.
func statusByDecoder(v []byte) (Record, error) {
	var s statusRecord
	var r Record
	err := fastjson.Unmarshal(v, &s)
	s.record(&r)
	return r, err
}

func checkStatusDecode(t *testing.T, v []byte) {
	t.Helper()
	want, werr := statusByDecoder(v)
	var got Record
	gerr := decodeRecord(v, &got, true, new([256]string))
	if (werr == nil) != (gerr == nil) {
		t.Fatalf("%s: error %v, the decoder's %v", v, gerr, werr)
	}
	if werr == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%s:\n got %+v\nwant %+v", v, got, want)
	}
}

// The status fields read in place are what the general decoder reads, for
// records as the contract writes them and for anything else a record
// could hold (then the scanner hands over to the decoder).
func TestScanStatusRecordMatchesDecoder(t *testing.T) {
	rng := rand.New(rand.NewPCG(16, 3))
	words := []string{"", "default", "settlement", "Bank1MSP", "CNY", "credit-card", "2025-03-01", "2025-03-01T10:00:00Z",
		`quote"d`, `back\slash`, "tab\there", "<html>&", "汉字", "\u2028", "\x7f", strings.Repeat("x", 700)}
	word := func() string { return words[rng.IntN(len(words))] }
	handled := 0
	for i := 0; i < 2000; i++ {
		var amount *int64
		var days *int
		if rng.IntN(4) > 0 {
			a := rng.Int64() >> rng.IntN(64)
			if rng.IntN(2) == 0 {
				a = -a
			}
			amount = &a
		}
		if rng.IntN(4) > 0 {
			d := rng.IntN(2000)
			days = &d
		}
		r := Record{ID: word(), JWS: word(), KeyID: word(), RecordedAt: word(), TxID: word(), Payload: attestation.Payload{
			V: 1, Type: word(), Reporter: word(), Subject: word(), IssuedAt: word(), LoanRef: word(), Product: word(),
			Amount: amount, Currency: word(), OverdueSince: word(), DaysPastDue: days, NoticeDate: word(), Reason: word()}}
		v, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		checkStatusDecode(t, v)
		var s statusRecord
		if scanStatusRecord(v, &s, nil) {
			handled++
		}
	}
	if handled < 50 {
		t.Fatalf("the scanner read only %d of 2000 records itself", handled)
	}
	for _, v := range []string{
		`{"id":"a","payload":{"type":"default","amount":12,"daysPastDue":90},"recordedAt":"t"}`,
		` { "id" : "a" , "payload" : { "amount" : -7 , "x" : [1, {"y": [true, false]}, "z\"\\\u00e9"] } } `,
		`{"ID":"a"}`, `{"id":"a","Payload":{"amount":1}}`, `{"payload":{"Amount":1}}`,
		`{"id":null}`, `{"payload":{"amount":null}}`, `{"payload":{"amount":1.5}}`, `{"payload":{"amount":1e3}}`,
		`{"payload":{"amount":01}}`, `{"payload":{"amount":9223372036854775807}}`, `{"payload":{"amount":9223372036854775808}}`,
		`{"payload":{"amount":-9223372036854775808}}`, `{"payload":{"amount":"1"}}`, `{"payload":{"daysPastDue":99999999999}}`,
		`{"id":"a\u0041"}`, `{"id":"a","id":"b"}`, `{"x":"\q"}`, `{"x":"\u12"}`, `{"x":nul}`, `{"x":1.0}`, `{}`, `[]`, ``,
		`{"id":"a"} x`, `{"id":"a",}`, `{"id":"a"`, `{"id":"a" "b":1}`, `{"x":{"y":1,}}`, `{"x":[1,]}`, "{\"x\":\"a\tb\"}",
	} {
		checkStatusDecode(t, []byte(v))
	}
}
