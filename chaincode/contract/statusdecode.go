package contract

import "bytes"

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
func scanStatusRecord(v []byte, s *statusRecord) bool {
	p := recordScanner{b: v}
	ok := p.object(func(key []byte) bool {
		switch string(key) {
		case "id":
			return p.str(&s.ID)
		case "recordedAt":
			return p.str(&s.RecordedAt)
		case "payload":
			pl := &s.Payload
			return p.object(func(key []byte) bool {
				switch string(key) {
				case "type":
					return p.str(&pl.Type)
				case "reporter":
					return p.str(&pl.Reporter)
				case "product":
					return p.str(&pl.Product)
				case "currency":
					return p.str(&pl.Currency)
				case "overdueSince":
					return p.str(&pl.OverdueSince)
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
		if bytes.EqualFold(key, []byte(n)) {
			return true
		}
	}
	return false
}

type recordScanner struct {
	b []byte
	i int
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
	for j := start; j < len(p.b); j++ {
		switch c := p.b[j]; {
		case c == '"':
			p.i = j + 1
			return p.b[start:j], true
		case c == '\\' || c < 0x20 || c >= 0x80:
			return nil, false
		}
	}
	return nil, false
}

func (p *recordScanner) str(dst *string) bool {
	s, ok := p.plain()
	if ok {
		*dst = string(s)
	}
	return ok
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
