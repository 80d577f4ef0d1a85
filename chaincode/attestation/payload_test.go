package attestation

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

type payloadCase struct {
	name   string
	mutate func(p *Payload)
	code   string
	msg    string
}

func runPayloadCases(t *testing.T, base func() *Payload, cases []payloadCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := base()
			tc.mutate(p)
			wantErr(t, p.Validate(), tc.code, tc.msg)
			// The byte-level decoder must agree with the struct-level check
			// for everything encoding/json can express.
			_, err := DecodePayload(mustJSON(t, p))
			wantErr(t, err, tc.code, tc.msg)
		})
	}
}

const inv = CodeInvalidPayload

func TestValidateCommon(t *testing.T) {
	runPayloadCases(t, validDefault, []payloadCase{
		{"valid", func(p *Payload) {}, "", ""},
		{"v 0", func(p *Payload) { p.V = 0 }, inv, "v must be 1, got 0"},
		{"v 2", func(p *Payload) { p.V = 2 }, inv, "v must be 1, got 2"},
		{"type unknown", func(p *Payload) { p.Type = "Default" }, inv, `type "Default" is not one of`},
		{"reporter punctuation allowed", func(p *Payload) { p.Reporter = "Bank-A.MSP_1" }, "", ""},
		{"reporter 64", func(p *Payload) { p.Reporter = strings.Repeat("a", 64) }, "", ""},
		{"reporter 65", func(p *Payload) { p.Reporter = strings.Repeat("a", 65) }, inv, "reporter must be 1 to 64 characters, got 65"},
		{"reporter space", func(p *Payload) { p.Reporter = "Bank A" }, inv, `reporter "Bank A" has a character outside [A-Za-z0-9._-] at offset 4`},
		{"reporter slash", func(p *Payload) { p.Reporter = "Bank/A" }, inv, "outside [A-Za-z0-9._-]"},
		{"reporter non-ascii", func(p *Payload) { p.Reporter = "Bänk" }, inv, "outside [A-Za-z0-9._-]"},
		{"subject uppercase", func(p *Payload) { p.Subject = strings.ToUpper(testSubject) }, inv, "subject must be 64 lowercase hex characters"},
		{"subject short", func(p *Payload) { p.Subject = testSubject[:63] }, inv, "subject must be 64 lowercase hex characters"},
		{"subject non-hex", func(p *Payload) { p.Subject = "g" + testSubject[1:] }, inv, "subject must be 64 lowercase hex characters"},
		{"issuedAt fractional", func(p *Payload) { p.IssuedAt = "2026-03-01T10:00:00.123456Z" }, "", ""},
		{"issuedAt offset", func(p *Payload) { p.IssuedAt = "2026-03-01T10:00:00-05:30" }, "", ""},
		{"issuedAt no zone", func(p *Payload) { p.IssuedAt = "2026-03-01T10:00:00" }, inv, `issuedAt must be an RFC 3339 timestamp with zone, got "2026-03-01T10:00:00"`},
		{"issuedAt date only", func(p *Payload) { p.IssuedAt = "2026-03-01" }, inv, "issuedAt must be an RFC 3339 timestamp"},
		{"issuedAt space separator", func(p *Payload) { p.IssuedAt = "2026-03-01 10:00:00Z" }, inv, "issuedAt must be an RFC 3339 timestamp"},
		{"issuedAt bad month", func(p *Payload) { p.IssuedAt = "2026-13-01T10:00:00Z" }, inv, "issuedAt must be an RFC 3339 timestamp"},
	})
}

