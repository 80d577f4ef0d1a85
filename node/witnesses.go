package node

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	fnote "github.com/transparency-dev/formats/note"
	"golang.org/x/mod/sumdb/note"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/store"
)

// Witness cosignatures at the association's node (issue 14,
// docs/publications.md "Witnesses"). On its own ticker the node sends its
// latest quorum checkpoint (the organisations' signatures only) to each
// configured witness with C2SP tlog-witness add-checkpoint: "old <size>"
// (the size that witness last acknowledged, kept in the node store), the
// consistency proof from it, and the signed note. A 409 text/x.tlog.size
// answer gives the witness's own size: the node retries once from it. A
// 200 answer's cosignature lines are checked against the witness's
// cosignature/v1 verifier key before they are kept (WitnessCosigs, one
// record per witness: the latest). Other refusals (a 409 that is not a
// size: the witness saw a contradicting checkpoint and kept the fork
// proof; 403, 404, 4xx) stop sending to that witness until restart and
// are reported in the log and as a /readyz problem (status degraded): a
// fork is the consortium's to explain, not to retry. Transport errors
// and 5xx are retried on the next rounds, paced by internal/backoff.
//
// The witnesses' lines are added to the note GET /v1/log/checkpoint
// serves and to the checkpoint of a publication's log proof, for the
// checkpoint they cosigned. Evidence bundles keep the organisations'
// signatures only (a court's trust root knows no witness keys).

// WitnessConfig is one witness the node submits checkpoints to.
type WitnessConfig struct {
	// Name labels the witness in logs and problems.
	Name string
	// URL is the witness's submission prefix: requests go to
	// URL + "/add-checkpoint".
	URL string
	// Verifier is the witness's cosignature/v1 verifier key.
	Verifier string
}

// ParseWitness reads NAME=URL=VKEY (blacklistd --witness). The URL may
// hold "=" (a query); the key, base64 of 33 bytes, never does.
func ParseWitness(s string) (WitnessConfig, error) {
	name, rest, ok := strings.Cut(s, "=")
	i := strings.LastIndex(rest, "=")
	if !ok || i < 0 || name == "" {
		return WitnessConfig{}, fmt.Errorf("witness %q: want NAME=URL=VKEY", s)
	}
	w := WitnessConfig{Name: name, URL: rest[:i], Verifier: rest[i+1:]}
	if !strings.HasPrefix(w.URL, "http://") && !strings.HasPrefix(w.URL, "https://") {
		return w, fmt.Errorf("witness %s: URL %q is not http(s)", name, w.URL)
	}
	if _, err := fnote.NewVerifierForCosignatureV1(w.Verifier); err != nil {
		return w, fmt.Errorf("witness %s: verifier key: %v", name, err)
	}
	return w, nil
}

// WitnessCosignature is the latest cosignature a witness gave, as kept.
type WitnessCosignature struct {
	Witness string `json:"witness"`
	// Size and Root are the checkpoint it cosigned.
	Size int64  `json:"size"`
	Root string `json:"root"`
	// Lines are its signature lines ("— <key name> <base64>\n").
	Lines string `json:"lines"`
	At    string `json:"at"`
}

// ErrWitnessRefused marks a witness that refused the node's checkpoint.
var ErrWitnessRefused = errors.New("the witness refused the checkpoint")

type witnessState struct {
	cfg      WitnessConfig
	verifier note.Verifier
	back     *backoff.Backoff
	notUntil time.Time
	refused  string
}

type witnesses struct {
	mu     sync.Mutex
	list   []*witnessState
	client *http.Client
}

// DefaultWitnessTimeout bounds one add-checkpoint request.
const DefaultWitnessTimeout = 30 * time.Second

