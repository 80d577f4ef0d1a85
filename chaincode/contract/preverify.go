package contract

import (
	"crypto/sha256"
	"runtime"
	"sync"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// Preverified holds attestations that were parsed and whose signatures were
// checked before their transaction ran, so that a runtime executing
// transactions one at a time (the embedded ledger) can spread that work over
// every core.
//
// It records facts only: "this exact JWS parses to this, and its signature
// verifies under this exact public key". The transaction still looks up the
// creator's keys, refuses revoked ones and applies every rule; it only skips
// the parsing and the ECDSA arithmetic when the key it finds is the one the
// signature was checked with. Entries are taken once.
type Preverified struct {
	mu      sync.Mutex
	entries map[[32]byte]preverified
}

type preverified struct {
	parsed *attestation.Parsed
	keyPEM string
}

// maxPreverified bounds memory when prechecked transactions never run
// (their callers gave up); dropping entries only costs a re-verification.
const maxPreverified = 200_000

func (pv *Preverified) put(jws string, e preverified) {
	pv.mu.Lock()
	defer pv.mu.Unlock()
	if pv.entries == nil || len(pv.entries) >= maxPreverified {
		pv.entries = map[[32]byte]preverified{}
	}
	pv.entries[sha256.Sum256([]byte(jws))] = e
}

func (pv *Preverified) take(jws string) (preverified, bool) {
	if pv == nil {
		return preverified{}, false
	}
	h := sha256.Sum256([]byte(jws))
	pv.mu.Lock()
	defer pv.mu.Unlock()
	e, ok := pv.entries[h]
	delete(pv.entries, h)
	return e, ok
}

// Precheck parses and verifies the attestations of a SubmitAttestations
// request as creator would submit it, against the keys st shows now, and
// remembers the ones that verify in c.Preverified. It writes nothing and
// refuses nothing: whatever it cannot check is left to the transaction.
func (c *Contract) Precheck(st state.State, creator, fn string, arg []byte) {
	if c.Preverified == nil || fn != "SubmitAttestations" {
		return
	}
	var req SubmitRequest
	if decode(arg, &req) != nil {
		return
	}
	var m Member
	if ok, err := getJSON(st, memberKey(creator), &m); err != nil || !ok {
		return
	}
	// Large batches are split over the cores; the committer is busy with
	// earlier transactions meanwhile.
	workers := min(runtime.GOMAXPROCS(0), (len(req.Attestations)+15)/16)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := w; i < len(req.Attestations); i += workers {
				c.precheckOne(&m, creator, req.Attestations[i])
			}
		}(w)
	}
	wg.Wait()
}

func (c *Contract) precheckOne(m *Member, creator, jws string) {
	p, err := attestation.Parse(jws)
	if err != nil || p.Payload.Reporter != creator {
		return
	}
	for _, k := range m.Keys {
		if k.KID != p.KeyID || k.Status != KeyActive {
			continue
		}
		if pub, err := c.publicKey(k.PublicKey); err == nil && p.Verify(pub) == nil {
			c.Preverified.put(jws, preverified{parsed: p, keyPEM: k.PublicKey})
		}
	}
}
