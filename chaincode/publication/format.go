package publication

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// Format names this version of the publication format; it is the first
// line of every signed publication note.
const Format = "blacklist-publication/v1"

// Removal reasons: why a subject listed in N-1 is not listed in N.
const (
	ReasonSettled         = "settled"
	ReasonRevoked         = "revoked"
	ReasonDisputeUpheld   = "dispute-upheld"
	ReasonRetentionExpiry = "retention-expiry"
	ReasonBelowThreshold  = "below-threshold"
)

// Diff operations.
const (
	OpAdded   = "added"
	OpChanged = "changed"
	OpRemoved = "removed"
)

// Entry is one listed subject in a publication.
type Entry struct {
	Subject        string `json:"subject"`
	ActiveDefaults int    `json:"activeDefaults"`
	// Reporters is how many distinct members reported active defaults.
	Reporters int `json:"reporters"`
	// Outstanding sums the active defaults' amounts (minor units) per
	// ISO 4217 currency.
	Outstanding       map[string]int64 `json:"outstanding"`
	FirstOverdueSince string           `json:"firstOverdueSince"`
	// Disputed is whether a dispute about one of its defaults is open.
	Disputed bool `json:"disputed"`
}

// Change is one line of a diff: an added or changed entry with its new
// values, or a removed subject with the reason.
type Change struct {
	Op      string `json:"op"`
	Subject string `json:"subject"`
	Reason  string `json:"reason,omitempty"`
	Entry   *Entry `json:"entry,omitempty"`
}

// Header is what the organisations sign.
type Header struct {
	Format string `json:"format"`
	// Origin is the transparency log's origin: which ledger.
	Origin       string `json:"origin"`
	Number       uint64 `json:"number"`
	LedgerHeight uint64 `json:"ledgerHeight"`
	// AsOf is the ledger time at LedgerHeight (RFC 3339, UTC), the "now"
	// of retention.
	AsOf    string `json:"asOf"`
	Count   int64  `json:"count"`
	Added   int64  `json:"added"`
	Changed int64  `json:"changed"`
	Removed int64  `json:"removed"`
	// Root is the snapshot root, base64.
	Root string `json:"root"`
	// DiffDigest is SHA-256 over the diff's canonical lines, each followed
	// by "\n", base64.
	DiffDigest string `json:"diffDigest"`
	// Previous is publication N-1's digest, base64; "" for the first.
	Previous string `json:"previous"`
}

var (
	currencyRe = regexp.MustCompile(`^[A-Z]{3}$`)
	dateRe     = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
)

func canonical(v any) []byte {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	// encoding/json's default escaping is the canonical one; Encode adds
	// the newline we strip.
	if err := enc.Encode(v); err != nil {
		panic(err) // only plain values are encoded
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n"))
}

// Encode returns the entry's canonical encoding: its tree leaf. It is
// what canonical (encoding/json) gives, written by hand because it runs
// for every entry of every publication.
func (e Entry) Encode() []byte { return e.AppendEncode(make([]byte, 0, 192)) }

// AppendEncode appends the entry's canonical encoding to b.
func (e Entry) AppendEncode(b []byte) []byte {
	b = append(b, `{"subject":`...)
	b = appendString(b, e.Subject)
	b = append(b, `,"activeDefaults":`...)
	b = strconv.AppendInt(b, int64(e.ActiveDefaults), 10)
	b = append(b, `,"reporters":`...)
	b = strconv.AppendInt(b, int64(e.Reporters), 10)
	b = append(b, `,"outstanding":`...)
	if e.Outstanding == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '{')
		keys := make([]string, 0, len(e.Outstanding))
		for k := range e.Outstanding {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for i, k := range keys {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, k)
			b = append(b, ':')
			b = strconv.AppendInt(b, e.Outstanding[k], 10)
		}
		b = append(b, '}')
	}
	b = append(b, `,"firstOverdueSince":`...)
	b = appendString(b, e.FirstOverdueSince)
	b = append(b, `,"disputed":`...)
	b = strconv.AppendBool(b, e.Disputed)
	return append(b, '}')
}

// appendString appends s as encoding/json writes it: plain printable
// ASCII as is, anything else through encoding/json.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}

// Encode returns the change's canonical encoding.
func (c Change) Encode() []byte { return canonical(c) }

// Encode returns the header's canonical encoding.
func (h Header) Encode() []byte { return canonical(h) }

// Digest is the publication's digest: SHA-256 over the header's encoding.
func (h Header) Digest() [32]byte { return sha256.Sum256(h.Encode()) }

// DigestString is Digest in base64, as Previous and the ledger hold it.
func (h Header) DigestString() string {
	d := h.Digest()
	return base64.StdEncoding.EncodeToString(d[:])
}

// NoteText is the body of the publication's signed note.
func (h Header) NoteText() string { return Format + "\n" + string(h.Encode()) + "\n" }

func isSubject(s string) bool {
	if len(s) != 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return false
		}
	}
	return true
}

// Check validates an entry's fields.
func (e Entry) Check() error {
	if !isSubject(e.Subject) {
		return fmt.Errorf("entry: subject %q is not a subject key", e.Subject)
	}
	if e.ActiveDefaults < 1 || e.Reporters < 1 || e.Reporters > e.ActiveDefaults {
		return fmt.Errorf("entry %s: %d active defaults by %d reporters", e.Subject, e.ActiveDefaults, e.Reporters)
	}
	if len(e.Outstanding) == 0 {
		return fmt.Errorf("entry %s: no outstanding amount", e.Subject)
	}
	for c, a := range e.Outstanding {
		if !currencyRe.MatchString(c) || a < 0 {
			return fmt.Errorf("entry %s: outstanding %q %d", e.Subject, c, a)
		}
	}
	if !dateRe.MatchString(e.FirstOverdueSince) {
		return fmt.Errorf("entry %s: firstOverdueSince %q is not a date", e.Subject, e.FirstOverdueSince)
	}
	return nil
}