func (n *Node) startWitnesses(ctx context.Context, opts Options) error {
	if len(opts.Witnesses) == 0 {
		return nil
	}
	ws := &witnesses{client: opts.WebhookDestinations.Client(DefaultWitnessTimeout)}
	for _, c := range opts.Witnesses {
		v, err := fnote.NewVerifierForCosignatureV1(c.Verifier)
		if err != nil {
			return fmt.Errorf("witness %s: %v", c.Name, err)
		}
		if _, err := opts.WebhookDestinations.CheckURL(ctx, c.URL); err != nil {
			return fmt.Errorf("witness %s: %w", c.Name, err)
		}
		ws.list = append(ws.list, &witnessState{cfg: c, verifier: v, back: backoff.New(time.Second, 10*time.Minute)})
	}
	n.witnesses = ws
	every := opts.WitnessInterval
	if every == 0 {
		every = DefaultLogCheckpointInterval
	}
	if every < 0 {
		return nil
	}
	n.logDone.Add(1)
	go func() {
		defer n.logDone.Done()
		onTick(ctx, every, func() {
			if err := n.SubmitToWitnesses(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrNoCheckpoint) {
				n.logf("witnesses: %v", err)
			}
		})
	}()
	return nil
}

// SubmitToWitnesses sends the latest quorum checkpoint to every witness
// not refused nor waiting for its backoff, keeping the cosignatures it
// gets. It returns the errors of this round, joined.
func (n *Node) SubmitToWitnesses(ctx context.Context) error {
	ws := n.witnesses
	if ws == nil || n.tlog == nil {
		return nil
	}
	ws.mu.Lock()
	defer ws.mu.Unlock()
	orgs, err := n.logCosigners()
	if err != nil {
		return err
	}
	if len(orgs) == 0 {
		return nil
	}
	qc, err := n.quorumCheckpoint(orgs[0])
	if err != nil {
		return err
	}
	var errs []error
	for _, w := range ws.list {
		if w.refused != "" || time.Now().Before(w.notUntil) {
			continue
		}
		err := n.submitTo(ctx, ws.client, w, qc)
		switch {
		case err == nil:
			w.back.Reset()
		case errors.Is(err, ErrWitnessRefused):
			w.refused = err.Error()
			n.logf("%v", err)
			n.setBackgroundError(err.Error())
			errs = append(errs, err)
		default:
			w.notUntil = time.Now().Add(w.back.Next())
			errs = append(errs, fmt.Errorf("witness %s: %w", w.cfg.Name, err))
		}
	}
	return errors.Join(errs...)
}

func witnessKey(name string) []byte { return store.WitnessCosigs.Key(name) }

// WitnessCosignatures lists the latest cosignature kept per configured
// witness.
func (n *Node) WitnessCosignatures() ([]WitnessCosignature, error) {
	if n.witnesses == nil {
		return nil, nil
	}
	var out []WitnessCosignature
	for _, w := range n.witnesses.list {
		var wc WitnessCosignature
		found, err := store.View(n.db, witnessKey(w.cfg.Name), store.JSON(&wc))
		if err != nil {
			return nil, err
		}
		if found {
			out = append(out, wc)
		}
	}
	return out, nil
}

