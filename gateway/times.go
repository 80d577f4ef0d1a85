package gateway

import (
	"bytes"
	"net/http"
	"regexp"
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
var ledgerTime = regexp.MustCompile(`"(recordedAt|openedAt|dueBy|resolvedAt|statusChangedAt|admittedAt|registeredAt|revokedAt|updatedAt|failingSince|lastSuccess)":"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)\.\d+(Z|[+-]\d\d:\d\d)"`)

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

// timeKeyEnds are how the names ledgerTime matches end, with the start of
// their value: an answer with none of them (a lookup's statuses, up to a
// megabyte for 10,000 subjects) has no time to rewrite and skips the
// regular expression, which cost a single lookup 7% of its CPU. Each
// starts with a capital letter, rare in answers, so the search is fast.
var timeKeyEnds = [][]byte{[]byte(`At":"`), []byte(`By":"`), []byte(`Since":"`), []byte(`Success":"`)}

// wholeSecondsIn rewrites the ledger's record times in a JSON answer.
func wholeSecondsIn(b []byte) []byte {
	for _, end := range timeKeyEnds {
		if bytes.Contains(b, end) {
			return ledgerTime.ReplaceAll(b, []byte(`"$1":"$2$3"`))
		}
	}
	return b
}
