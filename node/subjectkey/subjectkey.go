package subjectkey

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The id type strings are part of the MAC input, so changing either one would
// change every key of that type already on the ledger.
const (
	CNRIC    = "cn-ric"
	Passport = "passport"
)

// minSecretLen matches SHA-256's output size: the secret is all that stands
// between a leaked ledger and enumeration of every plausible number, so it
// must not be weaker than the MAC itself.
const minSecretLen = 32

// Types lists the supported id types.
func Types() []string {
	// A fresh slice each call, so a caller cannot alter what others see.
	return []string{CNRIC, Passport}
}

// ValidationError says what is wrong with an id number without repeating the
// number.
type ValidationError struct {
	// IDType is empty when the type itself was not recognised, because an
	// unrecognised type may well be a number passed in the wrong argument.
	IDType string
	Reason string
}

func (e *ValidationError) Error() string {
	if e.IDType == "" {
		return e.Reason
	}
	return e.IDType + ": " + e.Reason
}

// Normalize validates number for idType and returns its canonical form.
func Normalize(idType, number string) (string, error) {
	return normalizeAt(idType, number, time.Now().UTC())
}

// normalizeAt takes the current time as a parameter so that tests can check
// the "not after today" boundary without racing midnight.
func normalizeAt(idType, number string, now time.Time) (string, error) {
	number = strings.TrimSpace(number)
	switch idType {
	case CNRIC:
		return normalizeCNRIC(number, now)
	case Passport:
		return normalizePassport(number)
	default:
		return "", &ValidationError{
			Reason: "unknown id type (supported: " + strings.Join(Types(), ", ") + ")",
		}
	}
}

func ricError(reason string) error {
	return &ValidationError{IDType: CNRIC, Reason: reason}
}

// ricWeights are 2^(17-i) mod 11, the ISO 7064 MOD 11-2 weights for 17 digits.
var ricWeights = [17]int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}

// ricCheckChars maps sum mod 11 to the check character that makes the whole
// number (check character included, X as 10) congruent to 1 mod 11.
const ricCheckChars = "10X98765432"

// ricCheckChar expects 17 ASCII digits.
func ricCheckChar(first17 string) byte {
	sum := 0
	for i := 0; i < 17; i++ {
		sum += int(first17[i]-'0') * ricWeights[i]
	}
	return ricCheckChars[sum%11]
}

// ricRegions are the province-level codes that can start a resident identity
// number: the mainland provinces of GB/T 2260 plus 71 (Taiwan), 81 (Hong
// Kong), 82 (Macau), 83 (residence permits for Taiwan residents) and 91. A
// number with any other code was never issued, even if its check character
// happens to fit, so keying it would only create a subject nobody can match.
var ricRegions = map[string]bool{
	"11": true, "12": true, "13": true, "14": true, "15": true,
	"21": true, "22": true, "23": true,
	"31": true, "32": true, "33": true, "34": true, "35": true, "36": true, "37": true,
	"41": true, "42": true, "43": true, "44": true, "45": true, "46": true,
	"50": true, "51": true, "52": true, "53": true, "54": true,
	"61": true, "62": true, "63": true, "64": true, "65": true,
	"71": true, "81": true, "82": true, "83": true, "91": true,
}

func normalizeCNRIC(s string, now time.Time) (string, error) {
	// Interior spaces are refused rather than stripped so that no node has
	// to guess which separators are harmless: every bank hands over the
	// bare 18 characters, and all of them derive the same key.
	if strings.IndexFunc(s, unicode.IsSpace) >= 0 {
		return "", ricError("must not contain spaces")
	}
	// Runes, not bytes, so that a stray full-width digit is reported as
	// the wrong character rather than as a confusing length.
	n := utf8.RuneCountInString(s)
	if n == 15 {
		return upgradeCNRIC15(s, now)
	}
	if n != 18 {
		return "", ricError(fmt.Sprintf("must be 18 characters (or 15 digits, the first-generation form), got %d", n))
	}
	if len(s) != 18 {
		// 18 runes but more bytes: something is not ASCII. Find it so
		// the message points at a position like the digit checks below.
		for i, r := range []rune(s) {
			if r >= utf8.RuneSelf {
				if i == 17 {
					return "", ricError("character 18 must be a digit or X")
				}
				return "", ricError(fmt.Sprintf("character %d must be a digit", i+1))
			}
		}
	}
	for i := 0; i < 17; i++ {
		if s[i] < '0' || s[i] > '9' {
			return "", ricError(fmt.Sprintf("character %d must be a digit", i+1))
		}
	}
	last := s[17]
	if last == 'x' {
		last = 'X'
	}
	if (last < '0' || last > '9') && last != 'X' {
		return "", ricError("character 18 must be a digit or X")
	}
	if !ricRegions[s[0:2]] {
		return "", ricError("unknown province-level region code (characters 1-2)")
	}
	birth, ok := parseDate(s[6:14])
	if !ok {
		return "", ricError("characters 7-14 are not a real date (YYYYMMDD)")
	}
	if birth.Year() < 1900 {
		return "", ricError("birth date (characters 7-14) is before 1900")
	}
	today := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC)
	if birth.After(today) {
		return "", ricError("birth date (characters 7-14) is in the future")
	}
	if ricCheckChar(s) != last {
		return "", ricError("check character does not match (expected position 18 to be the ISO 7064 MOD 11-2 check)")
	}
	return s[:17] + string(last), nil
}

