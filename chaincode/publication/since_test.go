package publication_test

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/translog"
)

// sinceFixture: a log of 10 leaves, checkpoints at 4 and 10 signed by the
// quorum, and the consistency proof from 4 to 10.
func sinceFixture(t *testing.T, c *consortium) (tree *translog.Tree, last, pub []byte, proof []string) {
	t.Helper()
	tree = translog.NewTree()
	for i := 0; i < 10; i++ {
		if _, _, err := tree.Append(translog.LeafHash([]byte(fmt.Sprint("leaf ", i)))); err != nil {
			t.Fatal(err)
		}
	}
	last = c.checkpoint(t, tree, 4, "AssocMSP", "Bank1MSP")
	pub = c.checkpoint(t, tree, 10, "AssocMSP", "Bank1MSP")
	p, err := tree.ConsistencyProof(4, 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range p {
		proof = append(proof, base64.StdEncoding.EncodeToString(h[:]))
	}
	return tree, last, pub, proof
}

func (c *consortium) checkpoint(t *testing.T, tree *translog.Tree, size int64, orgs ...string) []byte {
	t.Helper()
	root, err := tree.Root(size)
	if err != nil {
		t.Fatal(err)
	}
	return c.signCheckpoint(t, translog.Checkpoint{Origin: c.tr.Origin, Size: size, Root: root}, orgs...)
}

func (c *consortium) signCheckpoint(t *testing.T, cp translog.Checkpoint, orgs ...string) []byte {
	t.Helper()
	var keys []string
	for _, o := range orgs {
		keys = append(keys, c.keys[o].Signer)
	}
	b, err := translog.SignCheckpoint(cp, keys...)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCheckSinceRefusals(t *testing.T) {
	c := newConsortium(t, 2)
	_, last, pubCP, proof := sinceFixture(t, c)
	pre := func(cp []byte, since *publication.Since) publication.Preamble {
		return publication.Preamble{Log: &publication.LogProof{Checkpoint: string(cp)}, Since: since}
	}
	good := &publication.Since{From: 4, Proof: proof}

	// A forged "last" checkpoint: size 4 with another root, signed by the
	// quorum (as a consortium showing one agency a fork would).
	forged := c.signCheckpoint(t, translog.Checkpoint{Origin: c.tr.Origin, Size: 4, Root: translog.Hash(sha256.Sum256([]byte("other")))}, "AssocMSP", "Bank1MSP")
	forgedSame := c.signCheckpoint(t, translog.Checkpoint{Origin: c.tr.Origin, Size: 10, Root: translog.Hash(sha256.Sum256([]byte("other")))}, "AssocMSP", "Bank1MSP")
	oneOrg := c.checkpoint(t, translog.NewTree(), 0, "AssocMSP")
	badProof := &publication.Since{From: 4, Proof: append([]string{base64.StdEncoding.EncodeToString(make([]byte, 32))}, proof[1:]...)}
	for _, tc := range []struct {
		name string
		p    publication.Preamble
		last []byte
		want string
	}{
		{"forged last, different root", pre(pubCP, good), forged, "fork: the last checkpoint (size 4"},
		{"forged last at the same size", pre(pubCP, good), forgedSame, "fork: size 10 has root"},
		{"last below the quorum", pre(pubCP, good), oneOrg, "the last checkpoint: "},
		{"last not a checkpoint", pre(pubCP, good), []byte("hello\n"), "the last checkpoint: "},
		{"no log proof", publication.Preamble{Since: good}, last, "no checkpoint of the log"},
		{"no proof embedded", pre(pubCP, nil), last, "carries no consistency proof"},
		{"proof from another size", pre(pubCP, &publication.Since{From: 3, Proof: proof}), last, "is from size 3, the last checkpoint has size 4"},
		{"altered proof", pre(pubCP, badProof), last, "fork: the last checkpoint (size 4"},
		{"last newer", pre(last, good), pubCP, "is newer than the publication's"},
		{"publication checkpoint forged", pre(pubCP[:len(pubCP)-8], good), last, "the publication's checkpoint: "},
	} {
		if d, err := publication.CheckSince(tc.p, tc.last, c.tr); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %q, %v; want an error containing %q", tc.name, d, err, tc.want)
		}
	}
	if d, err := publication.CheckSince(pre(pubCP, good), last, c.tr); err != nil || !strings.Contains(d, "size 10 extends the last checkpoint of size 4") {
		t.Fatalf("consistent: %q, %v", d, err)
	}
	if d, err := publication.CheckSince(pre(pubCP, nil), pubCP, c.tr); err != nil || !strings.Contains(d, "is the last one") {
		t.Fatalf("same checkpoint: %q, %v", d, err)
	}
}
