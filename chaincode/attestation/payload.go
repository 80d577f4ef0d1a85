package attestation

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/assoc-ledger/blacklist/chaincode/freetext"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
	"github.com/assoc-ledger/blacklist/internal/suggest"
)

// Attestation types.
const (
	TypeDefault    = "default"
	TypeSettlement = "settlement"
	TypeRevocation = "revocation"
)

// Size limits. They bound the work an unauthenticated submitter can make every
// endorsing peer do before a signature has been checked.
const (
	MaxPayloadBytes = 8192
	MaxJWSBytes     = 16384
)

const (
	maxAmount      = 1_000_000_000_000_000 // 10^15 minor units
	maxDaysPastDue = 36500
	maxReporterLen = 64
	maxReasonRunes = 500
	dateLayout     = "2006-01-02"
)

// Dates. Every date-only field (overdueSince, noticeDate, settledOn) is a
// calendar date in the association's calendar, China Standard Time, and so
// is "the issuedAt date" they are compared with: the instant issuedAt names,
// seen in UTC+08:00, whatever offset the reporter wrote. A reporter's offset
// then cannot move the calendar (at +23:59 a bank could date a notice
// tomorrow), and every member's books and the association's rules read one
// calendar. China has kept UTC+08:00 without daylight saving since 1991, so a
// fixed offset needs no time zone database on the peers, which keeps
// endorsement deterministic. The contract compares issuedAt with the
// transaction time as instants, so the two rules agree.
const (
	// CalendarZone names the zone of date-only fields, a fixed offset.
	CalendarZone = "UTC+08:00"
	// MinDate is the earliest date any field may name, issuedAt included
	// (its date in CalendarZone): the shared ledger has no business with
	// debts older than China's consumer-credit market, and 1900-01-01 is a
	// default value or a typo, never a record.
	MinDate = "1990-01-01"
)

// calendar and minDate are CalendarZone and MinDate as times; unexported so
// that nothing can change a rule every peer must apply alike.
var (
	calendar = time.FixedZone(CalendarZone, 8*60*60)
	minDate  = time.Date(1990, 1, 1, 0, 0, 0, 0, time.UTC)
)

// issuedAt offsets must be those of real time zones (UTC-12:00 to
// UTC+14:00); RFC 3339's syntax alone allows up to ±23:59.
const (
	minOffset = -12 * 60 * 60
	maxOffset = 14 * 60 * 60
)

// Payload is the signed statement. Optional fields are pointers or omitempty
// so that json.Marshal of a valid payload emits exactly the fields of its type.
type Payload struct {
	V        int    `json:"v"`
	Type     string `json:"type"`
	Reporter string `json:"reporter"`
	Subject  string `json:"subject"`
	IssuedAt string `json:"issuedAt"`

	// default
	LoanRef      string `json:"loanRef,omitempty"`
	Product      string `json:"product,omitempty"`
	Amount       *int64 `json:"amount,omitempty"` // also settlement
	Currency     string `json:"currency,omitempty"`
	OverdueSince string `json:"overdueSince,omitempty"`
	DaysPastDue  *int   `json:"daysPastDue,omitempty"`
	NoticeDate   string `json:"noticeDate,omitempty"`

	// settlement and revocation
	RefersTo  string `json:"refersTo,omitempty"`
	SettledOn string `json:"settledOn,omitempty"`
	Kind      string `json:"kind,omitempty"`
	Reason    string `json:"reason,omitempty"`
}

// field numbers the payload fields in wire order. Checks walk fields in this
// fixed order, never over a map, so every peer reports the same first error
// for the same bytes.
type field uint8

const (
	fV field = iota
	fType
	fReporter
	fSubject
	fIssuedAt
	fLoanRef
	fProduct
	fAmount
	fCurrency
	fOverdueSince
	fDaysPastDue
	fNoticeDate
	fRefersTo
	fSettledOn
	fKind
	fReason
	numFields
)

var fieldNames = [numFields]string{
	"v", "type", "reporter", "subject", "issuedAt",
	"loanRef", "product", "amount", "currency", "overdueSince", "daysPastDue", "noticeDate",
	"refersTo", "settledOn", "kind", "reason",
}

func (f field) String() string { return fieldNames[f] }

func (f field) isInt() bool { return f == fV || f == fAmount || f == fDaysPastDue }

type fieldSet uint32

func setOf(fs ...field) fieldSet {
	var s fieldSet
	for _, f := range fs {
		s |= 1 << f
	}
	return s
}

func (s fieldSet) has(f field) bool { return s&(1<<f) != 0 }

