package publication

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// Views of a publication file.
const (
	ViewFull = "full"
	ViewDiff = "diff"
)

// MediaType is the media type of a publication file (NDJSON).
const MediaType = "application/vnd.blacklist.publication.v1+x-ndjson"

// Preamble is a publication file's first line: the view, the header and
// its signed note; entry (full) or diff lines (diff) follow, one per line.
type Preamble struct {
	View   string `json:"view"`
	Header Header `json:"header"`
	Note   string `json:"note"`
	// Log, when the node has a checkpoint cosigned by a quorum that covers
	// the publication's ledger record, proves that record is in the
	// transparency log: its place in the ledger's history.
	Log *LogProof `json:"log,omitempty"`
	// Since, added by the agency's client (blctl publication get
	// --since-checkpoint), proves Log's checkpoint extends the last one
	// the agency saw (CheckSince).
	Since *Since `json:"since,omitempty"`
}

// LogProof is the publication's record in the transparency log: the leaf
// (translog's encoding, base64), its index, the audit path to the root of
// the checkpoint (a signed note with the organisations' cosignatures).
type LogProof struct {
	Checkpoint string   `json:"checkpoint"`
	Index      int64    `json:"index"`
	Leaf       string   `json:"leaf"`
	Proof      []string `json:"proof"`
}

// MaxLine bounds one line of a publication file.
const MaxLine = 64 << 10

// WritePreamble writes the first line.
func WritePreamble(w io.Writer, p Preamble) error {
	b, err := json.Marshal(p)
	if err != nil {
		return err
	}
	_, err = w.Write(append(b, '\n'))
	return err
}

// Reader reads a publication file line by line, in constant memory.
type Reader struct {
	Preamble Preamble
	sc       *bufio.Scanner
	line     int
}

// NewReader reads the preamble.
func NewReader(r io.Reader) (*Reader, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 4096), MaxLine)
	rd := &Reader{sc: sc}
	if !sc.Scan() {
		if err := sc.Err(); err != nil {
			return nil, err
		}
		return nil, errors.New("publication file is empty")
	}
	rd.line = 1
	dec := json.NewDecoder(bytes.NewReader(sc.Bytes()))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rd.Preamble); err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	if v := rd.Preamble.View; v != ViewFull && v != ViewDiff {
		return nil, fmt.Errorf("line 1: view %q", v)
	}
	if err := rd.Preamble.Header.Check(); err != nil {
		return nil, fmt.Errorf("line 1: %v", err)
	}
	return rd, nil
}

func (r *Reader) next() ([]byte, bool, error) {
	if !r.sc.Scan() {
		return nil, false, r.sc.Err()
	}
	r.line++
	return r.sc.Bytes(), true, nil
}

// Entry reads the next entry of a full view.
func (r *Reader) Entry() (Entry, bool, error) {
	e, _, ok, err := r.EntryLine()
	return e, ok, err
}

// EntryLine is Entry with the line read, which is the entry's canonical
// encoding (valid until the next read).
func (r *Reader) EntryLine() (Entry, []byte, bool, error) {
	if r.Preamble.View != ViewFull {
		return Entry{}, nil, false, errors.New("not a full publication")
	}
	b, ok, err := r.next()
	if !ok || err != nil {
		return Entry{}, nil, false, err
	}
	e, err := DecodeEntry(b)
	if err != nil {
		return Entry{}, nil, false, fmt.Errorf("line %d: %v", r.line, err)
	}
	return e, b, true, nil
}

// Change reads the next line of a diff view.
func (r *Reader) Change() (Change, bool, error) {
	if r.Preamble.View != ViewDiff {
		return Change{}, false, errors.New("not a diff publication")
	}
	b, ok, err := r.next()
	if !ok || err != nil {
		return Change{}, false, err
	}
	c, err := DecodeChange(b)
	if err != nil {
		return Change{}, false, fmt.Errorf("line %d: %v", r.line, err)
	}
	return c, true, nil
}

