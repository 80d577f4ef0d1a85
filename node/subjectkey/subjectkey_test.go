package subjectkey

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// withCheck appends the ISO 7064 MOD 11-2 check character to 17 digits. It is
// written from the standard's definition (weight 2^(17-i) mod 11, check value
// (12 - sum mod 11) mod 11, 10 written as X) rather than from the package's
// lookup tables, so a wrong table in the package cannot agree with it.
func withCheck(first17 string) string {
	sum := 0
	for i, c := range first17 {
		w := 1
		for range 17 - i {
			w = w * 2 % 11
		}
		sum += int(c-'0') * w
	}
	v := (12 - sum%11) % 11
	if v == 10 {
		return first17 + "X"
	}
	return first17 + strconv.Itoa(v)
}

// checkOK is the same definition used to verify rather than to build.
func checkOK(ric string) bool {
	return len(ric) == 18 && withCheck(ric[:17]) == ric
}

// wrongCheck replaces a valid check character with a different valid-looking one.
func wrongCheck(ric string) string {
	if ric[17] == '0' {
		return ric[:17] + "1"
	}
	return ric[:17] + "0"
}

func TestPublishedSamplesHaveValidCheck(t *testing.T) {
	// Guards the helper itself against the samples the package docs cite.
	for _, s := range []string{"11010519491231002X", "110101199003074477"} {
		if !checkOK(s) {
			t.Errorf("helper rejects published sample %s", s)
		}
	}
}

func TestTypes(t *testing.T) {
	got := Types()
	if !slices.Equal(got, []string{CNRIC, Passport}) {
		t.Fatalf("Types() = %v", got)
	}
	got[0] = "mutated"
	if Types()[0] != CNRIC {
		t.Fatal("Types() exposes shared state")
	}
}

func TestNormalizeValid(t *testing.T) {
	tests := []struct {
		name, idType, in, want string
	}{
		{"published sample with X", CNRIC, "11010519491231002X", "11010519491231002X"},
		{"published sample digits", CNRIC, "110101199003074477", "110101199003074477"},
		{"lower-case x upper-cased", CNRIC, "11010519491231002x", "11010519491231002X"},
		{"surrounding whitespace trimmed", CNRIC, " \t110101199003074477\r\n", "110101199003074477"},
		{"whitespace and lower x", CNRIC, "  11010519491231002x  ", "11010519491231002X"},
		{"leap day 2000", CNRIC, withCheck("44030420000229123"), withCheck("44030420000229123")},
		{"leap day 2024", CNRIC, withCheck("31011520240229001"), withCheck("31011520240229001")},
		{"first accepted year", CNRIC, withCheck("65010219000101001"), withCheck("65010219000101001")},
		{"region 71", CNRIC, withCheck("71000019800101001"), withCheck("71000019800101001")},
		{"region 81", CNRIC, withCheck("81000019800101001"), withCheck("81000019800101001")},
		{"region 82", CNRIC, withCheck("82000019800101001"), withCheck("82000019800101001")},
		{"region 83", CNRIC, withCheck("83000019800101001"), withCheck("83000019800101001")},
		{"region 91", CNRIC, withCheck("91000019800101001"), withCheck("91000019800101001")},
		{"region 15", CNRIC, withCheck("15000019800101001"), withCheck("15000019800101001")},
		{"region 54", CNRIC, withCheck("54000019800101001"), withCheck("54000019800101001")},

		{"passport space", Passport, "CHN E12345678", "CHN:E12345678"},
		{"passport colon", Passport, "CHN:E12345678", "CHN:E12345678"},
		{"passport hyphen", Passport, "CHN-E12345678", "CHN:E12345678"},
		{"passport slash", Passport, "CHN/E12345678", "CHN:E12345678"},
		{"passport no separator", Passport, "CHNE12345678", "CHN:E12345678"},
		{"passport lower case", Passport, "chn e12345678", "CHN:E12345678"},
		{"passport mixed case and whitespace", Passport, "\t gBr/ab12Cd34 \n", "GBR:AB12CD34"},
		{"passport shortest number", Passport, "USA 12345", "USA:12345"},
		{"passport longest number", Passport, "DEU " + strings.Repeat("C", 20), "DEU:" + strings.Repeat("C", 20)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize(tc.idType, tc.in)
			if err != nil {
				t.Fatalf("Normalize(%q, %q) error: %v", tc.idType, tc.in, err)
			}
			if got != tc.want {
				t.Fatalf("Normalize(%q, %q) = %q, want %q", tc.idType, tc.in, got, tc.want)
			}
			again, err := Normalize(tc.idType, got)
			if err != nil || again != got {
				t.Fatalf("not idempotent: Normalize(%q) = %q, %v", got, again, err)
			}
		})
	}
}

