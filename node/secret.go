package node

import (
	"cmp"
	"context"
	"crypto/ecdh"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/sealedsecret"
	"github.com/assoc-ledger/blacklist/internal/backoff"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/subjectkey"
)

// The consortium secret turns identity numbers into subject keys
// (package subjectkey). Every member's node must hold the same one, or a
// lookup by raw ID at one bank silently misses what another bank filed.
//
// Two ways to hold it:
//
//   - Local (embedded mode, the default): the node reads DATA/consortium.secret,
//     creating it on first start, as a single operator's node always did. If
//     the ledger's Init recorded a key-check value, a secret that does not
//     match it refuses to start.
//   - Consortium (fabric mode, SecretOptions.Consortium): the secret is the
//     association's. A node that holds one (the association's, given by
//     file, or a member's unsealed earlier) must match the key-check value
//     recorded at Init, or it refuses to start. A member's node without one
//     generates an encryption key (DATA/node-encryption.key), registers it on
//     the ledger, and opens the copy the association sealed to it, following
//     the ledger until it appears; until then subject-key derivation answers
//     ErrSecretUnavailable. The association's node seals the secret to every
//     active member whose registered node key has no sealed copy yet.
//
// The secret is never logged and never sent anywhere but sealed.

// SecretFile and NodeKeyFile are the file names in the data directory.
const (
	SecretFile  = "consortium.secret"
	NodeKeyFile = "node-encryption.key"
)

// SecretOptions says where the node's consortium secret comes from.
type SecretOptions struct {
	// Consortium: the node is one organisation's in a network (fabric
	// mode); see above. Member is the MSP ID it acts for.
	Consortium bool
	Member     string
	// File is the secret's file (hex); empty: DATA/consortium.secret. Given
	// a file, the file must exist: the association's node is given the
	// secret it created (blacklistd secret new).
	File string
	// CheckTimeout bounds how long the start waits to learn the ledger's
	// key-check value from the peer when the replica does not know it yet
	// (default 30s); after that the node starts and checks in the
	// background.
	CheckTimeout time.Duration
	// Poll is how often the node looks at the ledger again when nothing
	// new has committed (default 5s).
	Poll time.Duration
}

// ErrSecretUnavailable is returned by subject-key derivation while the node
// has no usable consortium secret; the error's text says why.
var ErrSecretUnavailable = errors.New("the consortium secret is not available on this node")

// ErrSecretMismatch means the node's secret is not the one whose key-check
// value the ledger recorded at Init: the node refuses to start.
var ErrSecretMismatch = errors.New("the consortium secret does not match the key-check value recorded on the ledger")

// secretState is the node's secret, swapped in once it is known.
type secretState struct {
	opts    SecretOptions
	dir     string
	l       ledger.Ledger
	logf    func(string, ...any)
	deriver atomic.Pointer[subjectkey.Deriver]

	mu       sync.Mutex
	secret   []byte // held, possibly not yet verified
	verified bool
	keyCheck string // of secret, once verified
	reason   string // why derivation is unavailable
	fatal    bool   // the secret contradicts the ledger: never usable
	idle     bool   // a member's node that holds the verified secret: nothing left to do
	ready    chan struct{}

	stop context.CancelFunc
	done chan struct{}
}

// SecretState is what /readyz says about the secret.
type SecretState struct {
	Available bool
	// KeyCheck identifies the secret held (safe to show).
	KeyCheck string
	// Reason says why derivation is unavailable.
	Reason string
}

// SecretState reports whether the node can derive subject keys.
func (n *Node) SecretState() SecretState {
	s := n.secret
	s.mu.Lock()
	defer s.mu.Unlock()
	return SecretState{Available: s.deriver.Load() != nil, KeyCheck: s.keyCheck, Reason: s.reason}
}

// SecretReady is closed once the node can derive subject keys.
func (n *Node) SecretReady() <-chan struct{} { return n.secret.ready }

// SubjectKeyCheck is the key-check value of the node's secret, empty while
// it has none.
func (n *Node) SubjectKeyCheck() string { return n.SecretState().KeyCheck }

// SubjectKey validates an identity number and derives its subject key.
func (n *Node) SubjectKey(idType, number string) (string, error) {
	d := n.secret.deriver.Load()
	if d == nil {
		return "", n.secret.unavailable()
	}
	return d.Derive(idType, number)
}

func (s *secretState) unavailable() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return fmt.Errorf("%w: %s", ErrSecretUnavailable, s.reason)
}

