package node

import (
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"
	"golang.org/x/mod/sumdb/note"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/store"
	nodelog "github.com/assoc-ledger/blacklist/node/translog"
)

// The transparency log on the node (docs/decisions/0018-log-cosigning.md):
//
//   - The log (package node/translog) follows the ledger's committed
//     transactions on its own goroutine and keeps the tree in the node
//     store, so commits never wait for it.
//   - The cosigner, every Options.LogCheckpointInterval, for each
//     organisation the node cosigns for (fabric mode: its own; embedded:
//     every member it holds a signing key for), registers the
//     organisation's log key (DATA/log-<MSP>.key, created on first use,
//     0600) if the ledger does not have it, compares its roots with every
//     other organisation's cosignature it has not checked yet, and
//     cosigns one size: the largest size another organisation cosigned
//     that it has not (so that organisations meet at common sizes and a
//     quorum forms), or else its own current size.
//   - A root that differs from another organisation's cosignature at the
//     same size stops the cosigner for good (until restart, when it checks
//     again): the node reports the divergence on the ledger, from which
//     the association's node raises a log-divergence alert, and logs it.
//   - Checkpoint assembles, for the largest size at which a quorum of
//     organisations cosigned the root this node computed, the signed note
//     with every such cosignature.

// DefaultLogCheckpointInterval is how often the node cosigns by default.
const DefaultLogCheckpointInterval = 30 * time.Second

// LogKeyFile is the file of organisation msp's log key in the data dir.
func LogKeyFile(msp string) string { return "log-" + msp + ".key" }

// ErrLogDiverged is returned by the cosigner once the node's log has
// another root than another organisation cosigned.
var ErrLogDiverged = errors.New("this node's transparency log differs from another organisation's cosigned checkpoint: it no longer cosigns")

// ErrNoCheckpoint means no checkpoint of the log has a quorum of
// cosignatures yet.
var ErrNoCheckpoint = errors.New("no checkpoint of the transparency log is cosigned by a quorum of organisations yet")

// ErrNoLog is returned on a node whose ledger keeps no transparency log.
var ErrNoLog = errors.New("this node keeps no transparency log")

type logState struct {
	log       *nodelog.Log
	mode      string
	origin    string
	dir       string
	cosigners []string
	held      bool // also every member whose signing key the node holds

	mu       sync.Mutex                    // one cosigning round at a time
	floor    int64                         // the smallest of the cosigners' last cosigned sizes
	quorumAt atomic.Int64                  // the largest size found with a quorum: later ones are above (not under mu: rounds hold it long)
	roots    map[int64]translog.Checkpoint // this node's checkpoints by size, as compared
	diverged *contract.LogDivergence
}

func (n *Node) startLog(dir string, l ledger.Ledger, opts Options) error {
	lg, ok := l.(ledger.Logged)
	if !ok {
		return nil
	}
	mode, name := lg.LogIdentity()
	tl, err := nodelog.Open(nodelog.Options{DB: n.db, Feed: lg, Encode: nodelog.Records(mode), Logf: n.logf})
	if err != nil {
		return err
	}
	n.tlog = &logState{log: tl, mode: mode, origin: translog.Origin(name), dir: dir, cosigners: opts.LogCosigners, held: opts.LogCosignHeld}
	ctx, cancel := context.WithCancel(context.Background())
	n.logStop = cancel
	n.logDone.Add(1)
	go func() { defer n.logDone.Done(); tl.Run(ctx) }()
	if err := n.startWitnesses(ctx, opts); err != nil {
		cancel()
		n.logDone.Wait()
		return err
	}
	every := opts.LogCheckpointInterval
	if every == 0 {
		every = DefaultLogCheckpointInterval
	}
	if every > 0 && (len(opts.LogCosigners) > 0 || opts.LogCosignHeld) {
		n.logDone.Add(1)
		go func() {
			defer n.logDone.Done()
			onTick(ctx, every, func() {
				if err := n.CosignCheckpoints(ctx); err != nil && ctx.Err() == nil && !errors.Is(err, ErrLogDiverged) {
					n.logf("transparency log cosigning: %v", err)
				}
			})
		}()
	}
	return nil
}