const (
	reasonSpaces   = "must not contain spaces"
	reasonDigit18  = "character 18 must be a digit or X"
	reasonRegion   = "unknown province-level region code (characters 1-2)"
	reasonDate     = "characters 7-14 are not a real date (YYYYMMDD)"
	reasonBefore   = "birth date (characters 7-14) is before 1900"
	reasonFuture   = "birth date (characters 7-14) is in the future"
	reasonCheck    = "check character does not match (expected position 18 to be the ISO 7064 MOD 11-2 check)"
	reasonPrefix   = "must start with a 3-letter ISO 3166-1 alpha-3 country code"
	reasonCountry  = "unknown ISO 3166-1 alpha-3 country code"
	reasonPPChars  = "number may contain only ASCII letters and digits"
	reasonUnknown  = "unknown id type (supported: cn-ric, passport)"
	reasonLenRIC   = "must be 18 characters (or 15 digits, the first-generation form), got %d"
	reasonDigitRIC = "character %d must be a digit"
	reasonPPShort  = "number must be at least 5 characters, got %d"
	reasonPPLong   = "number must be at most 20 characters, got %d"
)

type refusal struct {
	name, idType, in string
	wantType         string
	wantReason       string
}

func refusals() []refusal {
	return []refusal{
		{"empty", CNRIC, "", CNRIC, fmt.Sprintf(reasonLenRIC, 0)},
		{"only whitespace", CNRIC, "   ", CNRIC, fmt.Sprintf(reasonLenRIC, 0)},
		{"17 characters", CNRIC, "11010119900307447", CNRIC, fmt.Sprintf(reasonLenRIC, 17)},
		{"19 characters", CNRIC, "1101011990030744771", CNRIC, fmt.Sprintf(reasonLenRIC, 19)},
		{"interior space", CNRIC, "110101 199003074477", CNRIC, reasonSpaces},
		{"15 characters, a letter at 9", CNRIC, "11010190A307447", CNRIC, "character 9 must be a digit (a 15-character number is the first-generation form: 15 digits)"},
		{"15 characters, X last", CNRIC, "11010190030744X", CNRIC, "character 15 must be a digit (a 15-character number is the first-generation form: 15 digits)"},
		{"15 digits, region 99", CNRIC, "990101900307447", CNRIC, reasonRegion},
		{"15 digits, 30 February", CNRIC, "110101900230447", CNRIC, "characters 7-12 are not a real date (YYMMDD, first-generation form)"},
		{"15 digits, 29 February 1900", CNRIC, "110101000229447", CNRIC, "characters 7-12 are not a real date (YYMMDD, first-generation form)"},
		{"interior tab", CNRIC, "110101\t19900307447", CNRIC, reasonSpaces},
		{"letter at 5", CNRIC, "1101A1199003074477", CNRIC, fmt.Sprintf(reasonDigitRIC, 5)},
		{"x at 17", CNRIC, "1101011990030744X7", CNRIC, fmt.Sprintf(reasonDigitRIC, 17)},
		{"hyphen at 7", CNRIC, "110101-99003074477", CNRIC, fmt.Sprintf(reasonDigitRIC, 7)},
		{"full-width digit at 6", CNRIC, "11010\uff11199003074477", CNRIC, fmt.Sprintf(reasonDigitRIC, 6)},
		{"invalid utf-8 at 3", CNRIC, "11\xff101199003074477", CNRIC, fmt.Sprintf(reasonDigitRIC, 3)},
		{"bad 18th", CNRIC, "11010119900307447Y", CNRIC, reasonDigit18},
		{"non-ascii 18th", CNRIC, "11010119900307447\u00d7", CNRIC, reasonDigit18},
		{"region 10", CNRIC, withCheck("10010119900307447"), CNRIC, reasonRegion},
		{"region 16", CNRIC, withCheck("16010119900307447"), CNRIC, reasonRegion},
		{"region 47", CNRIC, withCheck("47010119900307447"), CNRIC, reasonRegion},
		{"region 72", CNRIC, withCheck("72010119900307447"), CNRIC, reasonRegion},
		{"region 99", CNRIC, withCheck("99010119900307447"), CNRIC, reasonRegion},
		{"region 00", CNRIC, withCheck("00010119900307447"), CNRIC, reasonRegion},
		{"30 February", CNRIC, withCheck("11010119900230447"), CNRIC, reasonDate},
		{"29 February 1900 (not leap)", CNRIC, withCheck("11010119000229447"), CNRIC, reasonDate},
		{"29 February 2023", CNRIC, withCheck("11010120230229447"), CNRIC, reasonDate},
		{"month 13", CNRIC, withCheck("11010119901301447"), CNRIC, reasonDate},
		{"month 00", CNRIC, withCheck("11010119900001447"), CNRIC, reasonDate},
		{"day 00", CNRIC, withCheck("11010119900100447"), CNRIC, reasonDate},
		{"31 April", CNRIC, withCheck("11010119900431447"), CNRIC, reasonDate},
		{"before 1900", CNRIC, withCheck("11010118991231447"), CNRIC, reasonBefore},
		{"year 0000", CNRIC, withCheck("11010100000101447"), CNRIC, reasonBefore},
		{"future year", CNRIC, withCheck("11010129991231447"), CNRIC, reasonFuture},
		{"check mismatch", CNRIC, wrongCheck("110101199003074477"), CNRIC, reasonCheck},
		{"check X expected, 0 given", CNRIC, "110105194912310020", CNRIC, reasonCheck},
		{"digit expected, X given", CNRIC, "11010119900307447X", CNRIC, reasonCheck},
		{"transposed digits", CNRIC, "110101199003074747", CNRIC, reasonCheck},

		{"passport empty", Passport, "", Passport, reasonPrefix},
		{"passport no country", Passport, "12345678", Passport, reasonPrefix},
		{"passport ICAO one-letter D", Passport, "D 12345678", Passport, reasonPrefix},
		{"passport ICAO D without separator", Passport, "D12345678", Passport, reasonPrefix},
		{"passport ICAO XXA", Passport, "XXA 12345678", Passport, reasonCountry},
		{"passport ICAO GBD", Passport, "GBD 12345678", Passport, reasonCountry},
		{"passport ICAO UNO", Passport, "UNO 12345678", Passport, reasonCountry},
		{"passport withdrawn ANT", Passport, "ANT 12345678", Passport, reasonCountry},
		{"passport made-up QQQ", Passport, "QQQ 12345678", Passport, reasonCountry},
		{"passport too short", Passport, "CHN E123", Passport, fmt.Sprintf(reasonPPShort, 4)},
		{"passport country only", Passport, "CHN", Passport, fmt.Sprintf(reasonPPShort, 0)},
		{"passport separator only", Passport, "CHN:", Passport, fmt.Sprintf(reasonPPShort, 0)},
		{"passport too long", Passport, "CHN " + strings.Repeat("K", 21), Passport, fmt.Sprintf(reasonPPLong, 21)},
		{"passport double separator", Passport, "CHN  E12345678", Passport, reasonPPChars},
		{"passport two separators", Passport, "CHN:-E12345678", Passport, reasonPPChars},
		{"passport interior hyphen", Passport, "CHN E1234-5678", Passport, reasonPPChars},
		{"passport dot", Passport, "CHN:E12.45678", Passport, reasonPPChars},
		{"passport non-ascii letter", Passport, "CHN E12345678\u00e9", Passport, reasonPPChars},
		{"passport unknown separator", Passport, "CHN_E12345678", Passport, reasonPPChars},

		{"unknown type", "ssn", "110101199003074477", "", reasonUnknown},
		{"type is case-sensitive", "CN-RIC", "110101199003074477", "", reasonUnknown},
		{"swapped arguments", "110101199003074477", CNRIC, "", reasonUnknown},
	}
}