func (s *secretState) setReason(r string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r != s.reason && s.logf != nil {
		s.logf("consortium secret: %s", r)
	}
	s.reason = r
}

// use makes secret the node's, verified against the ledger (or, in local
// mode, the ledger's own if it recorded one).
func (s *secretState) use(secret []byte) error {
	d, err := subjectkey.NewDeriver(secret)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.secret, s.verified, s.keyCheck, s.reason = secret, true, sealedsecret.KeyCheck(secret), ""
	if s.deriver.Swap(d) == nil {
		close(s.ready)
	}
	return nil
}

// openSecret loads the node's secret and, where the ledger can already
// tell, checks it; it returns ErrSecretMismatch for a secret the ledger
// contradicts. Without a ledger (client administration) it holds none.
func openSecret(dir string, l ledger.Ledger, opts SecretOptions, logf func(string, ...any)) (*secretState, error) {
	if opts.CheckTimeout == 0 {
		opts.CheckTimeout = 30 * time.Second
	}
	if opts.Poll == 0 {
		opts.Poll = 5 * time.Second
	}
	s := &secretState{opts: opts, dir: dir, l: l, logf: logf, ready: make(chan struct{}), done: make(chan struct{}),
		stop: func() {}, reason: "no ledger: this node only administers clients"}
	close(s.done)
	if l == nil {
		return s, nil
	}
	if opts.Consortium && opts.Member == "" {
		return nil, errors.New("a node in a consortium needs the MSP ID it acts for")
	}
	file := opts.File
	local, err := readSecret(cmp.Or(file, filepath.Join(dir, SecretFile)), file != "")
	if err != nil {
		return nil, err
	}
	if !opts.Consortium && local == nil {
		if local, err = sealedsecret.NewSecret(); err != nil {
			return nil, err
		}
		if err := writeSecret(filepath.Join(dir, SecretFile), local); err != nil {
			return nil, err
		}
	}
	var st contract.SecretStatus
	known := false
	if local != nil {
		ctx, cancel := context.WithTimeout(context.Background(), opts.CheckTimeout)
		st, known, err = ledgerSecretStatus(ctx, l, opts.Consortium)
		cancel()
		if err != nil {
			logf("consortium secret: cannot read the ledger's key-check value yet (%v); checking in the background", err)
		}
	}
	if local != nil && known && st.KeyCheck != "" && st.KeyCheck != sealedsecret.KeyCheck(local) {
		hint := "give the node the secret the ledger was initialised with"
		if opts.Consortium && file == "" {
			hint = "a member's node: remove " + filepath.Join(dir, SecretFile) + " and it fetches the consortium's secret sealed to its node key"
		}
		return nil, fmt.Errorf("%w: this node's secret %s has key-check value %s, the ledger's Init recorded %s; %s",
			ErrSecretMismatch, cmp.Or(file, filepath.Join(dir, SecretFile)), sealedsecret.KeyCheck(local), st.KeyCheck, hint)
	}
	switch {
	case !opts.Consortium:
		// A single operator's node: its secret is the ledger's by
		// definition unless Init said otherwise (checked above).
		return s, s.use(local)
	case local != nil && known && st.KeyCheck != "":
		return s, s.use(local)
	case local != nil:
		s.secret = local
		s.reason = "waiting to check this node's secret against the key-check value recorded at the ledger's Init"
	default:
		s.reason = "waiting for the consortium secret sealed to this node's key on the ledger"
	}
	return s, nil
}

// start follows the ledger in the background (consortium mode only):
// fetching, registering and checking as above, and sealing when the node
// is the association's.
func (s *secretState) start() {
	if !s.opts.Consortium || s.l == nil {
		return
	}
	ctx, stop := context.WithCancel(context.Background())
	s.stop, s.done = stop, make(chan struct{})
	go func() {
		defer close(s.done)
		var lastErr string
		for ctx.Err() == nil && !s.isIdle() {
			h := s.l.Height()
			if err := s.step(ctx); err != nil && ctx.Err() == nil && err.Error() != lastErr {
				lastErr = err.Error()
				s.logf("consortium secret: %v", err)
			}
			waitProgress(ctx, s.l, h+1, s.opts.Poll)
		}
	}()
}

func (s *secretState) isIdle() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.idle
}

func (s *secretState) close() {
	s.stop()
	<-s.done
}

// waitProgress waits until the ledger reaches height h, for at most poll.
func waitProgress(ctx context.Context, l ledger.Ledger, h uint64, poll time.Duration) {
	ctx, cancel := context.WithTimeout(ctx, poll)
	defer cancel()
	if w, ok := l.(interface {
		WaitForHeight(context.Context, uint64) error
	}); ok {
		_ = w.WaitForHeight(ctx, h)
		return
	}
	<-ctx.Done()
}