// Common fields are not omitempty, so an empty one is still present on the
// wire: Validate calls it missing, DecodePayload reports the bad value.
func TestValidateCommonMissing(t *testing.T) {
	cases := []struct {
		name, structMsg, wireMsg string
		mutate                   func(p *Payload)
	}{
		{"type", "missing field type", `type "" is not one of`, func(p *Payload) { p.Type = "" }},
		{"reporter", "missing field reporter", "reporter must be 1 to 64 characters, got 0", func(p *Payload) { p.Reporter = "" }},
		{"subject", "missing field subject", `subject must be 64 lowercase hex characters, got ""`, func(p *Payload) { p.Subject = "" }},
		{"issuedAt", "missing field issuedAt", `issuedAt must be an RFC 3339 timestamp with zone, got ""`, func(p *Payload) { p.IssuedAt = "" }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p := validDefault()
			tc.mutate(p)
			wantErr(t, p.Validate(), inv, tc.structMsg)
			_, err := DecodePayload(mustJSON(t, p))
			wantErr(t, err, inv, tc.wireMsg)
		})
	}
}

func TestValidateDefault(t *testing.T) {
	runPayloadCases(t, validDefault, []payloadCase{
		{"loanRef missing", func(p *Payload) { p.LoanRef = "" }, inv, "missing field loanRef"},
		{"loanRef not hex", func(p *Payload) { p.LoanRef = "LN-000123" }, inv, `loanRef must be 64 lowercase hex characters, got "LN-000123"`},
		{"product each", func(p *Payload) { p.Product = "mortgage" }, "", ""},
		{"product credit-card", func(p *Payload) { p.Product = "credit-card" }, "", ""},
		{"product business", func(p *Payload) { p.Product = "business" }, "", ""},
		{"product other", func(p *Payload) { p.Product = "other" }, "", ""},
		{"product unknown", func(p *Payload) { p.Product = "car" }, inv, `product "car" is not one of`},
		{"product missing", func(p *Payload) { p.Product = "" }, inv, "missing field product"},
		{"amount missing", func(p *Payload) { p.Amount = nil }, inv, "missing field amount"},
		{"amount 1", func(p *Payload) { p.Amount = i64(1) }, "", ""},
		{"amount 0", func(p *Payload) { p.Amount = i64(0) }, inv, "amount must be between 1 and 1000000000000000 minor units, got 0"},
		{"amount negative", func(p *Payload) { p.Amount = i64(-5) }, inv, "got -5"},
		{"amount max", func(p *Payload) { p.Amount = i64(1e15) }, "", ""},
		{"amount over max", func(p *Payload) { p.Amount = i64(1e15 + 1) }, inv, "got 1000000000000001"},
		{"currency missing", func(p *Payload) { p.Currency = "" }, inv, "missing field currency"},
		{"currency USD", func(p *Payload) { p.Currency = "USD" }, "", ""},
		{"currency XCG", func(p *Payload) { p.Currency = "XCG" }, "", ""},
		{"currency lowercase", func(p *Payload) { p.Currency = "eur" }, inv, `currency "eur" is not an active ISO 4217 code`},
		{"currency unassigned", func(p *Payload) { p.Currency = "ABC" }, inv, `currency "ABC" is not an active ISO 4217 code`},
		{"currency withdrawn", func(p *Payload) { p.Currency = "DEM" }, inv, `currency "DEM"`},
		{"currency no-currency code", func(p *Payload) { p.Currency = "XXX" }, inv, `currency "XXX"`},
		{"overdueSince missing", func(p *Payload) { p.OverdueSince = "" }, inv, "missing field overdueSince"},
		{"overdueSince no padding", func(p *Payload) { p.OverdueSince = "2025-11-2" }, inv, `overdueSince must be a date YYYY-MM-DD, got "2025-11-2"`},
		{"overdueSince impossible", func(p *Payload) { p.OverdueSince = "2025-02-30" }, inv, "overdueSince must be a date YYYY-MM-DD"},
		{"overdueSince timestamp", func(p *Payload) { p.OverdueSince = "2025-11-20T00:00:00Z" }, inv, "overdueSince must be a date YYYY-MM-DD"},
		{"overdueSince after issuedAt", func(p *Payload) { p.OverdueSince = "2026-03-02"; p.DaysPastDue = iptr(0) }, inv, "overdueSince 2026-03-02 is after issuedAt date 2026-03-01"},
		{"overdueSince on issuedAt", func(p *Payload) { p.OverdueSince = "2026-03-01"; p.DaysPastDue = iptr(0) }, "", ""},
		{"daysPastDue missing", func(p *Payload) { p.DaysPastDue = nil }, inv, "missing field daysPastDue"},
		{"daysPastDue negative", func(p *Payload) { p.DaysPastDue = iptr(-1) }, inv, "daysPastDue must be between 0 and 36500, got -1"},
		{"daysPastDue too big", func(p *Payload) { p.DaysPastDue = iptr(36501) }, inv, "daysPastDue must be between 0 and 36500, got 36501"},
		{"daysPastDue max", func(p *Payload) {
			p.IssuedAt = "2090-01-01T10:00:00Z"
			p.OverdueSince = "1990-01-01"
			p.DaysPastDue = iptr(36500)
		}, "", ""},
		{"daysPastDue reaches issuedAt", func(p *Payload) { p.DaysPastDue = iptr(101) }, "", ""},
		{"daysPastDue beyond issuedAt", func(p *Payload) { p.DaysPastDue = iptr(102) }, inv, "overdueSince 2025-11-20 plus daysPastDue 102 is 2026-03-02, after issuedAt date 2026-03-01"},
		{"noticeDate missing", func(p *Payload) { p.NoticeDate = "" }, inv, "missing field noticeDate"},
		{"noticeDate bad", func(p *Payload) { p.NoticeDate = "15/02/2026" }, inv, "noticeDate must be a date YYYY-MM-DD"},
		{"noticeDate on issuedAt", func(p *Payload) { p.NoticeDate = "2026-03-01" }, "", ""},
		{"noticeDate after issuedAt", func(p *Payload) { p.NoticeDate = "2026-03-02" }, inv, "noticeDate 2026-03-02 is after issuedAt date 2026-03-01"},
		// 23:30 at -05:00 is 12:30 on 2 March in UTC+08:00, the calendar of
		// date-only fields (TestDatesAreInTheAssociationCalendar).
		{"issuedAt date is the association's", func(p *Payload) { p.IssuedAt = "2026-03-01T23:30:00-05:00"; p.NoticeDate = "2026-03-02" }, "", ""},
		{"issuedAt date east of UTC", func(p *Payload) { p.IssuedAt = "2026-03-02T00:30:00+02:00"; p.NoticeDate = "2026-03-02" }, "", ""},
		{"foreign refersTo", func(p *Payload) { p.RefersTo = testDefault }, inv, "field refersTo is not allowed in a default attestation"},
		{"foreign settledOn", func(p *Payload) { p.SettledOn = "2026-01-01" }, inv, "field settledOn is not allowed in a default attestation"},
		{"foreign kind", func(p *Payload) { p.Kind = "full" }, inv, "field kind is not allowed in a default attestation"},
		{"foreign reason", func(p *Payload) { p.Reason = "x" }, inv, "field reason is not allowed in a default attestation"},
	})
}