// Equal reports whether two entries encode alike.
func (e Entry) Equal(o Entry) bool { return bytes.Equal(e.Encode(), o.Encode()) }

// decodeCanonical decodes line into v and refuses it unless it is v's
// canonical encoding (unknown fields, other order, spacing or escaping).
func decodeCanonical(line []byte, v interface{ enc() []byte }, what string) error {
	// Re-encoding and comparing also refuses unknown or repeated fields,
	// other cases, order or spacing: only the canonical bytes round-trip.
	if err := json.Unmarshal(line, v); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	if !bytes.Equal(v.enc(), line) {
		return fmt.Errorf("%s: not in canonical form", what)
	}
	return nil
}

func (e *Entry) enc() []byte  { return e.Encode() }
func (c *Change) enc() []byte { return c.Encode() }
func (h *Header) enc() []byte { return h.Encode() }

// DecodeEntry decodes and checks one canonical entry line.
func DecodeEntry(line []byte) (Entry, error) {
	var e Entry
	if err := decodeCanonical(line, &e, "entry"); err != nil {
		return Entry{}, err
	}
	return e, e.Check()
}

// DecodeChange decodes and checks one canonical diff line.
func DecodeChange(line []byte) (Change, error) {
	var c Change
	if err := decodeCanonical(line, &c, "diff line"); err != nil {
		return Change{}, err
	}
	return c, c.Check()
}

// DecodeHeader decodes one canonical header.
func DecodeHeader(b []byte) (Header, error) {
	var h Header
	if err := decodeCanonical(b, &h, "header"); err != nil {
		return Header{}, err
	}
	return h, h.Check()
}

// Check validates a diff line.
func (c Change) Check() error {
	if !isSubject(c.Subject) {
		return fmt.Errorf("diff: subject %q is not a subject key", c.Subject)
	}
	switch c.Op {
	case OpAdded, OpChanged:
		if c.Entry == nil || c.Reason != "" {
			return fmt.Errorf("diff %s %s: needs the entry and no reason", c.Op, c.Subject)
		}
		if c.Entry.Subject != c.Subject {
			return fmt.Errorf("diff %s %s: entry is about %s", c.Op, c.Subject, c.Entry.Subject)
		}
		return c.Entry.Check()
	case OpRemoved:
		if c.Entry != nil {
			return fmt.Errorf("diff removed %s: carries an entry", c.Subject)
		}
		switch c.Reason {
		case ReasonSettled, ReasonRevoked, ReasonDisputeUpheld, ReasonRetentionExpiry, ReasonBelowThreshold:
			return nil
		}
		return fmt.Errorf("diff removed %s: unknown reason %q", c.Subject, c.Reason)
	}
	return fmt.Errorf("diff %s: unknown op %q", c.Subject, c.Op)
}

// Check validates a header's fields.
func (h Header) Check() error {
	if h.Format != Format {
		return fmt.Errorf("header: format %q, want %q", h.Format, Format)
	}
	if h.Number < 1 {
		return fmt.Errorf("header: number %d", h.Number)
	}
	if h.Origin == "" || strings.ContainsAny(h.Origin, "\n") {
		return fmt.Errorf("header: origin %q", h.Origin)
	}
	for _, f := range []struct {
		name, v string
		empty   bool
	}{{"root", h.Root, false}, {"diffDigest", h.DiffDigest, false}, {"previous", h.Previous, h.Number == 1}} {
		if f.empty {
			if f.v != "" {
				return fmt.Errorf("header: publication 1 has a previous digest")
			}
			continue
		}
		b, err := base64.StdEncoding.DecodeString(f.v)
		if err != nil || len(b) != 32 {
			return fmt.Errorf("header: %s %q is not a base64 SHA-256", f.name, f.v)
		}
	}
	if h.Count < 0 || h.Added < 0 || h.Changed < 0 || h.Removed < 0 {
		return fmt.Errorf("header: negative count")
	}
	return nil
}

// RootOf returns the base64 form of a tree hash.
func RootOf(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }

// EmptyRoot is the root of a publication with no entry (RFC 6962: the
// hash of the empty string).
func EmptyRoot() tlog.Hash { return sha256.Sum256(nil) }

// RootBuilder computes an RFC 6962 tree hash over leaves given in order,
// keeping only O(log n) hashes.
type RootBuilder struct {
	n     int64
	stack []tlog.Hash
}

// Add appends one leaf (its canonical bytes).
func (r *RootBuilder) Add(leaf []byte) {
	h := tlog.RecordHash(leaf)
	r.n++
	r.stack = append(r.stack, h)
	// Complete subtrees merge as in a binary counter.
	for n := r.n; n&1 == 0; n >>= 1 {
		k := len(r.stack)
		r.stack = append(r.stack[:k-2], tlog.NodeHash(r.stack[k-2], r.stack[k-1]))
	}
}

// Count is how many leaves were added.
func (r *RootBuilder) Count() int64 { return r.n }

// Root is the tree hash of the leaves so far.
func (r *RootBuilder) Root() tlog.Hash {
	if len(r.stack) == 0 {
		return EmptyRoot()
	}
	h := r.stack[len(r.stack)-1]
	for i := len(r.stack) - 2; i >= 0; i-- {
		h = tlog.NodeHash(r.stack[i], h)
	}
	return h
}
