package contract

import (
	"bytes"
	"encoding/binary"
)

// scanStatusRecord fills s from a default or closure record as the
// contract writes it (json.Marshal of a Record: no escapes in the fields
// the status code reads), without copying the record and without decoding
// what the status code does not read (the signature, above all). It
// returns false for anything it does not handle exactly as the general
// decoder would (an escape or a non-ASCII byte in a field it reads, a key
// that differs from a field's name only in case, a null, a number that is
// not a plain integer, malformed JSON); the caller then decodes the record
// with the general decoder, so the result is always what it gives
// (TestScanStatusRecordMatchesDecoder).
func scanStatusRecord(v []byte, s *statusRecord, n names) bool {
	p := recordScanner{b: v, names: n}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return p.str(&s.ID, nil)
		case "recordedAt":
			return p.str(&s.RecordedAt, nil)
		case "payload":
			pl := &s.Payload
			return p.object(func(key []byte) bool {
				switch string(key) {
				case "type":
					return p.str(&pl.Type, p.names)
				case "reporter":
					return p.str(&pl.Reporter, p.names)
				case "product":
					return p.str(&pl.Product, p.names)
				case "currency":
					return p.str(&pl.Currency, p.names)
				case "overdueSince":
					return p.str(&pl.OverdueSince, p.names)
				case "amount":
					n, ok := p.int()
					pl.Amount = &n
					return ok
				case "daysPastDue":
					n, ok := p.int()
					d := int(n)
					pl.DaysPastDue = &d
					return ok && int64(d) == n
				}
				return !foldsTo(key, payloadFields) && p.skip()
			})
		}
		return !foldsTo(key, recordFields) && p.skip()
	})
	p.space()
	return ok && p.i == len(p.b)
}

var (
	recordFields  = []string{"id", "recordedAt", "payload"}
	payloadFields = []string{"type", "reporter", "product", "currency", "overdueSince", "amount", "daysPastDue"}
)

// foldsTo reports whether key matches one of names case-insensitively, as
// the general decoder matches object keys to fields.
func foldsTo(key []byte, names []string) bool {
	for _, n := range names {
		if len(n) == len(key) && foldEqual(key, n) {
			return true
		}
	}
	return false
}

func foldEqual(key []byte, n string) bool {
	for i := range key {
		a, b := key[i], n[i]
		if a >= 0x80 {
			// The decoder folds Unicode too (K and the Kelvin sign): leave
			// such keys to it.
			return true
		}
		if 'A' <= a && a <= 'Z' {
			a += 'a' - 'A'
		}
		if 'A' <= b && b <= 'Z' {
			b += 'a' - 'A'
		}
		if a != b {
			return false
		}
	}
	return true
}

type recordScanner struct {
	b     []byte
	i     int
	names names
}

func (p *recordScanner) space() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *recordScanner) peek() byte {
	p.space()
	if p.i < len(p.b) {
		return p.b[p.i]
	}
	return 0
}

// object reads an object, calling field for each key with the scanner
// at its value; keys with escapes are not handled.
func (p *recordScanner) object(field func(key []byte) bool) bool {
	if p.peek() != '{' {
		return false
	}
	p.i++
	if p.peek() == '}' {
		p.i++
		return true
	}
	for {
		key, ok := p.plain()
		if !ok || p.peek() != ':' {
			return false
		}
		p.i++
		if !field(key) {
			return false
		}
		switch p.peek() {
		case ',':
			p.i++
		case '}':
			p.i++
			return true
		default:
			return false
		}
	}
}

// plain reads a string of printable ASCII without escapes, in place.
func (p *recordScanner) plain() ([]byte, bool) {
	if p.peek() != '"' {
		return nil, false
	}
	start := p.i + 1
	j := quiet(p.b, start, true)
	if j < len(p.b) && p.b[j] == '"' {
		p.i = j + 1
		return p.b[start:j], true
	}
	return nil, false
}

// str reads a plain string, interned in n if not nil.
func (p *recordScanner) str(dst *string, n names) bool {
	s, ok := p.plain()
	if ok {
		*dst = intern(n, s)
	}
	return ok
}

