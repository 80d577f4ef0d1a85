package node

import (
	"context"
	"sync"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledger"
	"github.com/assoc-ledger/blacklist/node/stats"
)

// StatisticsQuery asks for the association-wide statistics of a range of
// days (see stats.Query).
type StatisticsQuery = stats.Query

// Statistics is the answer (see stats.Statistics).
type Statistics = stats.Statistics

// startStats opens the statistics' counters, has the query audit log
// count lookups as it appends them, and starts following the ledger.
// Called after the audit log is open and before the first request.
func (n *Node) startStats(l ledger.Ledger, opts Options) error {
	feed, _ := l.(ledger.Feed)
	c, err := stats.Open(stats.Options{DB: n.db, Feed: feed, ReadSubject: n.readAsAssociation, Logf: opts.Logf})
	if err != nil {
		return err
	}
	n.stats = c
	n.auditLog.SetCounter(stats.CountLookups)
	if l == nil || feed == nil {
		return nil
	}
	ctx, cancel := context.WithCancel(context.Background())
	n.statsStop = cancel
	n.stopped.Add(1)
	go func() { defer n.stopped.Done(); c.Run(ctx) }()
	return nil
}

// association is the association's MSP ID, read once from the ledger
// (it never changes after Init).
type association struct {
	mu  sync.Mutex
	msp string
}

func (n *Node) associationMSP() (string, error) {
	n.assoc.mu.Lock()
	defer n.assoc.mu.Unlock()
	if n.assoc.msp != "" {
		return n.assoc.msp, nil
	}
	// SecretStatus answers anyone: it names the association.
	st, _, err := evaluate(n, "", contract.TxSecretStatus, contract.SecretStatusRequest{})
	if err != nil {
		return "", err
	}
	n.assoc.msp = st.Association
	return st.Association, nil
}

// readAsAssociation reads a subject's history through the contract as
// the association, with the policy, for the statistics: the contract's own
// listing rule (contract.StandingAt) decides what was listed when.
func (n *Node) readAsAssociation(subject string) (contract.History, contract.Policy, error) {
	msp, err := n.associationMSP()
	if err != nil {
		return contract.History{}, contract.Policy{}, err
	}
	p, err := n.policyOf(msp)
	if err != nil {
		return contract.History{}, p, err
	}
	h, _, err := evaluate(n, msp, contract.TxSubjectHistory, contract.SubjectRequest{Subject: subject})
	return h, p, err
}

// Statistics answers the association-wide statistics of q from the
// node's counters. Only the association's admins and auditors may read
// them: a bank's client is refused even with the admin or auditor role,
// since the figures name every member.
func (n *Node) Statistics(ctx context.Context, c *Client, q StatisticsQuery) (Statistics, error) {
	if err := n.Authorize(ctx, c, ReadStatistics); err != nil {
		return Statistics{}, err
	}
	if n.ledger == nil {
		return Statistics{}, ErrNoLedger
	}
	msp, err := n.associationMSP()
	if err != nil {
		return Statistics{}, err
	}
	if c.Member != msp {
		return Statistics{}, forbidden("the statistics are the association's (%s); %s's clients may not read them", msp, c.Member)
	}
	if err := q.Validate(); err != nil {
		return Statistics{}, err
	}
	return n.stats.Read(q, time.Now())
}

// CountStatistics counts everything the ledger committed so far into the
// statistics before it returns (tests and tools; the node counts in the
// background anyway).
func (n *Node) CountStatistics() error {
	if n.stats == nil || n.stats.Feed == nil {
		return nil
	}
	_, err := n.stats.CatchUp()
	return err
}