func TestNormalizeRefusals(t *testing.T) {
	for _, tc := range refusals() {
		t.Run(tc.name, func(t *testing.T) {
			got, err := Normalize(tc.idType, tc.in)
			if err == nil {
				t.Fatalf("Normalize(%q, %q) = %q, want error %q", tc.idType, tc.in, got, tc.wantReason)
			}
			if got != "" {
				t.Errorf("refusal also returned %q", got)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T is not *ValidationError", err)
			}
			if ve.IDType != tc.wantType || ve.Reason != tc.wantReason {
				t.Fatalf("got {%q, %q}, want {%q, %q}", ve.IDType, ve.Reason, tc.wantType, tc.wantReason)
			}
			want := tc.wantReason
			if tc.wantType != "" {
				want = tc.wantType + ": " + tc.wantReason
			}
			if err.Error() != want {
				t.Fatalf("Error() = %q, want %q", err.Error(), want)
			}
		})
	}
}

// TestErrorsNeverEchoNumber goes beyond the whole input: no run of 4 or more
// characters of it may show up, so a message quoting "the region 99" or the
// date part would fail too. The table avoids inputs containing the digit runs
// the fixed wording itself uses (1900, 3166, 7064).
func TestErrorsNeverEchoNumber(t *testing.T) {
	for _, tc := range refusals() {
		_, err := Normalize(tc.idType, tc.in)
		var ve *ValidationError
		if !errors.As(err, &ve) {
			t.Fatalf("%s: want *ValidationError, got %v", tc.name, err)
		}
		texts := []string{err.Error(), fmt.Sprintf("%+v", ve), fmt.Sprintf("%#v", ve)}
		// Whichever argument is not a supported type name is the one
		// carrying the number; in the swapped-argument case that is
		// idType, which must not be echoed either.
		var subjects []string
		if !slices.Contains(Types(), tc.in) {
			subjects = append(subjects, strings.TrimSpace(tc.in))
		}
		if !slices.Contains(Types(), tc.idType) {
			subjects = append(subjects, tc.idType)
		}
		for _, subject := range subjects {
			for i := 0; i+4 <= len(subject); i++ {
				for j := i + 4; j <= len(subject); j++ {
					frag := subject[i:j]
					for _, text := range texts {
						if strings.Contains(text, frag) {
							t.Errorf("%s: message %q contains input fragment %q", tc.name, text, frag)
						}
					}
				}
			}
		}
	}
}

