package translog

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
)

// OriginPrefix starts every origin line of the association's logs.
const OriginPrefix = "blacklist.assoc/"

// Origin is the origin line of the log of one ledger: the Fabric channel's
// name, or the embedded ledger's name.
func Origin(ledger string) string { return OriginPrefix + ledger }

// HeadsLinePrefix starts the checkpoint's one extension line, its chain
// heads commitment: "heads <number of chains> <base64 root>".
const HeadsLinePrefix = "heads "

// Checkpoint is a C2SP tlog-checkpoint body: the log's origin, its size and
// its root hash, and as the one extension line the root of the tree of its
// chain heads (see HeadsTree), which makes a bundle's completeness provable.
type Checkpoint struct {
	Origin string
	Size   int64
	Root   Hash
	// Heads is the chain heads commitment; nil in a checkpoint without one.
	Heads *Commitment
}

// Text is the checkpoint's note body: "<origin>\n<size>\n<base64 root>\n"
// followed, when Heads is set, by "heads <size> <base64 root>\n".
func (c Checkpoint) Text() string {
	s := c.Origin + "\n" + strconv.FormatInt(c.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(c.Root[:]) + "\n"
	if c.Heads != nil {
		s += HeadsLinePrefix + strconv.FormatInt(c.Heads.Size, 10) + " " + base64.StdEncoding.EncodeToString(c.Heads.Root[:]) + "\n"
	}
	return s
}

// Equal reports whether two checkpoints say the same.
func (c Checkpoint) Equal(o Checkpoint) bool { return c.Text() == o.Text() }

// ParseCheckpoint parses a checkpoint body. The only extension line allowed
// is the heads line; any other is refused, since this log writes none and
// one would be an addition by someone else.
func ParseCheckpoint(text string) (Checkpoint, error) {
	if !strings.HasSuffix(text, "\n") {
		return Checkpoint{}, errors.New("checkpoint: does not end with a newline")
	}
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	if len(lines) != 3 && len(lines) != 4 {
		return Checkpoint{}, fmt.Errorf("checkpoint: %d lines, want origin, size, root hash and the heads line", len(lines))
	}
	if lines[0] == "" {
		return Checkpoint{}, errors.New("checkpoint: empty origin")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return Checkpoint{}, fmt.Errorf("checkpoint: size %q is not a decimal number", lines[1])
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != len(Hash{}) {
		return Checkpoint{}, fmt.Errorf("checkpoint: root hash %q is not 32 bytes of base64", lines[2])
	}
	c := Checkpoint{Origin: lines[0], Size: size}
	copy(c.Root[:], root)
	if len(lines) == 4 {
		f := strings.Split(lines[3], " ")
		if len(f) != 3 || f[0]+" " != HeadsLinePrefix {
			return Checkpoint{}, fmt.Errorf("checkpoint: extension line %q is not a heads line", lines[3])
		}
		n, err := strconv.ParseInt(f[1], 10, 64)
		if err != nil || n < 0 {
			return Checkpoint{}, fmt.Errorf("checkpoint: heads size %q is not a decimal number", f[1])
		}
		hr, err := base64.StdEncoding.DecodeString(f[2])
		if err != nil || len(hr) != len(Hash{}) {
			return Checkpoint{}, fmt.Errorf("checkpoint: heads root %q is not 32 bytes of base64", f[2])
		}
		c.Heads = &Commitment{Size: n}
		copy(c.Heads.Root[:], hr)
	}
	if c.Text() != text {
		return Checkpoint{}, errors.New("checkpoint: not in canonical form")
	}
	return c, nil
}

// LogKey is an organisation's Ed25519 log key in note key form. Signer is
// secret ("PRIVATE+KEY+<org>+<hash>+<key>"); Verifier is what the ledger
// registers and a trust root lists ("<org>+<hash>+<key>").
type LogKey struct {
	Org      string
	Signer   string
	Verifier string
}

// GenerateLogKey makes a new Ed25519 log key for organisation org (its MSP
// ID), which names the key in every signature line.
func GenerateLogKey(org string) (LogKey, error) {
	if org == "" || strings.ContainsAny(org, "+ \n") {
		return LogKey{}, fmt.Errorf("log key: organisation %q cannot name a key (no spaces or '+')", org)
	}
	skey, vkey, err := note.GenerateKey(rand.Reader, org)
	if err != nil {
		return LogKey{}, err
	}
	return LogKey{Org: org, Signer: skey, Verifier: vkey}, nil
}

// CheckVerifierKey checks that vkey is an Ed25519 note verifier key named
// org, as a log-key registration must be.
func CheckVerifierKey(org, vkey string) error {
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("log key: not a note verifier key: %v", err)
	}
	if v.Name() != org {
		return fmt.Errorf("log key: named %q, not %q", v.Name(), org)
	}
	return nil
}

// SignCheckpoint signs c with each signer key and returns the signed note.
func SignCheckpoint(c Checkpoint, signerKeys ...string) ([]byte, error) {
	if _, err := ParseCheckpoint(c.Text()); err != nil {
		return nil, err
	}
	signers := make([]note.Signer, 0, len(signerKeys))
	for _, k := range signerKeys {
		s, err := note.NewSigner(k)
		if err != nil {
			return nil, fmt.Errorf("log key: %v", err)
		}
		signers = append(signers, s)
	}
	if len(signers) == 0 {
		return nil, errors.New("checkpoint: no signer")
	}
	return note.Sign(&note.Note{Text: c.Text()}, signers...)
}

// Signature is one signature line of a note.
type Signature struct {
	KeyName string `json:"keyName"`
	KeyHash uint32 `json:"keyHash"`
	Base64  string `json:"signature"`
}

// SplitNote parses a signed note without checking any signature: its body
// and its signature lines in order.
func SplitNote(msg []byte) (string, []Signature, error) {
	_, err := note.Open(msg, note.VerifierList())
	var unverified *note.UnverifiedNoteError
	if !errors.As(err, &unverified) {
		return "", nil, fmt.Errorf("signed note: %v", err)
	}
	n := unverified.Note
	sigs := make([]Signature, len(n.UnverifiedSigs))
	for i, s := range n.UnverifiedSigs {
		sigs[i] = Signature{KeyName: s.Name, KeyHash: s.Hash, Base64: s.Base64}
	}
	return n.Text, sigs, nil
}

// MergeSignatures combines signed notes of one body into one note carrying
// every distinct signature line, in the order first seen: how a node
// assembles a checkpoint cosigned by several organisations from the
// signatures each committed. No signature is checked here.
func MergeSignatures(notes ...[]byte) ([]byte, error) {
	if len(notes) == 0 {
		return nil, errors.New("merge: no note")
	}
	var body string
	var all []note.Signature
	seen := map[string]bool{}
	for i, msg := range notes {
		text, sigs, err := SplitNote(msg)
		if err != nil {
			return nil, fmt.Errorf("merge: note %d: %v", i, err)
		}
		if i == 0 {
			body = text
		} else if text != body {
			return nil, fmt.Errorf("merge: note %d signs a different checkpoint", i)
		}
		for _, s := range sigs {
			if id := s.KeyName + " " + s.Base64; !seen[id] {
				seen[id] = true
				all = append(all, note.Signature{Name: s.KeyName, Hash: s.KeyHash, Base64: s.Base64})
			}
		}
	}
	return note.Sign(&note.Note{Text: body, Sigs: all})
}

// OrgKey is a log key a verifier knows: the organisation and its verifier
// key.
type OrgKey struct {
	Org      string `json:"org"`
	Verifier string `json:"verifier"`
}

// Signer is a valid signature of a checkpoint by a known key.
type Signer struct {
	Org     string `json:"org"`
	KeyName string `json:"keyName"`
	KeyHash uint32 `json:"keyHash"`
}

// KeyID prints a key as note errors do: name+hash.
func KeyID(name string, hash uint32) string { return fmt.Sprintf("%s+%08x", name, hash) }

// OpenedCheckpoint is a checkpoint whose signatures were checked.
type OpenedCheckpoint struct {
	Checkpoint Checkpoint
	// Signers are the valid signatures by known keys, in note order.
	Signers []Signer
	// Orgs are the distinct organisations among Signers, sorted.
	Orgs []string
	// Unknown are signature lines by keys not among the known keys.
	Unknown []Signature
}

// InvalidSignatureError is a signature line by a known key that does not
// verify: the note was altered, or signed something else.
type InvalidSignatureError struct {
	Org     string
	KeyName string
	KeyHash uint32
}

func (e *InvalidSignatureError) Error() string {
	return fmt.Sprintf("checkpoint signature by %s's log key %s does not verify", e.Org, KeyID(e.KeyName, e.KeyHash))
}

// OpenCheckpoint checks a signed checkpoint's signature lines against known
// organisation keys. It fails if the note or the checkpoint is malformed, if
// any line by a known key does not verify (InvalidSignatureError), or if no
// known key signed; lines by unknown keys are reported in Unknown, for the
// caller to judge.
func OpenCheckpoint(msg []byte, known []OrgKey) (*OpenedCheckpoint, error) {
	verifiers := make([]note.Verifier, 0, len(known))
	orgOf := map[string]string{}
	for _, k := range known {
		v, err := note.NewVerifier(k.Verifier)
		if err != nil {
			return nil, fmt.Errorf("known log key of %s: %v", k.Org, err)
		}
		if v.Name() != k.Org {
			return nil, fmt.Errorf("known log key of %s is named %q", k.Org, v.Name())
		}
		verifiers = append(verifiers, v)
		orgOf[KeyID(v.Name(), v.KeyHash())] = k.Org
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	var invalid *note.InvalidSignatureError
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &invalid):
		return nil, &InvalidSignatureError{Org: orgOf[KeyID(invalid.Name, invalid.Hash)], KeyName: invalid.Name, KeyHash: invalid.Hash}
	case errors.As(err, &unverified):
		names := make([]string, len(unverified.Note.UnverifiedSigs))
		for i, s := range unverified.Note.UnverifiedSigs {
			names[i] = KeyID(s.Name, s.Hash)
		}
		return nil, fmt.Errorf("checkpoint is signed by no known log key (signed by: %s)", strings.Join(names, ", "))
	case err != nil:
		return nil, fmt.Errorf("signed checkpoint: %v", err)
	}
	c, err := ParseCheckpoint(n.Text)
	if err != nil {
		return nil, err
	}
	out := &OpenedCheckpoint{Checkpoint: c}
	orgs := map[string]bool{}
	for _, s := range n.Sigs {
		org := orgOf[KeyID(s.Name, s.Hash)]
		out.Signers = append(out.Signers, Signer{Org: org, KeyName: s.Name, KeyHash: s.Hash})
		orgs[org] = true
	}
	for o := range orgs {
		out.Orgs = append(out.Orgs, o)
	}
	sort.Strings(out.Orgs)
	for _, s := range n.UnverifiedSigs {
		out.Unknown = append(out.Unknown, Signature{KeyName: s.Name, KeyHash: s.Hash, Base64: s.Base64})
	}
	return out, nil
}

// SignedBy reports whether organisation org is among the signers.
func (o *OpenedCheckpoint) SignedBy(org string) bool {
	i := sort.SearchStrings(o.Orgs, org)
	return i < len(o.Orgs) && o.Orgs[i] == org
}

// Quorum fails unless at least q distinct organisations signed.
func (o *OpenedCheckpoint) Quorum(q int) error {
	if len(o.Orgs) < q {
		return fmt.Errorf("checkpoint is signed by %d organisation(s) (%s), the quorum is %d", len(o.Orgs), strings.Join(o.Orgs, ", "), q)
	}
	return nil
}