func TestValidateSettlement(t *testing.T) {
	runPayloadCases(t, validSettlement, []payloadCase{
		{"valid", func(p *Payload) {}, "", ""},
		{"kind full", func(p *Payload) { p.Kind = "full" }, "", ""},
		{"kind written-off amount 0", func(p *Payload) { p.Kind = "written-off"; p.Amount = i64(0) }, "", ""},
		{"kind unknown", func(p *Payload) { p.Kind = "partial" }, inv, `kind "partial" is not one of`},
		{"kind missing", func(p *Payload) { p.Kind = "" }, inv, "missing field kind"},
		{"refersTo missing", func(p *Payload) { p.RefersTo = "" }, inv, "missing field refersTo"},
		{"refersTo bad", func(p *Payload) { p.RefersTo = strings.ToUpper(testDefault) }, inv, "refersTo must be a 64-character lowercase hex attestation id"},
		{"settledOn missing", func(p *Payload) { p.SettledOn = "" }, inv, "missing field settledOn"},
		{"settledOn bad", func(p *Payload) { p.SettledOn = "yesterday" }, inv, `settledOn must be a date YYYY-MM-DD, got "yesterday"`},
		{"settledOn on issuedAt", func(p *Payload) { p.SettledOn = "2026-03-01" }, "", ""},
		{"settledOn after issuedAt", func(p *Payload) { p.SettledOn = "2026-03-02" }, inv, "settledOn 2026-03-02 is after issuedAt date 2026-03-01"},
		{"amount missing", func(p *Payload) { p.Amount = nil }, inv, "missing field amount"},
		{"amount negative", func(p *Payload) { p.Amount = i64(-1) }, inv, "amount must be between 0 and 1000000000000000 minor units, got -1"},
		{"amount over max", func(p *Payload) { p.Amount = i64(1e15 + 1) }, inv, "amount must be between 0 and"},
		{"foreign currency", func(p *Payload) { p.Currency = "EUR" }, inv, "field currency is not allowed in a settlement attestation"},
		{"foreign loanRef", func(p *Payload) { p.LoanRef = testLoanRef }, inv, "field loanRef is not allowed in a settlement attestation"},
		{"foreign daysPastDue zero", func(p *Payload) { p.DaysPastDue = iptr(0) }, inv, "field daysPastDue is not allowed in a settlement attestation"},
		{"foreign reason", func(p *Payload) { p.Reason = "paid" }, inv, "field reason is not allowed in a settlement attestation"},
	})
}