func TestFutureBoundary(t *testing.T) {
	// Late in the UTC day, to show the comparison is by calendar date and
	// not by instant.
	now := time.Date(2024, 3, 15, 23, 59, 59, 0, time.UTC)
	today := withCheck("11010120240315001")
	tomorrow := withCheck("11010120240316001")
	if got, err := normalizeAt(CNRIC, today, now); err != nil || got != today {
		t.Fatalf("born today: %q, %v", got, err)
	}
	_, err := normalizeAt(CNRIC, tomorrow, now)
	var ve *ValidationError
	if !errors.As(err, &ve) || ve.Reason != reasonFuture {
		t.Fatalf("born tomorrow: %v, want %q", err, reasonFuture)
	}
	// Normalize itself must use the real clock: something born today is
	// accepted, and a date a year ahead is not.
	n := time.Now().UTC()
	ahead := withCheck("110101" + n.AddDate(1, 0, 0).Format("20060102") + "001")
	if _, err := Normalize(CNRIC, ahead); !errors.As(err, &ve) || ve.Reason != reasonFuture {
		t.Fatalf("a year ahead: %v", err)
	}
	lastYear := withCheck("110101" + n.AddDate(-1, 0, 0).Format("20060102") + "001")
	if _, err := Normalize(CNRIC, lastYear); err != nil {
		t.Fatalf("a year ago: %v", err)
	}
}

func testSecret(fill byte) []byte {
	return bytes.Repeat([]byte{fill}, 32)
}

func independentKey(secret []byte, msg string) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

func TestNewDeriver(t *testing.T) {
	for _, n := range []int{0, 1, 16, 31} {
		d, err := NewDeriver(make([]byte, n))
		if err == nil || d != nil {
			t.Errorf("NewDeriver(%d bytes) = %v, %v; want refusal", n, d, err)
		}
	}
	if _, err := NewDeriver(nil); err == nil {
		t.Error("NewDeriver(nil) accepted")
	}
	for _, n := range []int{32, 64, 100} {
		if _, err := NewDeriver(make([]byte, n)); err != nil {
			t.Errorf("NewDeriver(%d bytes): %v", n, err)
		}
	}
}

func TestDeriverCopiesSecret(t *testing.T) {
	secret := testSecret(0x42)
	d, err := NewDeriver(secret)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := d.Derive(CNRIC, "110101199003074477")
	for i := range secret {
		secret[i] = 0
	}
	after, _ := d.Derive(CNRIC, "110101199003074477")
	if before != after {
		t.Fatal("wiping the caller's buffer changed the Deriver's key")
	}
	if after != independentKey(testSecret(0x42), "cn-ric:110101199003074477") {
		t.Fatal("key does not use the secret as given")
	}
}

