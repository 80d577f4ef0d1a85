package node

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/pool"
)

// PurposeABS is the one purpose of pool statistics: due diligence on a
// pool of non-performing loans before securitisation.
const PurposeABS = "abs-due-diligence"

// ErrPoolPurpose is returned for pool statistics without PurposeABS.
var ErrPoolPurpose = fmt.Errorf("%w: pool statistics are read for %s only", ErrBadPurpose, PurposeABS)

// ErrNoSnapshot is returned by a backend that cannot give the node a
// snapshot of the world state.
var ErrNoSnapshot = errors.New("this ledger backend keeps no local world state to compute pool statistics on")

type poolState struct {
	once    sync.Once
	history *pool.History
	// Workers is how many goroutines compute one pool (0: one per CPU).
	workers int
}

func (n *Node) poolHistory() *pool.History {
	n.pools.once.Do(func() { n.pools.history = pool.NewHistory(n.db) })
	return n.pools.history
}

// PoolStatistics answers aggregate statistics of a pool of subjects for
// ABS due diligence: the pool is an NDJSON stream of subject keys or
// identity numbers (read as it comes; pool.Read), the answer aggregates
// only, every cell under the policy's minimum count suppressed
// (pool.Report). The analyst role, or the association's admins. A pool
// that differs from one of the member's recent pools in fewer than the
// minimum count of subjects is refused (*pool.OverlapError). Audited as
// one entry of kind "pool" with the pool's digest and size, whatever the
// outcome; identity numbers in the pool are derived, used and forgotten,
// not audited one by one (nothing about any one subject is answered).
func (n *Node) PoolStatistics(ctx context.Context, c *Client, purpose string, r io.Reader, progress func(lines int)) (*pool.Report, error) {
	e := AuditEntry{Client: c.Name, Member: c.Member, Kind: AuditPool, Purpose: PurposeABS, Outcome: OutcomeOK, Height: n.Height()}
	done := func(err error) error {
		if err != nil {
			e.Outcome = outcome(err)
			var oe *pool.OverlapError
			var le *pool.LineError
			if errors.As(err, &oe) || errors.As(err, &le) || errors.Is(err, pool.ErrTooMany) || errors.Is(err, pool.ErrEmpty) || errors.Is(err, pool.ErrNotNDJSON) {
				e.Outcome = OutcomeDenied
			}
		}
		if aerr := n.audit([]AuditEntry{e}); aerr != nil {
			return aerr
		}
		return err
	}
	if err := n.authorizePool(ctx, c); err != nil {
		return nil, done(err)
	}
	if purpose != PurposeABS {
		e.Purpose = ""
		return nil, done(ErrPoolPurpose)
	}
	snaps, ok := n.ledger.(ledger.Snapshotter)
	if !ok {
		return nil, done(ErrNoSnapshot)
	}
	var derive pool.Deriver
	if n.secret.deriver.Load() != nil {
		derive = n.SubjectKey
	}
	p, err := pool.Read(r, derive, progress)
	if err != nil {
		return nil, done(err)
	}
	e.Subject, e.PoolSize = p.Digest(), uint64(len(p.Keys))
	h := n.poolHistory()
	unlock := h.Lock(c.Member)
	defer unlock()
	var rep pool.Report
	err = snaps.View(func(snap ledger.Snapshot) error {
		st, release := snap.NewReader()
		pol, err := contract.ReadPolicy(st)
		release()
		if err != nil {
			return err
		}
		min := pol.MinCount()
		sk := p.Sketch()
		if err := h.Check(c.Member, sk, min, snap.Time); err != nil {
			return err
		}
		t, err := pool.Compute(ctx, snap, pol, p.Keys, c.Member, n.pools.workers)
		if err != nil {
			return err
		}
		rep = t.Report(min)
		rep.AsOf, rep.Time = snap.Height, contract.FormatTime(snap.Time)
		rep.PoolDigest, rep.Duplicates = e.Subject, p.Duplicates
		e.Height = snap.Height
		return h.Add(c.Member, c.Name, e.Subject, sk, snap.Time)
	})
	if err != nil {
		return nil, done(err)
	}
	return &rep, done(nil)
}

// authorizePool is Authorize for PoolStatistics, and an admin client must
// be the association's: the role table cannot say whose admin it is.
func (n *Node) authorizePool(ctx context.Context, c *Client) error {
	if err := n.Authorize(ctx, c, PoolStatistics); err != nil {
		return err
	}
	if c.Has(RoleAnalyst) {
		return nil
	}
	m, _, err := evaluate(n, c.Member, contract.TxGetMember, contract.MemberRequest{MSPID: c.Member})
	if err != nil {
		return err
	}
	if !m.Association {
		return forbidden("pool statistics need the analyst role, or an admin of the association; %s is a member's admin", c.Name)
	}
	return nil
}