func (n *Node) stopLog() {
	if n.logStop != nil {
		n.logStop()
		n.logDone.Wait()
	}
}

// TransparencyLog is the node's log, nil when the ledger keeps none.
func (n *Node) TransparencyLog() *nodelog.Log {
	if n.tlog == nil {
		return nil
	}
	return n.tlog.log
}

// LogOrigin is the origin line of the node's checkpoints.
func (n *Node) LogOrigin() string {
	if n.tlog == nil {
		return ""
	}
	return n.tlog.origin
}

// logKey loads organisation msp's log key from the data dir, creating it
// on first use.
func (s *logState) logKey(msp string) (translog.LogKey, error) {
	path := filepath.Join(s.dir, LogKeyFile(msp))
	b, err := os.ReadFile(path)
	if err == nil {
		signer := strings.TrimSpace(string(b))
		sk, err := note.NewSigner(signer)
		if err != nil {
			return translog.LogKey{}, fmt.Errorf("%s: %w", path, err)
		}
		if sk.Name() != msp {
			return translog.LogKey{}, fmt.Errorf("%s: a key named %q, not %q", path, sk.Name(), msp)
		}
		return translog.LogKey{Org: msp, Signer: signer, Verifier: verifierOf(signer)}, nil
	}
	if !errors.Is(err, os.ErrNotExist) {
		return translog.LogKey{}, err
	}
	k, err := translog.GenerateLogKey(msp)
	if err != nil {
		return translog.LogKey{}, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(k.Signer+"\n"), 0o600); err != nil {
		return translog.LogKey{}, err
	}
	if err := os.WriteFile(filepath.Join(s.dir, LogKeyFile(msp)+".pub"), []byte(k.Verifier+"\n"), 0o644); err != nil {
		return translog.LogKey{}, err
	}
	return k, os.Rename(tmp, path)
}