func TestValidateRevocation(t *testing.T) {
	runPayloadCases(t, validRevocation, []payloadCase{
		{"valid", func(p *Payload) {}, "", ""},
		{"reason missing", func(p *Payload) { p.Reason = "" }, inv, "missing field reason"},
		{"reason 1", func(p *Payload) { p.Reason = "x" }, "", ""},
		{"reason 500 runes multibyte", func(p *Payload) { p.Reason = strings.Repeat("é", 500) }, "", ""},
		{"reason 501 runes", func(p *Payload) { p.Reason = strings.Repeat("a", 501) }, inv, "reason must be 1 to 500 characters, got 501"},
		{"refersTo missing", func(p *Payload) { p.RefersTo = "" }, inv, "missing field refersTo"},
		{"refersTo bad", func(p *Payload) { p.RefersTo = "abc" }, inv, `refersTo must be a 64-character lowercase hex attestation id, got "abc"`},
		{"foreign amount", func(p *Payload) { p.Amount = i64(0) }, inv, "field amount is not allowed in a revocation attestation"},
		{"foreign kind", func(p *Payload) { p.Kind = "full" }, inv, "field kind is not allowed in a revocation attestation"},
		{"foreign product", func(p *Payload) { p.Product = "other" }, inv, "field product is not allowed in a revocation attestation"},
	})
}

func TestValidateStructOnly(t *testing.T) {
	var nilP *Payload
	wantErr(t, nilP.Validate(), inv, "payload is nil")

	p := validRevocation()
	p.Reason = "bad \xff byte"
	wantErr(t, p.Validate(), inv, "reason is not valid UTF-8")
}

func TestIssuedTime(t *testing.T) {
	p := validDefault()
	p.IssuedAt = "2026-03-01T23:30:00-05:00"
	want := time.Date(2026, 3, 2, 4, 30, 0, 0, time.UTC)
	if got := p.IssuedTime(); !got.Equal(want) {
		t.Fatalf("IssuedTime = %v, want %v", got, want)
	}
	p.IssuedAt = "garbage"
	if got := p.IssuedTime(); !got.IsZero() {
		t.Fatalf("IssuedTime of invalid = %v, want zero", got)
	}
	var nilP *Payload
	if !nilP.IssuedTime().IsZero() {
		t.Fatal("nil payload IssuedTime not zero")
	}
}

// defaultJSON is a valid default written by hand, in a different key order
// than encoding/json would use, as a bank's own tool might.
const defaultJSON = `{"type":"default","v":1,"reporter":"BankAMSP",` +
	`"subject":"` + testSubject + `","issuedAt":"2026-03-01T10:00:00Z",` +
	`"loanRef":"` + testLoanRef + `","product":"consumer","amount":1250000,"currency":"EUR",` +
	`"overdueSince":"2025-11-20","daysPastDue":100,"noticeDate":"2026-02-15"}`

