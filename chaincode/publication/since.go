package publication

import (
	"encoding/base64"
	"errors"
	"fmt"

	"github.com/assoc-ledger/blacklist/chaincode/evidence"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// An agency that kept the last checkpoint it saw (from an earlier
// publication, or the log's) checks that the publication's checkpoint
// extends it: the same log, not a fork shown only to this agency. The
// consistency proof is fetched with the file (blctl publication get
// --since-checkpoint) and kept in the preamble, so the check stays offline.

// StepSince is the report step of CheckSince.
const StepSince = "since"

// Since is a consistency proof from the agency's last checkpoint (of From
// leaves) to the checkpoint of the publication's log proof.
type Since struct {
	From  int64    `json:"from"`
	Proof []string `json:"proof"`
}

// CheckSince checks, against the trust root, that last (a signed
// checkpoint the agency saw) is signed by the quorum, that the
// publication's log checkpoint is too, and that the embedded consistency
// proof shows the second extends the first. It returns a description of
// what holds.
func CheckSince(p Preamble, last []byte, tr *evidence.TrustRoot) (string, error) {
	lo, err := translog.OpenCheckpoint(last, KnownKeys(tr))
	if err == nil {
		err = lo.Quorum(tr.Quorum)
	}
	if err != nil {
		return "", fmt.Errorf("the last checkpoint: %v", err)
	}
	lc := lo.Checkpoint
	if lc.Origin != tr.Origin {
		return "", fmt.Errorf("the last checkpoint is of %q, the trust root is for %q", lc.Origin, tr.Origin)
	}
	if p.Log == nil {
		return "", errors.New("the file has no checkpoint of the log (the node had none cosigned covering this publication when it was fetched)")
	}
	po, err := translog.OpenCheckpoint([]byte(p.Log.Checkpoint), KnownKeys(tr))
	if err == nil {
		err = po.Quorum(tr.Quorum)
	}
	if err != nil {
		return "", fmt.Errorf("the publication's checkpoint: %v", err)
	}
	pc := po.Checkpoint
	switch {
	case lc.Size > pc.Size:
		return "", fmt.Errorf("the last checkpoint (size %d) is newer than the publication's (size %d): fetch a later publication, or keep the older checkpoint", lc.Size, pc.Size)
	case lc.Size == pc.Size:
		if lc.Root != pc.Root {
			return "", fmt.Errorf("fork: size %d has root %s in the last checkpoint and %s in the publication's", lc.Size, b64(lc.Root[:]), b64(pc.Root[:]))
		}
		return fmt.Sprintf("the publication's checkpoint is the last one (size %d)", pc.Size), nil
	}
	if p.Since == nil {
		return "", errors.New("the file carries no consistency proof (fetch it with blctl publication get --since-checkpoint)")
	}
	if p.Since.From != lc.Size {
		return "", fmt.Errorf("the file's consistency proof is from size %d, the last checkpoint has size %d", p.Since.From, lc.Size)
	}
	proof := make([]translog.Hash, len(p.Since.Proof))
	for i, s := range p.Since.Proof {
		h, err := decodeHash(s)
		if err != nil {
			return "", fmt.Errorf("consistency proof: %v", err)
		}
		proof[i] = translog.Hash(h)
	}
	if err := translog.VerifyConsistency(proof, lc.Size, lc.Root, pc.Size, pc.Root); err != nil {
		return "", fmt.Errorf("fork: the last checkpoint (size %d, root %s) is not a prefix of the publication's (size %d, root %s): %v", lc.Size, b64(lc.Root[:]), pc.Size, b64(pc.Root[:]), err)
	}
	return fmt.Sprintf("size %d extends the last checkpoint of size %d", pc.Size, lc.Size), nil
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
