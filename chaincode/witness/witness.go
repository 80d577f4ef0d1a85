// Package witness is a transparency-log witness for the ledger's log, as an
// outside credit agency runs it (issue 14, docs/publications.md): it
// follows C2SP tlog-witness (POST /add-checkpoint with a consistency proof
// from the size it saw last) and answers with a C2SP tlog-cosignature
// (cosignature/v1, Ed25519, timestamped) of each checkpoint it accepts.
//
// It accepts a checkpoint only if it is signed by the trust root's quorum
// of organisations (their log keys) for the trust root's origin, and is
// consistent with the last checkpoint it cosigned. It never cosigns two
// checkpoints of one log that contradict each other, across restarts: its
// state (one file per origin, replaced atomically) is written before it
// answers. A checkpoint that contradicts what it saw (the same size with
// another root, or a consistency proof that does not hold) is refused and
// kept, with the one it contradicts, as a portable proof of misbehaviour:
// both are signed notes anyone can check against the trust root.
package witness

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// GenerateKey makes a witness key named name: the signer key to keep
// secret and the cosignature/v1 verifier key to publish.
func GenerateKey(name string) (signer, verifier string, err error) {
	skey, vkey, err := note.GenerateKey(rand.Reader, name)
	if err != nil {
		return "", "", err
	}
	cv, err := fnote.VKeyToCosignatureV1(vkey)
	return skey, cv, err
}

// Witness holds the state of the logs it witnesses.
type Witness struct {
	dir    string
	signer note.Signer
	trust  *evidence.TrustRoot
	known  []translog.OrgKey
	now    func() time.Time

	mu sync.Mutex
}

// state is what the witness keeps per origin: the last checkpoint it
// cosigned, as the signed note it was given.
type state struct {
	Origin string `json:"origin"`
	Size   int64  `json:"size"`
	Root   string `json:"root"`
	Note   string `json:"note"`
}