var (
	commonFields     = setOf(fV, fType, fReporter, fSubject, fIssuedAt)
	defaultFields    = setOf(fLoanRef, fProduct, fAmount, fCurrency, fOverdueSince, fDaysPastDue, fNoticeDate)
	settlementFields = setOf(fRefersTo, fSettledOn, fKind, fAmount)
	revocationFields = setOf(fRefersTo, fReason)
)

func fieldsOfType(t string) (fieldSet, bool) {
	switch t {
	case TypeDefault:
		return commonFields | defaultFields, true
	case TypeSettlement:
		return commonFields | settlementFields, true
	case TypeRevocation:
		return commonFields | revocationFields, true
	}
	return 0, false
}

func fieldByName(name string) (field, bool) {
	for i, n := range fieldNames {
		if n == name {
			return field(i), true
		}
	}
	return 0, false
}

// ID returns the attestation id: the hex SHA-256 of the exact signed payload
// bytes. Hashing the payload rather than the JWS keeps the id stable when the
// same statement is re-signed (ECDSA signatures are randomized), and hashing
// bytes rather than a re-encoding avoids depending on any JSON canonicalization.
func ID(payload []byte) string {
	sum := sha256.Sum256(payload)
	return hex.EncodeToString(sum[:])
}

// IssuedTime returns issuedAt as a time. It is the zero time if issuedAt does
// not parse, which cannot happen for a payload that passed Validate.
func (p *Payload) IssuedTime() time.Time {
	if p == nil {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, p.IssuedAt)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Validate checks every rule that can be decided from the payload alone.
// Rules that need ledger state (refersTo names an existing default by the same
// reporter, settlement currency, key registration) belong to the chaincode.
//
// On a struct, a field counts as present when it is non-zero; DecodePayload is
// stricter and also refuses foreign fields sent with empty values.
func (p *Payload) Validate() error {
	if p == nil {
		return invalidf("payload is nil")
	}
	return p.validate(p.presentFields())
}

func (p *Payload) presentFields() fieldSet {
	s := setOf(fV) // a zero V is reported as "v must be 1", which reads better than "missing"
	add := func(f field, ok bool) {
		if ok {
			s |= 1 << f
		}
	}
	add(fType, p.Type != "")
	add(fReporter, p.Reporter != "")
	add(fSubject, p.Subject != "")
	add(fIssuedAt, p.IssuedAt != "")
	add(fLoanRef, p.LoanRef != "")
	add(fProduct, p.Product != "")
	add(fAmount, p.Amount != nil)
	add(fCurrency, p.Currency != "")
	add(fOverdueSince, p.OverdueSince != "")
	add(fDaysPastDue, p.DaysPastDue != nil)
	add(fNoticeDate, p.NoticeDate != "")
	add(fRefersTo, p.RefersTo != "")
	add(fSettledOn, p.SettledOn != "")
	add(fKind, p.Kind != "")
	add(fReason, p.Reason != "")
	return s
}

func (p *Payload) validate(present fieldSet) error {
	if !present.has(fV) {
		return invalidf("missing field v")
	}
	if p.V != 1 {
		return invalidf("v must be 1, got %d", p.V)
	}
	if !present.has(fType) {
		return invalidf("missing field type")
	}
	allowed, ok := fieldsOfType(p.Type)
	if !ok {
		return invalidf("type %s is not one of %q, %q, %q", quote(p.Type), TypeDefault, TypeSettlement, TypeRevocation)
	}
	for f := field(0); f < numFields; f++ {
		if present.has(f) && !allowed.has(f) {
			return invalidf("field %s is not allowed in a %s attestation", f, p.Type)
		}
	}
	for f := field(0); f < numFields; f++ {
		if allowed.has(f) && !present.has(f) {
			return invalidf("missing field %s", f)
		}
	}

	if err := checkReporter(p.Reporter); err != nil {
		return err
	}
	if !isHex64(p.Subject) {
		return invalidf("subject must be 64 lowercase hex characters, got %s", quote(p.Subject))
	}
	issued, err := time.Parse(time.RFC3339, p.IssuedAt)
	if err != nil {
		return invalidf("issuedAt must be an RFC 3339 timestamp with zone, got %s", quote(p.IssuedAt))
	}
	if _, off := issued.Zone(); off < minOffset || off > maxOffset {
		return invalidf("issuedAt offset %s is outside -12:00 to +14:00, the offsets of real time zones", issued.Format("-07:00"))
	}
	c := issued.In(calendar)
	issuedDate := time.Date(c.Year(), c.Month(), c.Day(), 0, 0, 0, 0, time.UTC)
	if issuedDate.Before(minDate) {
		return invalidf("issuedAt %s is before %s (%s)", p.IssuedAt, MinDate, CalendarZone)
	}

	switch p.Type {
	case TypeDefault:
		return p.validateDefault(issuedDate)
	case TypeSettlement:
		return p.validateSettlement(issuedDate)
	default:
		return p.validateRevocation()
	}
}

func (p *Payload) validateDefault(issuedDate time.Time) error {
	if !isHex64(p.LoanRef) {
		return invalidf("loanRef must be 64 lowercase hex characters, got %s", quote(p.LoanRef))
	}
	switch p.Product {
	case "credit-card", "mortgage", "consumer", "business", "other":
	default:
		return invalidf("product %s is not one of \"credit-card\", \"mortgage\", \"consumer\", \"business\", \"other\"", quote(p.Product))
	}
	if a := *p.Amount; a <= 0 || a > maxAmount {
		return invalidf("amount must be between 1 and %d minor units, got %d", int64(maxAmount), a)
	}
	if !IsCurrency(p.Currency) {
		return invalidf("currency %s is not an active ISO 4217 code", quote(p.Currency))
	}
	overdue, err := parseDate(fOverdueSince, p.OverdueSince)
	if err != nil {
		return err
	}
	if d := *p.DaysPastDue; d < 0 || d > maxDaysPastDue {
		return invalidf("daysPastDue must be between 0 and %d, got %d", maxDaysPastDue, d)
	}
	notice, err := parseDate(fNoticeDate, p.NoticeDate)
	if err != nil {
		return err
	}
	if overdue.After(issuedDate) {
		return invalidf("overdueSince %s is after issuedAt date %s (%s)", p.OverdueSince, issuedDate.Format(dateLayout), CalendarZone)
	}
	// A reporter cannot claim more overdue days than have elapsed.
	if end := overdue.AddDate(0, 0, *p.DaysPastDue); end.After(issuedDate) {
		return invalidf("overdueSince %s plus daysPastDue %d is %s, after issuedAt date %s (%s)",
			p.OverdueSince, *p.DaysPastDue, end.Format(dateLayout), issuedDate.Format(dateLayout), CalendarZone)
	}
	if notice.After(issuedDate) {
		return invalidf("noticeDate %s is after issuedAt date %s (%s)", p.NoticeDate, issuedDate.Format(dateLayout), CalendarZone)
	}
	return nil
}

func (p *Payload) validateSettlement(issuedDate time.Time) error {
	if !isHex64(p.RefersTo) {
		return invalidf("refersTo must be a 64-character lowercase hex attestation id, got %s", quote(p.RefersTo))
	}
	settled, err := parseDate(fSettledOn, p.SettledOn)
	if err != nil {
		return err
	}
	if settled.After(issuedDate) {
		return invalidf("settledOn %s is after issuedAt date %s (%s)", p.SettledOn, issuedDate.Format(dateLayout), CalendarZone)
	}
	switch p.Kind {
	case "full", "negotiated", "written-off":
	default:
		return invalidf("kind %s is not one of \"full\", \"negotiated\", \"written-off\"", quote(p.Kind))
	}
	// Same ceiling as a default: a settlement larger than any representable
	// default is a unit error, not a real payment.
	if a := *p.Amount; a < 0 || a > maxAmount {
		return invalidf("amount must be between 0 and %d minor units, got %d", int64(maxAmount), a)
	}
	return nil
}

func (p *Payload) validateRevocation() error {
	if !isHex64(p.RefersTo) {
		return invalidf("refersTo must be a 64-character lowercase hex attestation id, got %s", quote(p.RefersTo))
	}
	if !utf8.ValidString(p.Reason) {
		return invalidf("reason is not valid UTF-8")
	}
	if err := freetext.Check(p.Reason); err != nil {
		return invalidf("reason %v", err)
	}
	if n := utf8.RuneCountInString(p.Reason); n < 1 || n > maxReasonRunes {
		return invalidf("reason must be 1 to %d characters, got %d", maxReasonRunes, n)
	}
	return nil
}

func checkReporter(s string) error {
	if len(s) < 1 || len(s) > maxReporterLen {
		return invalidf("reporter must be 1 to %d characters, got %d", maxReporterLen, len(s))
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '.' || c == '-' || c == '_') {
			return invalidf("reporter %s has a character outside [A-Za-z0-9._-] at offset %d", quote(s), i)
		}
	}
	return nil
}