func TestDerive(t *testing.T) {
	secret := testSecret(0x5a)
	d, err := NewDeriver(secret)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		idType string
		inputs []string // all spellings of the same subject
		macIn  string
	}{
		// the first-generation 15-digit form of the same person's number
		// (no century, no check character) gives the same key
		{CNRIC, []string{"11010519491231002X", "11010519491231002x", " 11010519491231002x\n", "110105491231002"}, "cn-ric:11010519491231002X"},
		{CNRIC, []string{"110101199003074477", "\t110101199003074477 ", "110101900307447", " 110101900307447 "}, "cn-ric:110101199003074477"},
		{Passport, []string{"CHN E12345678", "CHN:E12345678", "CHN-E12345678", "CHN/E12345678", "CHNE12345678", "chn e12345678"}, "passport:CHN:E12345678"},
	}
	for _, tc := range tests {
		want := independentKey(secret, tc.macIn)
		for _, in := range tc.inputs {
			got, err := d.Derive(tc.idType, in)
			if err != nil {
				t.Fatalf("Derive(%q, %q): %v", tc.idType, in, err)
			}
			if got != want {
				t.Errorf("Derive(%q, %q) = %s, want HMAC(%q) = %s", tc.idType, in, got, tc.macIn, want)
			}
			if !ValidKey(got) {
				t.Errorf("derived key %q fails ValidKey", got)
			}
			if again, _ := d.Derive(tc.idType, in); again != got {
				t.Errorf("Derive not deterministic: %s then %s", got, again)
			}
		}
	}

	// Another Deriver with the same secret (another bank) gets the same key.
	other, _ := NewDeriver(testSecret(0x5a))
	k1, _ := d.Derive(CNRIC, "110101199003074477")
	k2, _ := other.Derive(CNRIC, "110101199003074477")
	if k1 != k2 {
		t.Error("two Derivers with one secret disagree")
	}
	// A different secret gives an unrelated key.
	stranger, _ := NewDeriver(testSecret(0x5b))
	if k3, _ := stranger.Derive(CNRIC, "110101199003074477"); k3 == k1 {
		t.Error("different secrets gave the same key")
	}
	// The type is bound into the MAC: the bare digits, or the same digits
	// under another type label, give different keys.
	if k1 == independentKey(secret, "110101199003074477") {
		t.Error("key does not include the id type")
	}
	if k1 == independentKey(secret, "passport:110101199003074477") {
		t.Error("same digits under another type gave the same key")
	}
	pp1, _ := d.Derive(Passport, "CHN 12345678")
	pp2, _ := d.Derive(Passport, "HKG 12345678")
	if pp1 == pp2 {
		t.Error("same passport number in two countries gave the same key")
	}
}

func TestDeriveRefusals(t *testing.T) {
	d, err := NewDeriver(testSecret(1))
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range refusals() {
		key, err := d.Derive(tc.idType, tc.in)
		var ve *ValidationError
		if key != "" || !errors.As(err, &ve) || ve.Reason != tc.wantReason {
			t.Errorf("%s: Derive = %q, %v; want %q", tc.name, key, err, tc.wantReason)
		}
	}
	var zero Deriver
	if key, err := zero.Derive(CNRIC, "110101199003074477"); err == nil || key != "" {
		t.Errorf("zero Deriver derived %q", key)
	}
	var nilD *Deriver
	if key, err := nilD.Derive(CNRIC, "110101199003074477"); err == nil || key != "" {
		t.Errorf("nil Deriver derived %q", key)
	}
}