// withField returns defaultJSON with extra members inserted after the opening brace.
func withField(members string) string { return "{" + members + "," + defaultJSON[1:] }

// replaceIn returns defaultJSON with old replaced by new, failing loudly if
// old is absent so a typo cannot turn a refusal test into a no-op.
func replaceIn(t *testing.T, old, new string) string {
	t.Helper()
	if !strings.Contains(defaultJSON, old) {
		t.Fatalf("%q not in defaultJSON", old)
	}
	return strings.Replace(defaultJSON, old, new, 1)
}

func TestDecodePayload(t *testing.T) {
	pad := func(n int) string { // defaultJSON padded with whitespace to exactly n bytes
		return defaultJSON[:len(defaultJSON)-1] + strings.Repeat(" ", n-len(defaultJSON)) + "}"
	}
	cases := []struct {
		name string
		in   string
		code string
		msg  string
	}{
		{"valid", defaultJSON, "", ""},
		{"surrounding whitespace", " \n" + defaultJSON + "\n\t ", "", ""},
		{"exactly max size", pad(MaxPayloadBytes), "", ""},
		{"one over max size", pad(MaxPayloadBytes + 1), CodeTooLarge, "payload is 8193 bytes, limit is 8192"},
		{"duplicate key", withField(`"v":1`), inv, "duplicate field v"},
		{"duplicate key via escape", withField(`"\u0076":1`), inv, "duplicate field v"},
		{"duplicate key different values", withField(`"amount":1`), inv, "duplicate field amount"},
		{"unknown field", withField(`"borrowerName":"J. Doe"`), inv, `unknown field "borrowerName"`},
		{"unknown field case", withField(`"Amount":5`), inv, `unknown field "Amount"`},
		{"foreign field empty string", withField(`"reason":""`), inv, "field reason is not allowed in a default attestation"},
		{"foreign field of settlement", withField(`"kind":"full"`), inv, "field kind is not allowed in a default attestation"},
		{"present but empty", replaceIn(t, `"loanRef":"`+testLoanRef+`"`, `"loanRef":""`), inv, `loanRef must be 64 lowercase hex characters, got ""`},
		{"null value", replaceIn(t, `"amount":1250000`, `"amount":null`), inv, "amount must be an integer, got null"},
		{"null string", replaceIn(t, `"product":"consumer"`, `"product":null`), inv, "product must be a string, got null"},
		{"nested object", replaceIn(t, `"product":"consumer"`, `"product":{"name":"consumer"}`), inv, "product must be a string, got an object"},
		{"nested array", replaceIn(t, `"amount":1250000`, `"amount":[1250000]`), inv, "amount must be an integer, got an array"},
		{"amount as string", replaceIn(t, `"amount":1250000`, `"amount":"1250000"`), inv, "amount must be an integer, got a string"},
		{"amount fractional", replaceIn(t, `"amount":1250000`, `"amount":1250000.5`), inv, `amount must be an integer, got "1250000.5"`},
		{"amount trailing zero fraction", replaceIn(t, `"amount":1250000`, `"amount":1250000.0`), inv, "amount must be an integer"},
		{"amount exponent", replaceIn(t, `"amount":1250000`, `"amount":1.25e6`), inv, "amount must be an integer"},
		{"amount overflow", replaceIn(t, `"amount":1250000`, `"amount":99999999999999999999`), inv, `amount "99999999999999999999" is out of range`},
		{"v as string", replaceIn(t, `"v":1`, `"v":"1"`), inv, "v must be an integer, got a string"},
		{"v as bool", replaceIn(t, `"v":1`, `"v":true`), inv, "v must be an integer, got a boolean"},
		{"type as number", replaceIn(t, `"type":"default"`, `"type":1`), inv, "type must be a string, got a number"},
		{"missing v", replaceIn(t, `"v":1,`, ``), inv, "missing field v"},
		{"missing type", replaceIn(t, `"type":"default",`, ``), inv, "missing field type"},
		{"missing reporter", replaceIn(t, `"reporter":"BankAMSP",`, ``), inv, "missing field reporter"},
		{"missing noticeDate", replaceIn(t, `,"noticeDate":"2026-02-15"`, ``), inv, "missing field noticeDate"},
		{"trailing garbage", defaultJSON + "x", inv, "trailing data after the payload object"},
		{"trailing object", defaultJSON + "{}", inv, "trailing data after the payload object"},
		{"two objects", defaultJSON + defaultJSON, inv, "trailing data"},
		{"trailing comma", defaultJSON[:len(defaultJSON)-1] + ",}", inv, "payload is not valid JSON"},
		{"unterminated", defaultJSON[:len(defaultJSON)-1], inv, "payload is not valid JSON"},
		{"array", `[1,2]`, inv, "payload must be a JSON object"},
		{"string", `"default"`, inv, "payload must be a JSON object"},
		{"empty", ``, inv, "payload is not valid JSON"},
		{"empty object", `{}`, inv, "missing field v"},
		{"invalid utf-8", replaceIn(t, `"product":"consumer"`, "\"product\":\"consum\xe9r\""), inv, "payload is not valid UTF-8"},
		{"bom", "\xef\xbb\xbf" + defaultJSON, inv, "payload is not valid JSON"},
		{"unknown field long name truncated", withField(`"` + strings.Repeat("x", 200) + `":1`), inv, `unknown field "xxxxxxxx`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			p, err := DecodePayload([]byte(tc.in))
			wantErr(t, err, tc.code, tc.msg)
			if tc.code == "" {
				if p == nil {
					t.Fatal("nil payload without error")
				}
				if err := p.Validate(); err != nil {
					t.Fatalf("decoded payload does not re-validate: %v", err)
				}
			} else if p != nil {
				t.Fatal("payload returned with error")
			}
		})
	}
}

