package contract

import (
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/publication"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// Standings walks every subject with records on the ledger, in key order,
// and gives each one's standing at time now under the ledger's policy: the
// publication entry when it is listed (computeStatus, the same code as a
// status lookup), else why not. It is one forward scan of the subj/ keys,
// one subject in memory at a time. It is a read the node makes on a
// snapshot for publications (issue 14), not a transaction: no creator is
// checked, so only the node calls it.
func Standings(st state.State, now time.Time, fn func(publication.Standing) error) error {
	var p Policy
	ok, err := getJSON(st, policyKey(), &p)
	if err != nil {
		return err
	}
	if !ok {
		return errorf(CodeFailedPrecondition, "ledger not initialised")
	}
	cur := ""
	acc := newSubjectAcc()
	flush := func() error {
		if cur == "" {
			return nil
		}
		s := standingOf(cur, acc.defaults(), &p, now)
		acc = newSubjectAcc()
		return fn(s)
	}
	err = st.Scan("subj", nil, func(k string, v []byte) error {
		_, attrs, err := state.SplitCompositeKey(k)
		if err != nil || len(attrs) != 3 {
			return errorf(CodeInternal, "unexpected key %q", k)
		}
		if attrs[0] != cur {
			if err := flush(); err != nil {
				return err
			}
			cur = attrs[0]
		}
		return acc.add(attrs[1], attrs[2], v)
	})
	if err != nil {
		return err
	}
	return flush()
}

func standingOf(subject string, defs []*subjectDefault, p *Policy, now time.Time) publication.Standing {
	vis := visible(defs, p, now)
	s := publication.Standing{Subject: subject}
	if len(vis) == 0 {
		s.Reason = publication.ReasonRetentionExpiry
		return s
	}
	st := computeStatus(subject, vis, p)
	if st.Listed {
		s.Listed = true
		s.Entry = publication.Entry{
			Subject:           subject,
			ActiveDefaults:    st.ActiveDefaults,
			Reporters:         len(st.Reporters),
			Outstanding:       st.Outstanding,
			FirstOverdueSince: st.FirstOverdueSince,
			Disputed:          st.Disputed,
		}
		return s
	}
	// Not listed: the reason is the state of the default that stopped
	// counting last; below-threshold when none ended.
	last := ""
	s.Reason = publication.ReasonBelowThreshold
	for _, d := range vis {
		end := d.endedAt()
		if end == "" || end < last {
			continue
		}
		last = end
		switch d.state(p) {
		case StateOverturned:
			s.Reason = publication.ReasonDisputeUpheld
		case StateRevoked:
			s.Reason = publication.ReasonRevoked
		case StateSettled:
			s.Reason = publication.ReasonSettled
		}
	}
	return s
}
