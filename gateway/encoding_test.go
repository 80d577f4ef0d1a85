package gateway

import (
	"encoding/json"
	"testing"

	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// TestLookupAnswerEncoding: the lookup answer, encoded with goccy/go-json
// for speed, is byte for byte what encoding/json (gin's c.JSON) writes:
// map keys sorted, nil slices and maps as null, HTML characters escaped.
// (The two sort map keys that need escaping differently, encoding/json by
// the raw key, goccy by the escaped one; the only map, outstanding, is
// keyed by ISO 4217 codes, three capital letters, which the attestation
// rules enforce.)
func TestLookupAnswerEncoding(t *testing.T) {
	answers := []lookupResponse{
		{},
		{AsOf: 7, Results: []contract.Status{}},
		{AsOf: 1 << 40, Results: []contract.Status{
			{SubjectKey: "ab", Listed: true, ActiveDefaults: 3, Reporters: []string{"Bank2MSP", "Bank1MSP", "<&>"},
				Outstanding: map[string]int64{"USD": 5, "CNY": 100000, "EUR": -1, "AUD": 2}, Disputed: true,
				OverdueDisputes: 1, FirstOverdueSince: "2025-09-01", SettledRecords: 2, Records: 6},
			{SubjectKey: "cd"},
		}},
	}
	for _, a := range answers {
		want, err := json.Marshal(a)
		if err != nil {
			t.Fatal(err)
		}
		got, err := fastjson.Marshal(a)
		if err != nil || string(got) != string(want) {
			t.Errorf("goccy/go-json: %s %v\nencoding/json: %s", got, err, want)
		}
	}
}
