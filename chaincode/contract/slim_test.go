package contract

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

// A slim value decodes, status-only, to what the full record decodes to,
// including what the fast scanner leaves to the general decoder (escapes,
// non-ASCII, a missing amount), and is much smaller than a signed record.
func TestSlimSubjectValueKeepsTheStatusFields(t *testing.T) {
	amount, dpd := int64(98765), 130
	base := Record{ID: strings.Repeat("a", 64), JWS: strings.Repeat("x", 900), KeyID: "k1", RecordedAt: "2026-01-10T08:00:00Z", TxID: "tx",
		Payload: attestation.Payload{V: 1, Type: "default", Reporter: "Bank1MSP", Subject: strings.Repeat("b", 64), Product: "consumer",
			Amount: &amount, Currency: "CNY", OverdueSince: "2025-09-01", DaysPastDue: &dpd, NoticeDate: "2025-10-01"}}
	unusual := base
	unusual.Payload.Product, unusual.Payload.Reporter = "<consumer> & \"co\"", "银行MSP"
	noAmount := base
	noAmount.Payload.Amount, noAmount.Payload.DaysPastDue = nil, nil
	for name, r := range map[string]Record{"signed default": base, "escapes and non-ASCII": unusual, "no amount": noAmount} {
		full, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		for _, kind := range []string{"d", "c"} {
			slim, err := SlimSubjectValue(kind, full)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			var a, b Record
			if err := decodeRecord(full, &a, true, nil); err != nil {
				t.Fatal(err)
			}
			if err := decodeRecord(slim, &b, true, new([256]string)); err != nil {
				t.Fatal(err)
			}
			ja, _ := json.Marshal(a)
			jb, _ := json.Marshal(b)
			if string(ja) != string(jb) {
				t.Fatalf("%s (%s): full decodes to %s, slim to %s", name, kind, ja, jb)
			}
			if len(slim)*3 > len(full) {
				t.Fatalf("%s: slim value %d bytes of %d", name, len(slim), len(full))
			}
		}
	}
	// Disputes and registrations are kept as they are.
	for _, kind := range []string{"p", "r"} {
		v := []byte(`{"id":"x","anything":[1,2]}`)
		if got, err := SlimSubjectValue(kind, v); err != nil || string(got) != string(v) {
			t.Fatalf("kind %s: %s %v", kind, got, err)
		}
	}
	// What does not decode is an error, not a guess.
	for _, bad := range []string{`{"id":`, `[]`, `{"payload":{"amount":"x"}}`} {
		if _, err := SlimSubjectValue("d", []byte(bad)); err == nil {
			t.Fatalf("%s: slimmed", bad)
		}
	}
	if !TxSubjectStatus.StatusOnly() || !IsStatusOnly(TxSubjectStatuses.Name) || TxSubjectHistory.StatusOnly() || IsStatusOnly(TxGetAttestation.Name) {
		t.Fatal("status-only marks")
	}
}