func isHex64(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

func parseDate(f field, s string) (time.Time, error) {
	if len(s) != len(dateLayout) {
		return time.Time{}, invalidf("%s must be a date YYYY-MM-DD, got %s", f, quote(s))
	}
	t, err := time.Parse(dateLayout, s)
	if err != nil {
		return time.Time{}, invalidf("%s must be a date YYYY-MM-DD, got %s", f, quote(s))
	}
	if t.Before(minDate) {
		return time.Time{}, invalidf("%s %s is before %s", f, s, MinDate)
	}
	return t, nil
}

// DecodePayload is the only way bytes become a Payload on the ledger side. It
// is stricter than encoding/json on purpose: duplicate keys, unknown fields,
// nulls and trailing data are all ways for two parsers (a bank's tool and the
// chaincode) to read different statements out of the same signed bytes.
func DecodePayload(b []byte) (*Payload, error) {
	if len(b) > MaxPayloadBytes {
		return nil, errorf(CodeTooLarge, "payload is %d bytes, limit is %d", len(b), MaxPayloadBytes)
	}
	// encoding/json would silently replace invalid UTF-8 with U+FFFD, so the
	// decoded reason would differ from what the signer's bytes say.
	if !utf8.Valid(b) {
		return nil, invalidf("payload is not valid UTF-8")
	}
	p := new(Payload)
	present, err := p.decode(b)
	if err != nil {
		return nil, err
	}
	if err := p.validate(present); err != nil {
		return nil, err
	}
	return p, nil
}

func (p *Payload) decode(b []byte) (fieldSet, error) {
	var present fieldSet
	err := strictjson.Members(b, func(key string, raw json.RawMessage) error {
		f, known := fieldByName(key)
		if !known {
			msg := "unknown field " + quote(key)
			if s, ok := suggest.Closest(key, fieldNames[:]); ok {
				msg += " (did you mean " + quote(s) + "?)"
			}
			return invalidf("%s; a payload has: %s", msg, strings.Join(fieldNames[:], ", "))
		}
		present |= 1 << f
		return p.set(f, raw)
	})
	var dup *strictjson.DuplicateKeyError
	var syn *strictjson.SyntaxError
	switch {
	case err == nil:
		return present, nil
	case errors.As(err, &dup):
		return 0, invalidf("duplicate field %s", dup.Key) // a known field: unknown ones are refused at their first occurrence
	case errors.Is(err, strictjson.ErrNotObject):
		return 0, invalidf("payload must be a JSON object")
	case errors.Is(err, strictjson.ErrTrailingData):
		return 0, invalidf("trailing data after the payload object")
	case errors.As(err, &syn) && syn.Key != "":
		name := quote(syn.Key)
		if f, known := fieldByName(syn.Key); known {
			name = f.String()
		}
		return 0, invalidf("payload is not valid JSON: field %s: %v", name, syn.Err)
	case errors.As(err, &syn):
		return 0, invalidf("payload is not valid JSON: %v", syn.Err)
	}
	return 0, err
}

func jsonKind(raw []byte) string {
	if len(raw) == 0 {
		return "nothing"
	}
	switch raw[0] {
	case '"':
		return "a string"
	case '{':
		return "an object"
	case '[':
		return "an array"
	case 't', 'f':
		return "a boolean"
	case 'n':
		return "null"
	}
	return "a number"
}

func (p *Payload) set(f field, raw []byte) error {
	kind := jsonKind(raw)
	if f.isInt() {
		if kind != "a number" {
			return invalidf("%s must be an integer, got %s", f, kind)
		}
		n, err := strconv.ParseInt(string(raw), 10, strconv.IntSize)
		if err != nil {
			if errors.Is(err, strconv.ErrRange) {
				return invalidf("%s %s is out of range", f, quote(string(raw)))
			}
			if f == fAmount && strings.ContainsAny(string(raw), ".eE") {
				return invalidf("%s must be an integer, got %s (amounts are whole numbers of the currency's minor unit: 12,500.00 CNY is 1250000)", f, quote(string(raw)))
			}
			return invalidf("%s must be an integer, got %s", f, quote(string(raw)))
		}
		switch f {
		case fV:
			p.V = int(n)
		case fAmount:
			a := n
			p.Amount = &a
		case fDaysPastDue:
			d := int(n)
			p.DaysPastDue = &d
		}
		return nil
	}
	if kind != "a string" {
		return invalidf("%s must be a string, got %s", f, kind)
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return invalidf("%s is not a valid JSON string: %v", f, err)
	}
	switch f {
	case fType:
		p.Type = s
	case fReporter:
		p.Reporter = s
	case fSubject:
		p.Subject = s
	case fIssuedAt:
		p.IssuedAt = s
	case fLoanRef:
		p.LoanRef = s
	case fProduct:
		p.Product = s
	case fCurrency:
		p.Currency = s
	case fOverdueSince:
		p.OverdueSince = s
	case fNoticeDate:
		p.NoticeDate = s
	case fRefersTo:
		p.RefersTo = s
	case fSettledOn:
		p.SettledOn = s
	case fKind:
		p.Kind = s
	case fReason:
		p.Reason = s
	default:
		return invalidf("field %s cannot be decoded", f) // unreachable: fields are a closed set
	}
	return nil
}