// Check is one step of a verification.
type Check struct {
	// Step names the step (stable, for translation).
	Step   string `json:"step"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

// Verification steps.
const (
	StepSignatures = "signatures"
	StepQuorum     = "quorum"
	StepOrigin     = "origin"
	StepEntries    = "entries"
	StepDiff       = "diff"
	StepPrevious   = "previous"
	StepLog        = "log"
)

// Report is the outcome of Verify: every check made, in order.
type Report struct {
	Header Header   `json:"header"`
	Signed []string `json:"signedBy"`
	Checks []Check  `json:"checks"`
}

// OK reports whether every check passed.
func (r *Report) OK() bool {
	for _, c := range r.Checks {
		if !c.OK {
			return false
		}
	}
	return len(r.Checks) > 0
}

func (r *Report) add(step string, err error, ok string) bool {
	if err != nil {
		r.Checks = append(r.Checks, Check{Step: step, Detail: err.Error()})
		return false
	}
	r.Checks = append(r.Checks, Check{Step: step, OK: true, Detail: ok})
	return true
}

// KnownKeys lists a trust root's log keys.
func KnownKeys(tr *evidence.TrustRoot) []translog.OrgKey {
	var ks []translog.OrgKey
	for _, o := range tr.Organisations {
		for _, k := range o.LogKeys {
			ks = append(ks, translog.OrgKey{Org: o.ID, Verifier: k})
		}
	}
	return ks
}

// Verify checks a publication file offline against a trust root: the
// note's signatures (the association's among them) and quorum, that the
// note signs the stated header, and then the content: a full view's
// entries give the header's root and count; a diff view is applied to
// previous (a full view of N-1, required) and must give the root, count,
// counts and diff digest. With previous, N-1's digest and number must
// link. It reads each file once; only the failing step's error is
// returned with the report (nil error and !OK never happen together).
func Verify(pub io.Reader, previous io.Reader, tr *evidence.TrustRoot) (*Report, error) {
	rd, err := NewReader(pub)
	if err != nil {
		return nil, err
	}
	h := rd.Preamble.Header
	rep := &Report{Header: h}
	fail := func(step string, err error) (*Report, error) {
		rep.add(step, err, "")
		return rep, fmt.Errorf("%s: %v", step, err)
	}
	o, err := Open([]byte(rd.Preamble.Note), KnownKeys(tr))
	if err == nil && !bytes.Equal(o.Header.Encode(), h.Encode()) {
		err = errors.New("the note signs another header than the file states")
	}
	if err != nil {
		return fail(StepSignatures, err)
	}
	rep.Signed = o.Orgs
	assoc := ""
	for _, org := range tr.Organisations {
		if org.Association {
			assoc = org.ID
		}
	}
	if assoc == "" || !o.SignedBy(assoc) {
		return fail(StepSignatures, fmt.Errorf("not signed by the association (%s)", assoc))
	}
	rep.add(StepSignatures, nil, fmt.Sprintf("%v", o.Orgs))
	if len(o.Orgs) < tr.Quorum {
		return fail(StepQuorum, fmt.Errorf("signed by %d organisation(s), the quorum is %d", len(o.Orgs), tr.Quorum))
	}
	rep.add(StepQuorum, nil, fmt.Sprintf("%d/%d", len(o.Orgs), tr.Quorum))
	if h.Origin != tr.Origin {
		return fail(StepOrigin, fmt.Errorf("publication of %q, the trust root is for %q", h.Origin, tr.Origin))
	}
	rep.add(StepOrigin, nil, h.Origin)
	if lp := rd.Preamble.Log; lp != nil {
		size, err := checkLogProof(lp, h, tr)
		if err != nil {
			return fail(StepLog, err)
		}
		rep.add(StepLog, nil, fmt.Sprintf("record at index %d of a checkpoint of %d", lp.Index, size))
	}

	var prev *Reader
	if previous != nil {
		if prev, err = NewReader(previous); err != nil {
			return fail(StepPrevious, err)
		}
		ph := prev.Preamble.Header
		po, err := Open([]byte(prev.Preamble.Note), KnownKeys(tr))
		if err == nil && !bytes.Equal(po.Header.Encode(), ph.Encode()) {
			err = errors.New("its note signs another header than the file states")
		}
		if err != nil {
			return fail(StepPrevious, fmt.Errorf("previous publication: %v", err))
		}
		if ph.Number+1 != h.Number || ph.DigestString() != h.Previous {
			return fail(StepPrevious, fmt.Errorf("publication %d (digest %s) does not follow publication %d (digest %s)", h.Number, h.Previous, ph.Number, ph.DigestString()))
		}
		rep.add(StepPrevious, nil, fmt.Sprintf("%d -> %d", ph.Number, h.Number))
	}

	switch rd.Preamble.View {
	case ViewFull:
		var root RootBuilder
		last := ""
		for {
			e, line, ok, err := rd.EntryLine()
			if err != nil {
				return fail(StepEntries, err)
			}
			if !ok {
				break
			}
			if e.Subject <= last {
				return fail(StepEntries, fmt.Errorf("entries out of order at %s", e.Subject))
			}
			last = e.Subject
			root.Add(line)
		}
		if got := RootOf(root.Root()); got != h.Root || root.Count() != h.Count {
			return fail(StepEntries, fmt.Errorf("the entries give root %s over %d entries, the header states %s over %d", got, root.Count(), h.Root, h.Count))
		}
		rep.add(StepEntries, nil, fmt.Sprintf("%d entries, root %s", h.Count, h.Root))
	case ViewDiff:
		if prev == nil || prev.Preamble.View != ViewFull {
			return fail(StepDiff, errors.New("a diff is checked against the previous publication's full view (--previous)"))
		}
		a, err := Apply(prev.Entry, rd.Change, nil)
		if err != nil {
			return fail(StepDiff, err)
		}
		if a.Root != h.Root || a.Count != h.Count {
			return fail(StepDiff, fmt.Errorf("the diff applied to publication %d gives root %s over %d entries, the header states %s over %d", h.Number-1, a.Root, a.Count, h.Root, h.Count))
		}
		if a.DiffDigest != h.DiffDigest || a.Added != h.Added || a.Changed != h.Changed || a.Removed != h.Removed {
			return fail(StepDiff, fmt.Errorf("the diff (+%d ~%d -%d, digest %s) is not the one signed (+%d ~%d -%d, digest %s)", a.Added, a.Changed, a.Removed, a.DiffDigest, h.Added, h.Changed, h.Removed, h.DiffDigest))
		}
		rep.add(StepDiff, nil, fmt.Sprintf("+%d ~%d -%d, root %s", a.Added, a.Changed, a.Removed, h.Root))
	}
	return rep, nil
}

// checkLogProof checks that the publication's ledger record is leaf
// lp.Index of the log at a checkpoint signed by the trust root's quorum,
// and records exactly this header; it returns the checkpoint's size.
func checkLogProof(lp *LogProof, h Header, tr *evidence.TrustRoot) (int64, error) {
	o, err := translog.OpenCheckpoint([]byte(lp.Checkpoint), KnownKeys(tr))
	if err != nil {
		return 0, err
	}
	if err := o.Quorum(tr.Quorum); err != nil {
		return 0, err
	}
	cp := o.Checkpoint
	if cp.Origin != h.Origin {
		return 0, fmt.Errorf("checkpoint of %q, the publication is of %q", cp.Origin, h.Origin)
	}
	data, err := base64.StdEncoding.DecodeString(lp.Leaf)
	if err != nil {
		return 0, fmt.Errorf("leaf: %v", err)
	}
	leaf, err := translog.DecodeLeaf(data)
	if err != nil {
		return 0, err
	}
	var rec struct {
		Header Header `json:"header"`
		Digest string `json:"digest"`
	}
	if leaf.Kind != translog.KindPublication || json.Unmarshal(leaf.Value, &rec) != nil ||
		rec.Digest != h.DigestString() || !bytes.Equal(rec.Header.Encode(), h.Encode()) {
		return 0, fmt.Errorf("leaf %d is not the ledger's record of publication %d", lp.Index, h.Number)
	}
	proof := make([]translog.Hash, len(lp.Proof))
	for i, s := range lp.Proof {
		hh, err := decodeHash(s)
		if err != nil {
			return 0, err
		}
		proof[i] = translog.Hash(hh)
	}
	if err := translog.VerifyInclusion(proof, lp.Index, cp.Size, translog.LeafHash(data), cp.Root); err != nil {
		return 0, err
	}
	return cp.Size, nil
}
