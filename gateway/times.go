package gateway

import (
	"bytes"
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// The API answers times in one format: RFC 3339 with whole seconds and the
// offset (decision 0015). The ledger stores its times with nine fixed
// decimals (so that they sort as strings, and changing them would change
// ledger state); wholeSeconds cuts those decimals from the JSON answers on
// the way out. Only the ledger's record times are touched, by name: a
// signed payload's issuedAt is the signer's bytes and is left alone, and so
// are the audit log's times, which its hash chain covers.
//
// The rewrite is what the regular expression ledgerTimeRE (times_fast_test.go)
// describes, `"NAME":"` then a time with a fraction, for the names in
// ledgerTimeNames; wholeSecondsIn does it by scanning bytes, because the
// regular expression cost a single lookup 4% of its CPU (its answer has a
// firstOverdueSince), and the test holds the two to the same output.
var ledgerTimeNames = []string{"recordedAt", "openedAt", "dueBy", "resolvedAt", "statusChangedAt", "admittedAt",
	"registeredAt", "revokedAt", "updatedAt", "failingSince", "lastSuccess"}

// secondsWriter holds back a JSON answer to rewrite its times; any other
// content (streams, NDJSON, YAML) passes straight through.
type secondsWriter struct {
	gin.ResponseWriter
	buf  bytes.Buffer
	held bool
}

func (w *secondsWriter) hold() bool {
	if !w.held {
		ct := w.Header().Get("Content-Type")
		w.held = strings.HasPrefix(ct, "application/json")
	}
	return w.held
}

func (w *secondsWriter) Write(b []byte) (int, error) {
	if w.hold() {
		return w.buf.Write(b)
	}
	return w.ResponseWriter.Write(b)
}

func (w *secondsWriter) WriteString(s string) (int, error) { return w.Write([]byte(s)) }

// Unwrap lets http.ResponseController reach the connection (the alert
// stream sets its own deadlines).
func (w *secondsWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// wholeSeconds is the middleware.
func wholeSeconds(c *gin.Context) {
	if strings.HasPrefix(c.Request.URL.Path, "/v1/audit/") {
		c.Next()
		return
	}
	w := &secondsWriter{ResponseWriter: c.Writer}
	c.Writer = w
	c.Next()
	c.Writer = w.ResponseWriter
	if w.buf.Len() > 0 {
		_, _ = w.ResponseWriter.Write(wholeSecondsIn(w.buf.Bytes()))
	}
}

// timeKeyEnds are how the names in ledgerTimeNames end, with the start of
// their value: an answer with none of them (a lookup's statuses, up to a
// megabyte for 10,000 subjects) has no time to rewrite and is not scanned.
// Each starts with a capital letter, rare in answers, so the search is
// fast.
var timeKeyEnds = [][]byte{[]byte(`At":"`), []byte(`By":"`), []byte(`Since":"`), []byte(`Success":"`)}

// wholeSecondsIn rewrites the ledger's record times in a JSON answer: each
// `"NAME":"YYYY-MM-DDTHH:MM:SS.FRACTION(Z|±HH:MM)"` for a NAME in
// ledgerTimeNames loses its fraction. b is not modified.
func wholeSecondsIn(b []byte) []byte {
	found := false
	for _, end := range timeKeyEnds {
		if bytes.Contains(b, end) {
			found = true
			break
		}
	}
	if !found {
		return b
	}
	var out []byte // nil until the first cut
	done := 0      // b[:done] is in out
	for i := 0; i < len(b); i++ {
		if b[i] != '"' {
			continue
		}
		frac, zone, closing, ok := ledgerTimeAt(b, i)
		if !ok {
			continue
		}
		out = append(out, b[done:frac]...)
		done = zone
		i = closing // go on after the member's closing quote
	}
	if out == nil {
		return b
	}
	return append(out, b[done:]...)
}

// ledgerTimeAt reports whether a ledger time's member starts at b[i] ('"'),
// where its fraction starts (the '.') and ends (the zone), and where its
// closing quote is.
func ledgerTimeAt(b []byte, i int) (frac, zone, closing int, ok bool) {
	rest := b[i+1:]
	name := ""
	for _, n := range ledgerTimeNames {
		if len(rest) >= len(n)+3 && string(rest[:len(n)]) == n && string(rest[len(n):len(n)+3]) == `":"` {
			name = n
			break
		}
	}
	if name == "" {
		return 0, 0, 0, false
	}
	v := i + 1 + len(name) + 3 // the value's first byte
	// YYYY-MM-DDTHH:MM:SS
	const layout = "dddd-dd-ddTdd:dd:dd"
	if len(b) < v+len(layout)+2 {
		return 0, 0, 0, false
	}
	for k := 0; k < len(layout); k++ {
		c := b[v+k]
		if layout[k] == 'd' {
			if c < '0' || c > '9' {
				return 0, 0, 0, false
			}
		} else if c != layout[k] {
			return 0, 0, 0, false
		}
	}
	frac = v + len(layout)
	j := frac
	if b[j] != '.' {
		return 0, 0, 0, false
	}
	j++
	digits := j
	for j < len(b) && b[j] >= '0' && b[j] <= '9' {
		j++
	}
	if j == digits || j >= len(b) {
		return 0, 0, 0, false
	}
	zone = j
	switch {
	case b[j] == 'Z':
		j++
	case b[j] == '+' || b[j] == '-':
		if len(b) < j+6 || !isDigit(b[j+1]) || !isDigit(b[j+2]) || b[j+3] != ':' || !isDigit(b[j+4]) || !isDigit(b[j+5]) {
			return 0, 0, 0, false
		}
		j += 6
	default:
		return 0, 0, 0, false
	}
	if j >= len(b) || b[j] != '"' {
		return 0, 0, 0, false
	}
	return frac, zone, j, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
