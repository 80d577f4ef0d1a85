package node

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"sync"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/alert"
	"github.com/assoc-ledger/blacklist/node/rules"
	"github.com/assoc-ledger/blacklist/node/store"
)

// A member's alert rules (package rules) live in the node store under
// "ar/<member>" as saved, and compiled in memory once used. They are
// configuration, not a read of any subject: setting them is logged (the
// node has no audit log of configuration), and evaluating them reads the
// subject's status as the association, which the alert already discloses.

// alertRules caches members' compiled rules.
type alertRules struct {
	mu       sync.Mutex
	compiled map[string]*rules.Compiled // nil value: the member has none
}

// AlertRules returns the client's member's rules (an empty list when it
// has none).
func (n *Node) AlertRules(ctx context.Context, c *Client) (rules.Set, error) {
	if err := n.Authorize(ctx, c, AlertRules); err != nil {
		return rules.Set{}, err
	}
	set, _, err := n.storedRules(c.Member)
	return set, err
}

// SetAlertRules replaces the client's member's rules with set, once every
// rule compiles (a rules.Errors otherwise: each mistake with its rule, and
// an expression's line and column). An empty list removes them.
func (n *Node) SetAlertRules(ctx context.Context, c *Client, set rules.Set) (rules.Set, error) {
	if err := n.Authorize(ctx, c, AlertRules); err != nil {
		return rules.Set{}, err
	}
	if set.Rules == nil {
		set.Rules = []rules.Rule{}
	}
	compiled, err := rules.Compile(set)
	if err != nil {
		return rules.Set{}, err
	}
	b, err := json.Marshal(set)
	if err != nil {
		return rules.Set{}, err
	}
	n.rules.mu.Lock()
	defer n.rules.mu.Unlock()
	err = n.db.Update(func(txn *badger.Txn) error {
		if len(set.Rules) == 0 {
			return txn.Delete(store.AlertRules.Key(c.Member))
		}
		return txn.Set(store.AlertRules.Key(c.Member), b)
	})
	if err != nil {
		return rules.Set{}, err
	}
	if n.rules.compiled == nil {
		n.rules.compiled = map[string]*rules.Compiled{}
	}
	if len(set.Rules) == 0 {
		compiled = nil
	}
	n.rules.compiled[c.Member] = compiled
	sum := sha256.Sum256(b)
	n.logf("alert rules of %s replaced by client %s: %d rules, sha256 %s", c.Member, c.Name, len(set.Rules), hex.EncodeToString(sum[:]))
	return set, nil
}

// storedRules reads member's rules from the store.
func (n *Node) storedRules(member string) (rules.Set, bool, error) {
	set := rules.Set{Rules: []rules.Rule{}}
	found, err := store.View(n.db, store.AlertRules.Key(member), store.JSON(&set))
	return set, found, err
}

// compiledRules is member's compiled rules, nil when it has none.
func (n *Node) compiledRules(member string) (*rules.Compiled, error) {
	n.rules.mu.Lock()
	defer n.rules.mu.Unlock()
	if c, ok := n.rules.compiled[member]; ok {
		return c, nil
	}
	set, found, err := n.storedRules(member)
	if err != nil {
		return nil, err
	}
	var c *rules.Compiled
	if found && len(set.Rules) > 0 {
		// Saved rules compiled when saved; a newer node that refuses one
		// must not stop alerting: the member gets no plans until it saves
		// rules again, and the operator's log says why.
		if c, err = rules.Compile(set); err != nil {
			n.logf("alert rules of %s no longer compile, no plans attached: %v", member, err)
			c = nil
		}
	}
	if n.rules.compiled == nil {
		n.rules.compiled = map[string]*rules.Compiled{}
	}
	n.rules.compiled[member] = c
	return c, nil
}

// planAlert attaches the plan of the member's first matching rule to a,
// from the alert, the subject's status now and the member's label.
func (n *Node) planAlert(a *alert.Alert) error {
	c, err := n.compiledRules(a.Member)
	if err != nil || c == nil {
		return err
	}
	in := rules.Input{
		Alert: rules.Alert{Kind: a.Kind, SubjectKey: a.SubjectKey, AttestationID: a.AttestationID, RefersTo: a.RefersTo,
			DisputeID: a.DisputeID, Outcome: a.Outcome, Reporter: a.Reporter, Time: a.Time},
		Watch: rules.Watch{Label: a.Label},
	}
	if a.SubjectKey != "" {
		msp, err := n.associationMSP()
		if err != nil {
			return err
		}
		st, _, err := evaluate(n, msp, contract.TxSubjectStatus, contract.SubjectRequest{Subject: a.SubjectKey})
		if err != nil {
			return err
		}
		in.Status = rules.StatusFrom(st)
	}
	m, skipped := c.Match(in)
	for _, s := range skipped {
		n.logf("alert %s of %s: %v (rule skipped)", a.ID, a.Member, s)
	}
	a.Plan = m
	return nil
}
