package publication

import (
	"errors"
	"fmt"
	"sort"
	"strings"

	"golang.org/x/mod/sumdb/note"

	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// Sign signs the header's note with each signer key (note signer form,
// an organisation's log key).
func Sign(h Header, signerKeys ...string) ([]byte, error) {
	if err := h.Check(); err != nil {
		return nil, err
	}
	if len(signerKeys) == 0 {
		return nil, errors.New("publication: no signer")
	}
	signers := make([]note.Signer, 0, len(signerKeys))
	for _, k := range signerKeys {
		s, err := note.NewSigner(k)
		if err != nil {
			return nil, fmt.Errorf("log key: %v", err)
		}
		signers = append(signers, s)
	}
	return note.Sign(&note.Note{Text: h.NoteText()}, signers...)
}

// Merge combines notes signing the same header (the association's and
// the members' cosignatures) into one.
func Merge(notes ...[]byte) ([]byte, error) { return translog.MergeSignatures(notes...) }

// Opened is a publication note whose signatures were checked.
type Opened struct {
	Header Header
	// Orgs are the distinct organisations with a valid signature, sorted.
	Orgs []string
	// Unknown counts signature lines by keys not among the known keys.
	Unknown int
}

// Open checks a signed publication note against known organisation log
// keys: every line by a known key must verify, at least one must, and the
// body must be a canonical header.
func Open(msg []byte, known []translog.OrgKey) (*Opened, error) {
	verifiers := make([]note.Verifier, 0, len(known))
	orgOf := map[string]string{}
	for _, k := range known {
		v, err := note.NewVerifier(k.Verifier)
		if err != nil {
			return nil, fmt.Errorf("known log key of %s: %v", k.Org, err)
		}
		verifiers = append(verifiers, v)
		orgOf[translog.KeyID(v.Name(), v.KeyHash())] = k.Org
	}
	n, err := note.Open(msg, note.VerifierList(verifiers...))
	var invalid *note.InvalidSignatureError
	var unverified *note.UnverifiedNoteError
	switch {
	case errors.As(err, &invalid):
		return nil, fmt.Errorf("publication signature by %s's log key %s does not verify", orgOf[translog.KeyID(invalid.Name, invalid.Hash)], translog.KeyID(invalid.Name, invalid.Hash))
	case errors.As(err, &unverified):
		return nil, errors.New("publication is signed by no known log key")
	case err != nil:
		return nil, fmt.Errorf("signed publication: %v", err)
	}
	body, ok := strings.CutPrefix(n.Text, Format+"\n")
	if !ok || !strings.HasSuffix(body, "\n") || strings.Count(body, "\n") != 1 {
		return nil, errors.New("signed note is not a publication header")
	}
	h, err := DecodeHeader([]byte(strings.TrimSuffix(body, "\n")))
	if err != nil {
		return nil, err
	}
	o := &Opened{Header: h, Unknown: len(n.UnverifiedSigs)}
	seen := map[string]bool{}
	for _, s := range n.Sigs {
		if org := orgOf[translog.KeyID(s.Name, s.Hash)]; !seen[org] {
			seen[org] = true
			o.Orgs = append(o.Orgs, org)
		}
	}
	sort.Strings(o.Orgs)
	return o, nil
}

// SignedBy reports whether organisation org signed.
func (o *Opened) SignedBy(org string) bool {
	i := sort.SearchStrings(o.Orgs, org)
	return i < len(o.Orgs) && o.Orgs[i] == org
}