// New opens (creating) a witness keeping its state in dir, signing with
// signerKey, accepting checkpoints signed as the trust root says.
func New(dir, signerKey string, tr *evidence.TrustRoot) (*Witness, error) {
	s, err := fnote.NewSignerForCosignatureV1(signerKey)
	if err != nil {
		return nil, fmt.Errorf("witness key: %v", err)
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &Witness{dir: dir, signer: s, trust: tr, known: publication.KnownKeys(tr), now: time.Now}, nil
}

// Name is the witness key's name.
func (w *Witness) Name() string { return w.signer.Name() }

func (w *Witness) statePath(origin string) string {
	sum := sha256.Sum256([]byte(origin))
	return filepath.Join(w.dir, "state-"+hex.EncodeToString(sum[:8])+".json")
}

func (w *Witness) load(origin string) (state, error) {
	b, err := os.ReadFile(w.statePath(origin))
	if errors.Is(err, os.ErrNotExist) {
		return state{Origin: origin}, nil
	}
	if err != nil {
		return state{}, err
	}
	var s state
	if err := json.Unmarshal(b, &s); err != nil || s.Origin != origin {
		return state{}, fmt.Errorf("witness state %s is corrupt", w.statePath(origin))
	}
	return s, nil
}

func writeAtomic(path string, b []byte) error {
	tmp := path + ".tmp"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		f.Close()
		return err
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// Fork is a portable proof of misbehaviour: two checkpoints of one log,
// each signed by the trust root's quorum, that cannot both be true.
type Fork struct {
	Origin string `json:"origin"`
	// Seen is the checkpoint the witness cosigned; Shown the one that
	// contradicts it.
	Seen  string `json:"seen"`
	Shown string `json:"shown"`
	// Proof is the consistency proof Shown came with (base64), when it
	// claimed to extend Seen.
	Proof  []string `json:"proof,omitempty"`
	Reason string   `json:"reason"`
	At     string   `json:"at"`
}

// Forks lists the proofs of misbehaviour the witness kept.
func (w *Witness) Forks() ([]Fork, error) {
	paths, err := filepath.Glob(filepath.Join(w.dir, "fork-*.json"))
	if err != nil {
		return nil, err
	}
	var out []Fork
	for _, p := range paths {
		b, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		var f Fork
		if err := json.Unmarshal(b, &f); err != nil {
			return nil, fmt.Errorf("%s: %v", p, err)
		}
		out = append(out, f)
	}
	return out, nil
}

func (w *Witness) keepFork(f Fork) error {
	b, _ := json.MarshalIndent(f, "", "  ")
	sum := sha256.Sum256(b)
	return writeAtomic(filepath.Join(w.dir, "fork-"+hex.EncodeToString(sum[:8])+".json"), b)
}

// Result is the answer to add-checkpoint: an HTTP status and body.
type Result struct {
	Status      int
	ContentType string
	Body        []byte
}

func fail(status int, format string, args ...any) Result {
	return Result{Status: status, ContentType: "text/plain; charset=utf-8", Body: []byte(fmt.Sprintf(format, args...) + "\n")}
}

// MaxRequest bounds an add-checkpoint body.
const MaxRequest = 64 << 10

// AddCheckpoint handles one add-checkpoint request body (C2SP
// tlog-witness): "old <size>", the consistency proof's hashes one a line
// in base64, an empty line, then the signed checkpoint.
func (w *Witness) AddCheckpoint(body []byte) Result {
	old, proof, signed, err := parseRequest(body)
	if err != nil {
		return fail(http.StatusBadRequest, "%v", err)
	}
	opened, err := translog.OpenCheckpoint(signed, w.known)
	if err != nil {
		var inv *translog.InvalidSignatureError
		if errors.As(err, &inv) {
			return fail(http.StatusForbidden, "%v", err)
		}
		if strings.Contains(err.Error(), "no known log key") {
			return fail(http.StatusForbidden, "%v", err)
		}
		return fail(http.StatusBadRequest, "%v", err)
	}
	cp := opened.Checkpoint
	if cp.Origin != w.trust.Origin {
		return fail(http.StatusNotFound, "unknown log %q", cp.Origin)
	}
	if err := opened.Quorum(w.trust.Quorum); err != nil {
		return fail(http.StatusForbidden, "%v", err)
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	st, err := w.load(cp.Origin)
	if err != nil {
		return fail(http.StatusInternalServerError, "%v", err)
	}
	if old != st.Size {
		return Result{Status: http.StatusConflict, ContentType: "text/x.tlog.size", Body: []byte(strconv.FormatInt(st.Size, 10) + "\n")}
	}
	if cp.Size < old {
		return fail(http.StatusBadRequest, "checkpoint size %d is below old size %d", cp.Size, old)
	}
	root := base64.StdEncoding.EncodeToString(cp.Root[:])
	fork := func(reason string) Result {
		f := Fork{Origin: cp.Origin, Seen: st.Note, Shown: string(signed), Reason: reason, At: w.now().UTC().Format(time.RFC3339)}
		for _, h := range proof {
			f.Proof = append(f.Proof, base64.StdEncoding.EncodeToString(h[:]))
		}
		if err := w.keepFork(f); err != nil {
			return fail(http.StatusInternalServerError, "keeping the proof of a fork: %v", err)
		}
		return fail(http.StatusConflict, "refused, kept as proof of a fork: %s", reason)
	}
	switch {
	case cp.Size == old && old > 0:
		if root != st.Root {
			return fork(fmt.Sprintf("size %d has root %s, the witness cosigned %s", cp.Size, root, st.Root))
		}
	case old == 0:
		if len(proof) != 0 {
			return fail(http.StatusUnprocessableEntity, "a consistency proof from size 0 is empty")
		}
	default:
		var oldRoot tlog.Hash
		b, _ := base64.StdEncoding.DecodeString(st.Root)
		copy(oldRoot[:], b)
		if err := tlog.CheckTree(proof, cp.Size, tlog.Hash(cp.Root), old, oldRoot); err != nil {
			return fork(fmt.Sprintf("not consistent with size %d (%s): %v", old, st.Root, err))
		}
	}
	cosig, err := note.Sign(&note.Note{Text: cp.Text()}, w.signer)
	if err != nil {
		return fail(http.StatusInternalServerError, "%v", err)
	}
	next := state{Origin: cp.Origin, Size: cp.Size, Root: root, Note: string(signed)}
	b, _ := json.Marshal(next)
	if err := writeAtomic(w.statePath(cp.Origin), b); err != nil {
		return fail(http.StatusInternalServerError, "%v", err)
	}
	// The response is the witness's signature line(s) only.
	_, sigs, err := translog.SplitNote(cosig)
	if err != nil {
		return fail(http.StatusInternalServerError, "%v", err)
	}
	var out bytes.Buffer
	for _, s := range sigs {
		fmt.Fprintf(&out, "— %s %s\n", s.KeyName, s.Base64)
	}
	return Result{Status: http.StatusOK, ContentType: "text/x.tlog.cosignature", Body: out.Bytes()}
}

func parseRequest(body []byte) (int64, []tlog.Hash, []byte, error) {
	rd := bufio.NewReader(bytes.NewReader(body))
	line, err := rd.ReadString('\n')
	if err != nil {
		return 0, nil, nil, errors.New("request: no old line")
	}
	v, ok := strings.CutPrefix(strings.TrimSuffix(line, "\n"), "old ")
	old, err := strconv.ParseInt(v, 10, 64)
	if !ok || err != nil || old < 0 || strconv.FormatInt(old, 10) != v {
		return 0, nil, nil, fmt.Errorf("request: first line %q is not \"old <size>\"", strings.TrimSpace(line))
	}
	var proof []tlog.Hash
	for {
		line, err := rd.ReadString('\n')
		if err != nil {
			return 0, nil, nil, errors.New("request: no empty line before the checkpoint")
		}
		line = strings.TrimSuffix(line, "\n")
		if line == "" {
			break
		}
		b, err := base64.StdEncoding.DecodeString(line)
		if err != nil || len(b) != 32 || len(proof) >= 64 {
			return 0, nil, nil, fmt.Errorf("request: proof line %q is not a base64 hash", line)
		}
		var h tlog.Hash
		copy(h[:], b)
		proof = append(proof, h)
	}
	rest, _ := io.ReadAll(rd)
	return old, proof, rest, nil
}

// Handler serves POST /add-checkpoint.
func (w *Witness) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /add-checkpoint", func(rw http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(io.LimitReader(r.Body, MaxRequest+1))
		if err != nil {
			http.Error(rw, err.Error(), http.StatusBadRequest)
			return
		}
		if len(body) > MaxRequest {
			http.Error(rw, "request too large", http.StatusRequestEntityTooLarge)
			return
		}
		res := w.AddCheckpoint(body)
		rw.Header().Set("Content-Type", res.ContentType)
		rw.WriteHeader(res.Status)
		rw.Write(res.Body)
	})
	return mux
}

// Request builds an add-checkpoint body.
func Request(old int64, proof []tlog.Hash, signed []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	for _, h := range proof {
		b.WriteString(base64.StdEncoding.EncodeToString(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(signed)
	return b.Bytes()
}