// names keeps a copy of recent short strings of the fields with few
// values over millions of records (members, currencies, products, types,
// dates), so that reading one again allocates nothing: a small table
// indexed by length and three bytes, each slot the last string seen there.
type names *[256]string

func intern(n names, b []byte) string {
	if n == nil || len(b) == 0 || len(b) > 32 {
		return string(b)
	}
	slot := &n[(uint(len(b))*31+uint(b[0])*7+uint(b[len(b)/2])*131+uint(b[len(b)-1]))%256]
	if *slot == string(b) {
		return *slot
	}
	*slot = string(b)
	return *slot
}

const (
	lsb = 0x0101010101010101
	msb = 0x8080808080808080
)

// quiet returns the index of the first byte from i on that may end or
// escape a string: a quote, a backslash, a control character, and (with
// ascii) any byte of 0x80 or more; len(b) if none. It tests eight bytes at
// a time: a record's signature is most of its bytes.
func quiet(b []byte, i int, ascii bool) int {
	for ; i+8 <= len(b); i += 8 {
		x := binary.LittleEndian.Uint64(b[i:])
		q, bs := x^(lsb*'"'), x^(lsb*'\\')
		m := (x-lsb*0x20)&^x | (q-lsb)&^q | (bs-lsb)&^bs
		if ascii {
			m |= x
		}
		if m&msb != 0 {
			break
		}
	}
	for ; i < len(b); i++ {
		if c := b[i]; c == '"' || c == '\\' || c < 0x20 || ascii && c >= 0x80 {
			return i
		}
	}
	return i
}

// int reads an integer without fraction or exponent that fits in int64.
func (p *recordScanner) int() (int64, bool) {
	p.space()
	j, neg := p.i, false
	if j < len(p.b) && p.b[j] == '-' {
		neg, j = true, j+1
	}
	start := j
	var n uint64
	for ; j < len(p.b) && p.b[j] >= '0' && p.b[j] <= '9'; j++ {
		if n > (1<<63)/10 {
			return 0, false
		}
		n = n*10 + uint64(p.b[j]-'0')
	}
	digits := j - start
	if digits == 0 || digits > 1 && p.b[start] == '0' || n > 1<<63 || !neg && n == 1<<63 {
		return 0, false
	}
	if j < len(p.b) && (p.b[j] == '.' || p.b[j] == 'e' || p.b[j] == 'E') {
		return 0, false
	}
	p.i = j
	if neg {
		return -int64(n), true
	}
	return int64(n), true
}

// skip passes over one value the status code does not read.
func (p *recordScanner) skip() bool {
	switch c := p.peek(); {
	case c == '"':
		for j := p.i + 1; j < len(p.b); j++ {
			j = quiet(p.b, j, false)
			if j == len(p.b) {
				break
			}
			switch c := p.b[j]; {
			case c == '"':
				p.i = j + 1
				return true
			case c == '\\':
				if j++; j == len(p.b) || bytes.IndexByte([]byte(`"\\/bfnrtu`), p.b[j]) < 0 {
					return false
				}
				if p.b[j] == 'u' {
					if j+4 >= len(p.b) || !isHex(p.b[j+1:j+5]) {
						return false
					}
					j += 4
				}
			case c < 0x20:
				return false
			}
		}
		return false
	case c == '{':
		return p.object(func([]byte) bool { return p.skip() })
	case c == '[':
		p.i++
		if p.peek() == ']' {
			p.i++
			return true
		}
		for {
			if !p.skip() {
				return false
			}
			switch p.peek() {
			case ',':
				p.i++
			case ']':
				p.i++
				return true
			default:
				return false
			}
		}
	case c == '-' || c >= '0' && c <= '9':
		// Integers only: anything else goes to the general decoder.
		_, ok := p.int()
		return ok
	}
	for _, lit := range []string{"true", "false"} {
		if bytes.HasPrefix(p.b[p.i:], []byte(lit)) {
			p.i += len(lit)
			return true
		}
	}
	return false
}

func isHex(b []byte) bool {
	for _, c := range b {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') && (c < 'A' || c > 'F') {
			return false
		}
	}
	return true
}
