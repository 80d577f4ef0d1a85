package pool

import (
	"bufio"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"slices"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

// MaxSubjects is the most lines (subjects) one pool may have.
const MaxSubjects = 1_000_000

// maxLine bounds one NDJSON line.
const maxLine = 4096

// Key is a subject key in binary.
type Key [32]byte

// Hex is the key as the ledger writes it.
func (k Key) Hex() string { return hex.EncodeToString(k[:]) }

// Pool is a decoded pool: its distinct subject keys, sorted.
type Pool struct {
	Keys []Key
	// Lines is the number of subject lines read (blank lines not
	// counted); Duplicates how many of them repeated an earlier subject.
	Lines      int
	Duplicates int
}

// Digest names the pool: SHA-256 over "blacklist-pool/v1" and its
// distinct keys in order, so the same subjects in any order and with any
// repetitions give the same digest.
func (p *Pool) Digest() string {
	h := sha256.New()
	h.Write([]byte("blacklist-pool/v1"))
	for i := range p.Keys {
		h.Write(p.Keys[i][:])
	}
	return hex.EncodeToString(h.Sum(nil))
}

// Sketch is the pool as the overlap check keeps it: the first 8 bytes of
// each key, in order.
func (p *Pool) Sketch() []uint64 {
	out := make([]uint64, len(p.Keys))
	for i := range p.Keys {
		k := p.Keys[i][:8]
		out[i] = uint64(k[0])<<56 | uint64(k[1])<<48 | uint64(k[2])<<40 | uint64(k[3])<<32 |
			uint64(k[4])<<24 | uint64(k[5])<<16 | uint64(k[6])<<8 | uint64(k[7])
	}
	return out
}

// LineError says which line of a pool is not valid, without repeating it
// (a line may hold an identity number).
type LineError struct {
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("line %d: %s", e.Line, e.Msg) }

// ErrTooMany is returned for a pool of more than MaxSubjects lines.
var ErrTooMany = fmt.Errorf("a pool has at most %d subjects", MaxSubjects)

// ErrNotNDJSON is what a reader returns for a pool sent in another format
// (the gateway's, for a request of another content type), so that the
// request is refused where the pool is read, after the caller's checks.
var ErrNotNDJSON = errors.New("a pool is NDJSON (application/x-ndjson)")

// ErrEmpty is returned for a pool without a subject.
var ErrEmpty = errors.New("the pool has no subject")

// Deriver turns an identity number into a subject key.
type Deriver func(idType, number string) (string, error)

type line struct {
	SubjectKey string `json:"subjectKey"`
	IDType     string `json:"idType"`
	IDNumber   string `json:"idNumber"`
}

// keyLine is the common line, decoded without the general decoder.
var keyLinePrefix, keyLineSuffix = []byte(`{"subjectKey":"`), []byte(`"}`)

// Read decodes a pool from r: one JSON object a line, {"subjectKey": KEY}
// or {"idType": T, "idNumber": N} (derived with derive, then forgotten);
// blank lines are skipped. It reads as it goes and keeps 32 bytes per
// subject. progress, if set, is called every 10,000 lines.
func Read(r io.Reader, derive Deriver, progress func(lines int)) (*Pool, error) {
	br := bufio.NewReaderSize(r, 64<<10)
	p := &Pool{}
	n := 0 // line number as an editor counts
	for {
		raw, err := br.ReadSlice('\n')
		if errors.Is(err, bufio.ErrBufferFull) {
			return p, &LineError{Line: n + 1, Msg: fmt.Sprintf("longer than %d bytes", maxLine)}
		}
		if err != nil && !errors.Is(err, io.EOF) {
			return p, err
		}
		if len(raw) > 0 {
			n++
			if len(raw) > maxLine {
				return p, &LineError{Line: n, Msg: fmt.Sprintf("longer than %d bytes", maxLine)}
			}
			if b := bytes.TrimSpace(raw); len(b) > 0 {
				if p.Lines == MaxSubjects {
					return p, ErrTooMany
				}
				k, lerr := decodeLine(b, derive)
				if lerr != nil {
					return p, &LineError{Line: n, Msg: lerr.Error()}
				}
				p.Keys = append(p.Keys, k)
				p.Lines++
				if progress != nil && p.Lines%10000 == 0 {
					progress(p.Lines)
				}
			}
		}
		if errors.Is(err, io.EOF) {
			break
		}
	}
	if p.Lines == 0 {
		return p, ErrEmpty
	}
	slices.SortFunc(p.Keys, func(a, b Key) int { return bytes.Compare(a[:], b[:]) })
	p.Keys = slices.Compact(p.Keys)
	p.Duplicates = p.Lines - len(p.Keys)
	p.Keys = slices.Clip(p.Keys)
	return p, nil
}

func decodeLine(b []byte, derive Deriver) (Key, error) {
	var k Key
	if len(b) == len(keyLinePrefix)+64+len(keyLineSuffix) && bytes.HasPrefix(b, keyLinePrefix) && bytes.HasSuffix(b, keyLineSuffix) {
		s := b[len(keyLinePrefix) : len(keyLinePrefix)+64]
		if contract.IsHexDigest(string(s)) {
			hex.Decode(k[:], s)
			return k, nil
		}
	}
	var l line
	if err := strictjson.Decode(b, &l); err != nil {
		return k, errors.New(`want {"subjectKey": KEY} or {"idType": TYPE, "idNumber": NUMBER}`)
	}
	key := l.SubjectKey
	switch {
	case l.SubjectKey != "" && l.IDType == "" && l.IDNumber == "":
		if !contract.IsHexDigest(l.SubjectKey) {
			return k, errors.New("subjectKey is not a subject key (64 lower-case hex characters)")
		}
	case l.SubjectKey == "" && l.IDNumber != "":
		if derive == nil {
			return k, errors.New("identity numbers cannot be turned into subject keys on this node now")
		}
		var err error
		if key, err = derive(l.IDType, l.IDNumber); err != nil {
			return k, err
		}
	default:
		return k, errors.New(`give either subjectKey, or idType and idNumber`)
	}
	hex.Decode(k[:], []byte(key))
	return k, nil
}