func TestDecodePayloadMatchesStruct(t *testing.T) {
	p, err := DecodePayload([]byte(defaultJSON))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := mustJSON(t, p), mustJSON(t, validDefault()); !bytes.Equal(got, want) {
		t.Fatalf("decoded payload differs:\n got %s\nwant %s", got, want)
	}
}

func TestID(t *testing.T) {
	// sha256("abc"), FIPS 180-2 test vector.
	if got := ID([]byte("abc")); got != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" {
		t.Fatalf("ID(abc) = %s", got)
	}
}

func TestCurrencyList(t *testing.T) {
	if n := len(currencies); n != 178 {
		t.Fatalf("embedded list has %d codes, want 178 (update this test with the list)", n)
	}
	for _, c := range []string{"EUR", "USD", "JPY", "GBP", "CHF", "XCG", "ZWG", "SLE", "VED"} {
		if !IsCurrency(c) {
			t.Errorf("%s should be accepted", c)
		}
	}
	for _, c := range []string{"XXX", "XTS", "ZWL", "HRK", "SLL", "eur", "EU", "EURO", ""} {
		if IsCurrency(c) {
			t.Errorf("%q should be refused", c)
		}
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Code: CodeInvalidPayload, Msg: "noticeDate 2026-03-02 is after issuedAt date 2026-03-01"}
	if got := e.Error(); got != "invalid-payload: noticeDate 2026-03-02 is after issuedAt date 2026-03-01" {
		t.Fatalf("Error() = %q", got)
	}
}

// TestPayloadErrorsHelp: a typo gets the field it was meant to be and the
// list of fields; an amount in major units gets told how to write it.
func TestPayloadErrorsHelp(t *testing.T) {
	for in, want := range map[string]string{
		`{"type":"default","amout":1}`:         `unknown field "amout" (did you mean "amount"?); a payload has: v, type,`,
		`{"type":"default","amount":12500.00}`: `amount must be an integer, got "12500.00" (amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000)`,
	} {
		if _, err := DecodePayload([]byte(in)); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %s", in, err, want)
		}
	}
}