// step does whatever the ledger's current state calls for.
func (s *secretState) step(ctx context.Context) error {
	st, _, err := evaluateOn(s.l, s.opts.Member, contract.TxSecretStatus, contract.SecretStatusRequest{})
	if err != nil {
		var ce *contract.Error
		if errors.As(err, &ce) && ce.Code == contract.CodeFailedPrecondition {
			s.setReason("the ledger is not initialised yet")
			return nil
		}
		return err
	}
	if st.KeyCheck == "" {
		s.setReason("the ledger's Init recorded no subjectKeyCheck, so no node can tell the consortium's secret from another; " +
			"subject keys are not derived (re-create the ledger with scripts/network.sh, which records it)")
		return nil
	}
	s.mu.Lock()
	secret, verified, fatal := s.secret, s.verified, s.fatal
	s.mu.Unlock()
	switch {
	case fatal:
		return nil
	case secret != nil && !verified:
		if sealedsecret.KeyCheck(secret) != st.KeyCheck {
			s.mu.Lock()
			s.fatal = true
			s.mu.Unlock()
			s.setReason(fmt.Sprintf("%v: this node's secret has key-check value %s, the ledger's %s; restart it with the right secret",
				ErrSecretMismatch, sealedsecret.KeyCheck(secret), st.KeyCheck))
			return nil
		}
		return s.use(secret)
	case secret != nil:
		if st.Association == s.opts.Member {
			return s.sealAll(ctx, st, secret)
		}
		s.mu.Lock()
		s.idle = true
		s.mu.Unlock()
		return nil
	}
	return s.fetch(ctx, st)
}

// fetch registers the node's key if the ledger does not have it and opens
// the copy sealed to it once there is one.
func (s *secretState) fetch(ctx context.Context, st contract.SecretStatus) error {
	var me *contract.MemberSecret
	for i := range st.Members {
		if st.Members[i].MSPID == s.opts.Member {
			me = &st.Members[i]
		}
	}
	if me == nil {
		s.setReason(s.opts.Member + " is not a member on the ledger yet: the association admits it, then seals the secret to its node key")
		return nil
	}
	if me.Status != contract.StatusActive {
		s.setReason(fmt.Sprintf("%s is %s: the association seals the secret to active members only", me.MSPID, me.Status))
		return nil
	}
	key, err := loadOrCreateNodeKey(filepath.Join(s.dir, NodeKeyFile))
	if err != nil {
		return err
	}
	thumb := sealedsecret.Thumbprint(key.PublicKey())
	if me.NodeKey == nil || me.NodeKey.Thumbprint != thumb {
		pub, err := sealedsecret.MarshalPublicKeyPEM(key.PublicKey())
		if err != nil {
			return err
		}
		req := contract.RegisterNodeKeyRequest{MSPID: s.opts.Member, PublicKey: pub}
		if _, _, err := submitOn(ctx, s.l, s.opts.Member, contract.TxRegisterNodeKey, req); err != nil {
			s.setReason("registering this node's encryption key " + thumb + " on the ledger failed; retrying")
			return fmt.Errorf("register node key: %w", err)
		}
		s.setReason("registered this node's encryption key " + thumb + "; waiting for the association to seal the secret to it")
		return nil
	}
	if me.Sealed == nil || me.Sealed.Thumbprint != thumb {
		if st.Association == s.opts.Member {
			// Only a node holding the secret seals; the association's
			// first node must be given it.
			s.setReason("this is the association's node and holds no secret: give it the secret file whose key-check value Init recorded (blacklistd --consortium-secret), or let another association node holding it seal to this node's key " + thumb)
			return nil
		}
		s.setReason("waiting for the association to seal the secret to this node's encryption key " + thumb)
		return nil
	}
	secret, err := sealedsecret.Open(me.Sealed.Envelope, key, s.opts.Member, st.KeyCheck)
	if err != nil {
		s.setReason("the copy sealed to this node (transaction " + me.Sealed.TxID + ") does not open; waiting for the association to seal it again")
		return err
	}
	if err := writeSecret(filepath.Join(s.dir, SecretFile), secret); err != nil {
		return err
	}
	if err := s.use(secret); err != nil {
		return err
	}
	s.logf("consortium secret: opened the copy sealed to this node (key-check value %s)", st.KeyCheck)
	return nil
}