// upgradeCNRIC15 brings a first-generation number (15 digits, issued until
// 2004 and still found in older loan files) to the 18-character form it was
// replaced by, as GB 11643-1999 does: the six-digit region, "19" before the
// two-digit birth year (first-generation numbers were only issued to people
// born in the 1900s), the birth date and sequence, and the MOD 11-2 check
// character. Both forms of one person's number then derive one key. The
// 15-digit form is checked in its own terms first, so that messages point at
// its positions; the 18-character result then passes the usual checks.
func upgradeCNRIC15(s string, now time.Time) (string, error) {
	for i, r := range []rune(s) {
		if r < '0' || r > '9' {
			return "", ricError(fmt.Sprintf("character %d must be a digit (a 15-character number is the first-generation form: 15 digits)", i+1))
		}
	}
	if !ricRegions[s[0:2]] {
		return "", ricError("unknown province-level region code (characters 1-2)")
	}
	if _, ok := parseDate("19" + s[6:12]); !ok {
		return "", ricError("characters 7-12 are not a real date (YYMMDD, first-generation form)")
	}
	first17 := s[:6] + "19" + s[6:]
	return normalizeCNRIC(first17+string(ricCheckChar(first17)), now)
}

// parseDate expects 8 ASCII digits. time.Date silently rolls 0230 over into
// March, so the round trip is what rejects dates that do not exist.
func parseDate(ymd string) (time.Time, bool) {
	y := atoi(ymd[0:4])
	m := atoi(ymd[4:6])
	d := atoi(ymd[6:8])
	if m < 1 || m > 12 || d < 1 {
		return time.Time{}, false
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != m || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// atoi expects ASCII digits only; strconv would accept signs.
func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

func passportError(reason string) error {
	return &ValidationError{IDType: Passport, Reason: reason}
}

const (
	passportMinLen = 5
	passportMaxLen = 20
)

func normalizePassport(s string) (string, error) {
	if len(s) < 3 || !isASCIILetter(s[0]) || !isASCIILetter(s[1]) || !isASCIILetter(s[2]) {
		return "", passportError("must start with a 3-letter ISO 3166-1 alpha-3 country code")
	}
	country := strings.ToUpper(s[:3])
	if _, ok := alpha3[country]; !ok {
		return "", passportError("unknown ISO 3166-1 alpha-3 country code")
	}
	rest := s[3:]
	// At most one separator: accepting runs of them would make "CHN--X"
	// and "CHN-X" the same passport for no good reason.
	if rest != "" && strings.IndexByte(" :-/", rest[0]) >= 0 {
		rest = rest[1:]
	}
	for i := 0; i < len(rest); i++ {
		if !isASCIILetter(rest[i]) && !(rest[i] >= '0' && rest[i] <= '9') {
			return "", passportError("number may contain only ASCII letters and digits")
		}
	}
	if len(rest) < passportMinLen {
		return "", passportError(fmt.Sprintf("number must be at least %d characters, got %d", passportMinLen, len(rest)))
	}
	if len(rest) > passportMaxLen {
		return "", passportError(fmt.Sprintf("number must be at most %d characters, got %d", passportMaxLen, len(rest)))
	}
	return country + ":" + strings.ToUpper(rest), nil
}

func isASCIILetter(c byte) bool {
	return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')
}

// Deriver derives subject keys with one consortium secret.
type Deriver struct {
	secret []byte
}

// NewDeriver keeps its own copy of secret, so the caller may wipe or reuse
// its buffer.
func NewDeriver(secret []byte) (*Deriver, error) {
	if len(secret) < minSecretLen {
		return nil, fmt.Errorf("subjectkey: consortium secret must be at least %d bytes, got %d", minSecretLen, len(secret))
	}
	return &Deriver{secret: append([]byte(nil), secret...)}, nil
}

var errNoSecret = errors.New("subjectkey: Deriver has no secret; create it with NewDeriver")

// Derive normalizes number and returns its subject key, 64 lower-case hex
// characters. It is safe for concurrent use.
func (d *Deriver) Derive(idType, number string) (string, error) {
	// A zero Deriver would otherwise MAC with an empty key and hand out
	// keys that match no other bank's.
	if d == nil || len(d.secret) == 0 {
		return "", errNoSecret
	}
	norm, err := Normalize(idType, number)
	if err != nil {
		return "", err
	}
	mac := hmac.New(sha256.New, d.secret)
	mac.Write([]byte(idType + ":" + norm))
	return hex.EncodeToString(mac.Sum(nil)), nil
}

// ValidKey reports whether s has the shape of a subject key: exactly 64
// lower-case hex characters. Upper case is refused because keys are compared
// as strings on the ledger, so "AB.." and "ab.." would be different subjects.
func ValidKey(s string) bool {
	if len(s) != 2*sha256.Size {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9') && !(c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}