// verifierOf derives the verifier key of a note signer key
// ("PRIVATE+KEY+<name>+<hash>+<base64(alg || seed)>").
func verifierOf(signer string) string {
	parts := strings.SplitN(signer, "+", 5) // base64 may hold "+"
	if len(parts) != 5 {
		return ""
	}
	raw, err := base64.StdEncoding.DecodeString(parts[4])
	if err != nil || len(raw) != 33 || raw[0] != 1 {
		return ""
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	v, err := note.NewEd25519VerifierKey(parts[2], pub)
	if err != nil {
		return ""
	}
	return v
}

// CosignCheckpoints runs one cosigning round for every organisation the
// node cosigns for (see above). It returns ErrLogDiverged once the node
// found its log differs from another organisation's.
func (n *Node) CosignCheckpoints(ctx context.Context) error {
	s := n.tlog
	if s == nil {
		return ErrNoLog
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.diverged != nil {
		return ErrLogDiverged
	}
	size, _ := s.log.Head()
	cosigners, err := n.logCosigners()
	if err != nil {
		return err
	}
	if size == 0 || len(cosigners) == 0 {
		return nil
	}
	reader := cosigners[0]
	// Only the sizes from the last this node cosigned on: cosignatures
	// accumulate for ever, and organisations cosign near the log's head.
	all, _, err := evaluate(n, reader, contract.TxListCosignatures, contract.ListCosignaturesRequest{MinSize: max(1, s.floor), MaxSize: size})
	if err != nil {
		return err
	}
	// Compare every other organisation's cosignature with this node's
	// roots.
	for _, cs := range all {
		if cs.Origin != s.origin || slices.Contains(cosigners, cs.MSPID) {
			continue
		}
		mine, err := s.checkpointAt(cs.Size)
		if err != nil {
			return err
		}
		if root := b64(mine.Root[:]); root != cs.RootHash {
			return n.diverge(ctx, reader, cs, root)
		}
		if theirs, err := cs.Checkpoint(); err != nil || !theirs.Equal(mine) {
			// The same root with other chain heads: the other
			// organisation signed heads its log cannot have.
			n.logf("transparency log: %s cosigned size %d with chain heads %s, this node computed %s", cs.MSPID, cs.Size, cs.HeadsRoot, b64(mine.Heads.Root[:]))
		}
	}
	floor := size
	for _, org := range cosigners {
		signed, err := n.cosignAs(ctx, org, size, all)
		if err != nil {
			return fmt.Errorf("%s: %w", org, err)
		}
		floor = min(floor, signed)
	}
	s.floor = floor
	return nil
}

// logCosigners are the organisations the node cosigns for now.
func (n *Node) logCosigners() ([]string, error) {
	out := slices.Clone(n.tlog.cosigners)
	if n.tlog.held {
		err := n.db.View(func(txn *badger.Txn) error {
			return store.ScanKeys(txn, store.SigningKeys.Bytes(), nil, func(rest []byte) error {
				if m := string(rest); !slices.Contains(out, m) {
					out = append(out, m)
				}
				return nil
			})
		})
		if err != nil {
			return nil, err
		}
	}
	return out, nil
}

// checkpointAt is the node's checkpoint at size, remembered: a log only
// grows, so a checkpoint once computed stays.
func (s *logState) checkpointAt(size int64) (translog.Checkpoint, error) {
	if c, ok := s.roots[size]; ok {
		return c, nil
	}
	c, _, err := s.log.Checkpoint(s.origin, size)
	if err != nil {
		return c, err
	}
	if s.roots == nil {
		s.roots = map[int64]translog.Checkpoint{}
	}
	s.roots[size] = c
	return c, nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// diverge records, reports and logs that this node's root at cs.Size is
// mine where cs.MSPID cosigned another.
func (n *Node) diverge(ctx context.Context, org string, cs contract.Cosignature, mine string) error {
	s := n.tlog
	d := contract.LogDivergence{Member: org, Origin: s.origin, Size: cs.Size, RootHash: mine, Other: cs.MSPID, OtherRootHash: cs.RootHash}
	s.diverged = &d
	n.logf("transparency log: at size %d this node computed root %s, but %s cosigned %s; refusing to cosign and reporting it to the association",
		cs.Size, mine, cs.MSPID, cs.RootHash)
	if _, _, err := submit(ctx, n, org, contract.TxReportLogDivergence,
		contract.ReportLogDivergenceRequest{Origin: s.origin, Size: cs.Size, RootHash: mine, Other: cs.MSPID}); err != nil {
		n.logf("transparency log: reporting the divergence: %v", err)
	}
	n.setBackgroundError(fmt.Sprintf("transparency log diverged at size %d from %s's cosigned checkpoint: cosigning stopped", cs.Size, cs.MSPID))
	return ErrLogDiverged
}

// LogDivergence is the divergence the node found, nil while none.
func (n *Node) LogDivergence() *contract.LogDivergence {
	if n.tlog == nil {
		return nil
	}
	n.tlog.mu.Lock()
	defer n.tlog.mu.Unlock()
	return n.tlog.diverged
}

// cosignAs registers org's log key if needed and cosigns one size; it
// returns the largest size org has cosigned.
func (n *Node) cosignAs(ctx context.Context, org string, size int64, all []contract.Cosignature) (int64, error) {
	s := n.tlog
	k, err := s.logKey(org)
	if err != nil {
		return 0, err
	}
	keys, _, err := evaluate(n, org, contract.TxListLogKeys, contract.ListLogKeysRequest{MSPID: org})
	if err != nil {
		return 0, err
	}
	if !slices.ContainsFunc(keys, func(lk contract.LogKey) bool { return lk.Verifier == k.Verifier }) {
		if _, _, err := submit(ctx, n, org, contract.TxRegisterLogKey, contract.RegisterLogKeyRequest{MSPID: org, Verifier: k.Verifier}); err != nil {
			return 0, fmt.Errorf("registering the log key: %w", err)
		}
	}
	var last int64
	mine := map[int64]bool{}
	for _, cs := range all {
		if cs.MSPID == org && cs.Origin == s.origin {
			mine[cs.Size] = true
			last = max(last, cs.Size)
		}
	}
	target := int64(0)
	for _, cs := range all {
		if cs.Origin == s.origin && cs.MSPID != org && cs.Size > last && cs.Size <= size && !mine[cs.Size] {
			target = max(target, cs.Size)
		}
	}
	if target == 0 {
		if size <= last {
			return last, nil
		}
		target = size
	}
	cp, err := s.checkpointAt(target)
	if err != nil {
		return 0, err
	}
	signed, err := translog.SignCheckpoint(cp, k.Signer)
	if err != nil {
		return 0, err
	}
	_, sigs, err := translog.SplitNote(signed)
	if err != nil || len(sigs) != 1 {
		return 0, fmt.Errorf("signing the checkpoint: %v", err)
	}
	_, _, err = submit(ctx, n, org, contract.TxCosignCheckpoint, contract.CosignCheckpointRequest{MSPID: org, Origin: s.origin, Size: target,
		RootHash: b64(cp.Root[:]), HeadsSize: cp.Heads.Size, HeadsRoot: b64(cp.Heads.Root[:]), Signature: sigs[0].Base64})
	if err != nil {
		return 0, err
	}
	return max(last, target), nil
}

// QuorumCheckpoint is a checkpoint cosigned by a quorum.
type QuorumCheckpoint struct {
	Checkpoint translog.Checkpoint
	// Heads is the tree of the chain heads the checkpoint commits to.
	Heads *translog.HeadsTree
	// Note is the signed note with every cosignature of this root.
	Note []byte
	// Signers are the organisations that cosigned, sorted.
	Signers []string
	Quorum  int
	// Height is the ledger height the cosignatures were read at.
	Height uint64
}

// quorumCheckpoint assembles the largest checkpoint cosigned, with the
// root this node computed, by a quorum of organisations, reading the
// ledger as member.
func (n *Node) quorumCheckpoint(member string) (QuorumCheckpoint, error) {
	s := n.tlog
	if s == nil {
		return QuorumCheckpoint{}, ErrNoLog
	}
	size, _ := s.log.Head()
	q, _, err := evaluate(n, member, contract.TxCheckpointQuorum, contract.Empty{})
	if err != nil {
		return QuorumCheckpoint{}, err
	}
	from := max(1, s.quorumAt.Load())
	all, height, err := evaluate(n, member, contract.TxListCosignatures, contract.ListCosignaturesRequest{MinSize: from, MaxSize: size})
	if err != nil {
		return QuorumCheckpoint{}, err
	}
	bySize := map[int64][]contract.Cosignature{}
	var sizes []int64
	for _, cs := range all {
		if cs.Origin != s.origin {
			continue
		}
		if _, ok := bySize[cs.Size]; !ok {
			sizes = append(sizes, cs.Size)
		}
		bySize[cs.Size] = append(bySize[cs.Size], cs)
	}
	slices.Sort(sizes)
	for i := len(sizes) - 1; i >= 0; i-- {
		sz := sizes[i]
		cp, heads, err := s.log.Checkpoint(s.origin, sz)
		if err != nil {
			return QuorumCheckpoint{}, err
		}
		text := cp.Text() + "\n"
		var signers []string
		for _, cs := range bySize[sz] {
			theirs, err := cs.Checkpoint()
			if err != nil || !theirs.Equal(cp) || !slices.Contains(q.Active, cs.MSPID) {
				continue
			}
			text += cs.Line()
			signers = append(signers, cs.MSPID)
		}
		slices.Sort(signers)
		signers = slices.Compact(signers)
		if len(signers) >= q.Quorum {
			if sz > s.quorumAt.Load() {
				s.quorumAt.Store(sz)
			}
			return QuorumCheckpoint{Checkpoint: cp, Heads: heads, Note: []byte(text), Signers: signers, Quorum: q.Quorum, Height: height}, nil
		}
	}
	return QuorumCheckpoint{}, ErrNoCheckpoint
}