// sealAll seals the secret to every active member whose registered node
// key has no current sealed copy.
func (s *secretState) sealAll(ctx context.Context, st contract.SecretStatus, secret []byte) error {
	var errs []error
	for _, m := range st.Members {
		if m.Status != contract.StatusActive || m.NodeKey == nil || m.Current {
			continue
		}
		pub, err := sealedsecret.ParsePublicKey(m.NodeKey.PublicKey)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s's node key: %w", m.MSPID, err))
			continue
		}
		env, err := sealedsecret.Seal(secret, pub, m.MSPID, st.KeyCheck)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		req := contract.SealSecretRequest{MSPID: m.MSPID, Thumbprint: m.NodeKey.Thumbprint, KeyCheck: st.KeyCheck, Envelope: env}
		if _, _, err := submitOn(ctx, s.l, s.opts.Member, contract.TxSealSecret, req); err != nil {
			errs = append(errs, fmt.Errorf("seal to %s: %w", m.MSPID, err))
			continue
		}
		s.logf("consortium secret: sealed to %s's node key %s", m.MSPID, m.NodeKey.Thumbprint)
	}
	return errors.Join(errs...)
}

// ledgerSecretStatus reads the secret's state from the ledger: from the
// node's own view first (embedded ledger or replica), then, in a
// consortium, from the peer while the replica has not yet seen Init. known
// is false while the ledger is not initialised or cannot be asked.
func ledgerSecretStatus(ctx context.Context, l ledger.Ledger, askPeer bool) (contract.SecretStatus, bool, error) {
	st, _, err := evaluateOn(l, "", contract.TxSecretStatus, contract.SecretStatusRequest{})
	if err == nil {
		return st, true, nil
	}
	_, ok := l.(ledger.PeerEvaluator)
	if !askPeer || !ok {
		return st, false, nil
	}
	bo := backoff.New(200*time.Millisecond, 3*time.Second)
	for {
		st, _, err = evaluatePeer(ctx, l, contract.TxSecretStatus, contract.SecretStatusRequest{})
		var ce *contract.Error
		switch {
		case err == nil:
			return st, true, nil
		case errors.As(err, &ce) && ce.Code == contract.CodeFailedPrecondition:
			return st, false, nil // not initialised
		}
		if backoff.Sleep(ctx, bo.Next()) != nil {
			return st, false, err
		}
	}
}

// readSecret reads a hex secret; a missing file is no secret, unless the
// file was named explicitly.
func readSecret(path string, mustExist bool) ([]byte, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) && !mustExist {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("consortium secret: %w", err)
	}
	s, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil {
		return nil, fmt.Errorf("consortium secret %s: not hex", path)
	}
	if len(s) < sealedsecret.SecretSize {
		return nil, fmt.Errorf("consortium secret %s: %d bytes, at least %d needed", path, len(s), sealedsecret.SecretSize)
	}
	return s, nil
}

// WriteSecret writes a secret as hex, readable by the owner only, without
// ever replacing an existing file with a half-written one.
func writeSecret(path string, secret []byte) error {
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(hex.EncodeToString(secret)+"\n"), 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// NewSecretFile creates a new consortium secret in path (which must not
// exist), readable by the owner only, and returns its key-check value.
func NewSecretFile(path string) (string, error) {
	secret, err := sealedsecret.NewSecret()
	if err != nil {
		return "", err
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return "", err
	}
	if _, err := f.WriteString(hex.EncodeToString(secret) + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return "", err
	}
	if err := f.Close(); err != nil {
		return "", err
	}
	return sealedsecret.KeyCheck(secret), nil
}

// SecretFileKeyCheck reads a secret file and returns its key-check value.
func SecretFileKeyCheck(path string) (string, error) {
	s, err := readSecret(path, true)
	if err != nil {
		return "", err
	}
	return sealedsecret.KeyCheck(s), nil
}

// loadOrCreateNodeKey reads the node's encryption key, generating it on
// first use.
func loadOrCreateNodeKey(path string) (*ecdh.PrivateKey, error) {
	b, err := os.ReadFile(path)
	if err == nil {
		return sealedsecret.ParsePrivateKeyPEM(b)
	}
	if !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	k, err := sealedsecret.GenerateKey()
	if err != nil {
		return nil, err
	}
	pemKey, err := sealedsecret.MarshalPrivateKeyPEM(k)
	if err != nil {
		return nil, err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, pemKey, 0o600); err != nil {
		return nil, err
	}
	return k, os.Rename(tmp, path)
}
