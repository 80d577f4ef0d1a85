package contract

import (
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// Facts reads subjects' standing outside a transaction, for aggregate
// statistics over many subjects (the node's pool statistics): the same
// scan and the same status code as SubjectStatus, at one time under one
// policy, plus the active defaults behind each status. It checks no
// creator: the node that calls it has checked the capability, and it
// never leaves the node as anything but aggregates.
//
// A FactsReader is not safe for concurrent use; give each goroutine its
// own over its own state (readers of one read-only snapshot).
type FactsReader struct {
	st   state.State
	p    *Policy
	now  time.Time
	nowS string
	// scratch is reused from subject to subject.
	scratch statusScratch
}

// SubjectFacts is one subject's status with its active defaults.
type SubjectFacts struct {
	Status Status
	Active []ActiveDefault
}

// ActiveDefault is what statistics need of one active default.
type ActiveDefault struct {
	Reporter     string
	Product      string
	Currency     string
	Amount       int64
	OverdueSince string
}

// ReadPolicy reads the policy in force from st.
func ReadPolicy(st state.State) (Policy, error) {
	var p Policy
	ok, err := getJSON(st, policyKey(), &p)
	if err != nil {
		return p, err
	}
	if !ok {
		return p, errorf(CodeFailedPrecondition, "ledger not initialised")
	}
	return p, nil
}

// NewFactsReader reads from st at now under policy p.
func NewFactsReader(st state.State, p Policy, now time.Time) *FactsReader {
	return &FactsReader{st: st, p: &p, now: now.UTC(), nowS: FormatTime(now), scratch: statusScratch{names: new([256]string)}}
}

// Facts computes subject's status and lists its active defaults.
func (r *FactsReader) Facts(subject string) (SubjectFacts, error) {
	if err := checkSubject(subject); err != nil {
		return SubjectFacts{}, err
	}
	defs, prots, err := loadSubjectRecords(r.st, subject, &r.scratch)
	if err != nil {
		return SubjectFacts{}, err
	}
	vis := visible(defs, r.p, r.now)
	f := SubjectFacts{Status: computeStatus(subject, vis, r.p)}
	f.Status.Protected = protectedAt(prots, r.nowS)
	for _, d := range vis {
		if d.state(r.p) != StateActive {
			continue
		}
		a := &d.rec.Payload
		f.Active = append(f.Active, ActiveDefault{Reporter: a.Reporter, Product: a.Product, Currency: a.Currency,
			Amount: *a.Amount, OverdueSince: a.OverdueSince})
	}
	return f, nil
}

// DefaultPoolMinCount is the pool statistics' minimum count when the
// policy leaves PoolMinCount 0.
const DefaultPoolMinCount = 10

// MinCount is the policy's minimum count of pool statistics.
func (p *Policy) MinCount() int {
	if p.PoolMinCount > 0 {
		return p.PoolMinCount
	}
	return DefaultPoolMinCount
}