func (n *Node) submitTo(ctx context.Context, client *http.Client, w *witnessState, qc QuorumCheckpoint) error {
	var kept WitnessCosignature
	if _, err := store.View(n.db, witnessKey(w.cfg.Name), store.JSON(&kept)); err != nil {
		return err
	}
	cp := qc.Checkpoint
	root := b64(cp.Root[:])
	if kept.Size > cp.Size || (kept.Size == cp.Size && kept.Root == root) {
		return nil // nothing newer to cosign
	}
	old := kept.Size
	for attempt := 0; attempt < 3; attempt++ {
		var proof []translog.Hash
		if old > 0 && old < cp.Size {
			p, err := n.tlog.log.ConsistencyProof(old, cp.Size)
			if err != nil {
				return err
			}
			proof = p
		}
		status, ctype, body, err := postCheckpoint(ctx, client, w.cfg.URL, addCheckpointBody(old, proof, qc.Note))
		if err != nil {
			return err
		}
		switch {
		case status == http.StatusOK:
			lines, err := verifyCosignature(w.verifier, cp, body)
			if err != nil {
				return fmt.Errorf("%w: witness %s answered a cosignature that does not verify: %v", ErrWitnessRefused, w.cfg.Name, err)
			}
			wc := WitnessCosignature{Witness: w.cfg.Name, Size: cp.Size, Root: root, Lines: lines, At: time.Now().UTC().Format(time.RFC3339)}
			b, err := json.Marshal(wc)
			if err != nil {
				return err
			}
			return n.db.Update(func(txn *badger.Txn) error { return txn.Set(witnessKey(w.cfg.Name), b) })
		case status == http.StatusConflict && strings.HasPrefix(ctype, "text/x.tlog.size"):
			size, err := strconv.ParseInt(strings.TrimSpace(string(body)), 10, 64)
			if err != nil || size < 0 {
				return fmt.Errorf("witness %s: 409 with a size %q that is not a number", w.cfg.Name, strings.TrimSpace(string(body)))
			}
			if size > cp.Size {
				return fmt.Errorf("%w: witness %s has cosigned size %d, above this node's quorum checkpoint (%d)", ErrWitnessRefused, w.cfg.Name, size, cp.Size)
			}
			old = size
		case status >= 500:
			return fmt.Errorf("witness %s: %d %s", w.cfg.Name, status, strings.TrimSpace(string(body)))
		default:
			return fmt.Errorf("%w: witness %s refused the checkpoint of size %d (root %s): %d %s", ErrWitnessRefused, w.cfg.Name, cp.Size, root, status, strings.TrimSpace(string(body)))
		}
	}
	return fmt.Errorf("witness %s: its size kept changing", w.cfg.Name)
}

func addCheckpointBody(old int64, proof []translog.Hash, signed []byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "old %d\n", old)
	for _, h := range proof {
		b.WriteString(b64(h[:]) + "\n")
	}
	b.WriteString("\n")
	b.Write(signed)
	return b.Bytes()
}

// maxWitnessAnswer bounds a witness's answer.
const maxWitnessAnswer = 16 << 10

func postCheckpoint(ctx context.Context, client *http.Client, base string, body []byte) (int, string, []byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/add-checkpoint", bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	req.Header.Set("Content-Type", "text/plain")
	resp, err := client.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	answer, err := io.ReadAll(io.LimitReader(resp.Body, maxWitnessAnswer))
	if err != nil {
		return 0, "", nil, err
	}
	return resp.StatusCode, resp.Header.Get("Content-Type"), answer, nil
}

// verifyCosignature checks the witness's answer (signature lines) against
// its key over the checkpoint, and returns the lines by that key.
func verifyCosignature(v note.Verifier, cp translog.Checkpoint, answer []byte) (string, error) {
	msg := []byte(cp.Text() + "\n" + string(answer))
	opened, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return "", err
	}
	var lines strings.Builder
	for _, s := range opened.Sigs {
		fmt.Fprintf(&lines, "— %s %s\n", s.Name, s.Base64)
	}
	return lines.String(), nil
}

// withWitnesses adds to qc's note the kept cosignatures of witnesses that
// cosigned exactly qc's checkpoint.
func (n *Node) withWitnesses(qc QuorumCheckpoint) QuorumCheckpoint {
	cosigs, err := n.WitnessCosignatures()
	if err != nil || len(cosigs) == 0 {
		return qc
	}
	root := b64(qc.Checkpoint.Root[:])
	note := string(qc.Note)
	for _, wc := range cosigs {
		if wc.Size == qc.Checkpoint.Size && wc.Root == root && !strings.Contains(note, wc.Lines) {
			note += wc.Lines
		}
	}
	qc.Note = []byte(note)
	return qc
}