func TestValidKey(t *testing.T) {
	good := strings.Repeat("0123456789abcdef", 4)
	tests := []struct {
		in   string
		want bool
	}{
		{good, true},
		{strings.Repeat("f", 64), true},
		{"", false},
		{good[:63], false},
		{good + "0", false},
		{strings.ToUpper(good), false},
		{good[:63] + "A", false},
		{good[:63] + "g", false},
		{good[:62] + " 0", false},
		{good[:62] + "\u00e9", false}, // 64 bytes, not 64 hex characters
	}
	for _, tc := range tests {
		if got := ValidKey(tc.in); got != tc.want {
			t.Errorf("ValidKey(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

// catalogue is every message Normalize may produce, written out here rather
// than taken from the package, with %d standing for a length or position.
var catalogue = func() []*regexp.Regexp {
	msgs := []string{
		reasonUnknown,
		"cn-ric: " + reasonSpaces,
		"cn-ric: " + reasonLenRIC,
		"cn-ric: " + reasonDigitRIC,
		"cn-ric: " + reasonDigit18,
		"cn-ric: " + reasonRegion,
		"cn-ric: " + reasonDate,
		"cn-ric: " + reasonBefore,
		"cn-ric: " + reasonFuture,
		"cn-ric: " + reasonCheck,
		"passport: " + reasonPrefix,
		"passport: " + reasonCountry,
		"passport: " + reasonPPChars,
		"passport: " + reasonPPShort,
		"passport: " + reasonPPLong,
	}
	var res []*regexp.Regexp
	for _, m := range msgs {
		res = append(res, regexp.MustCompile("^"+strings.ReplaceAll(regexp.QuoteMeta(m), "%d", `(\d+)`)+"$"))
	}
	return res
}()

// fromCatalogue reports whether msg is fixed wording plus at most a count no
// larger than the input, i.e. carries nothing of the input but its size.
func fromCatalogue(msg string, inputLen int) bool {
	for _, re := range catalogue {
		m := re.FindStringSubmatch(msg)
		if m == nil {
			continue
		}
		for _, num := range m[1:] {
			n, err := strconv.Atoi(num)
			if err != nil || n > inputLen {
				return false
			}
		}
		return true
	}
	return false
}

var passportForm = regexp.MustCompile(`^[A-Z]{3}:[A-Z0-9]{5,20}$`)

func FuzzNormalize(f *testing.F) {
	seeds := []string{
		"", " ", "110101199003074477", "11010519491231002x", " 11010519491231002X ",
		"110101 199003074477", "110101199002304477", "11010129991231447X",
		"CHN E12345678", "chn:e12345678", "CHN-E1", "XXA 123456", "D12345678",
		"CHN/" + strings.Repeat("9", 25), "11010\uff11199003074477", "\xff\xfe",
	}
	for _, s := range seeds {
		for kind := range uint8(3) {
			f.Add(kind, s)
		}
	}
	f.Fuzz(func(t *testing.T, kind uint8, number string) {
		var idType string
		switch kind % 3 {
		case 0:
			idType = CNRIC
		case 1:
			idType = Passport
		default:
			// The swapped-argument mistake: the number arrives as the type.
			idType = number
		}
		got, err := Normalize(idType, number)
		if err != nil {
			if got != "" {
				t.Fatalf("error %v came with output %q", err, got)
			}
			var ve *ValidationError
			if !errors.As(err, &ve) {
				t.Fatalf("error %T is not *ValidationError", err)
			}
			msg := err.Error()
			known := fromCatalogue(msg, len(number))
			// A short input can occur inside a message only by
			// coinciding with the fixed wording (input "ric:" or
			// "7064"), which is no echo; so a hit counts as a leak
			// unless the whole message is catalogue wording.
			for _, in := range []string{number, strings.TrimSpace(number)} {
				if len(in) >= 4 && strings.Contains(msg, in) && !known {
					t.Fatalf("message %q contains the input %q", msg, in)
				}
			}
			if !known {
				t.Fatalf("message %q is not fixed wording", msg)
			}
			return
		}
		again, err := Normalize(idType, got)
		if err != nil || again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q, %v", number, got, again, err)
		}
		switch idType {
		case CNRIC:
			if len(got) != 18 || !checkOK(got) {
				t.Fatalf("accepted %q as %q without a valid check character", number, got)
			}
		case Passport:
			if !passportForm.MatchString(got) {
				t.Fatalf("accepted %q as malformed %q", number, got)
			}
			if _, ok := alpha3[got[:3]]; !ok {
				t.Fatalf("accepted unknown country in %q", got)
			}
		default:
			t.Fatalf("accepted id type %q", idType)
		}
	})
}

func TestAlpha3List(t *testing.T) {
	if len(alpha3) != 249 {
		t.Errorf("%d codes, want the 249 ISO 3166-1 alpha-3 codes", len(alpha3))
	}
	for _, c := range []string{"CHN", "HKG", "MAC", "TWN", "USA", "GBR", "DEU", "SSD", "BES", "CUW", "SXM", "XKX"} {
		_, ok := alpha3[c]
		if want := c != "XKX"; ok != want {
			t.Errorf("alpha3[%q] = %v, want %v", c, ok, want)
		}
	}
	for c := range alpha3 {
		if len(c) != 3 || strings.ToUpper(c) != c {
			t.Errorf("malformed code %q", c)
		}
	}
}
