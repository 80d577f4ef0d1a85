package contract

import (
	"bytes"
	"slices"
	"sync"

	fastjson "github.com/goccy/go-json"
)

// Every query checks that its creator is an active member with the querier
// role, which reads and decodes the creator's member record, public keys
// and all. A node answers thousands of queries between two changes of a
// member, and that decoding was a fifth of a single lookup's CPU. So the
// check keeps, per member key, the last record bytes it read and what it
// needs of them; a record whose bytes differ is decoded afresh, so the
// cache cannot change a result (like Contract.keys, the parsed public
// keys). It holds one entry per member of the ledgers a process serves.
var memberChecks sync.Map // member key -> *memberCheck

type memberCheck struct {
	raw     []byte
	mspID   string
	status  string
	assoc   bool
	querier bool
}

// checkOf returns what the role checks need of the member record at k, or
// nil when there is none.
func (tx *txn) checkOf(k string) (*memberCheck, error) {
	b, err := tx.st.Get(k)
	if err != nil || b == nil {
		return nil, err
	}
	if c, ok := memberChecks.Load(k); ok && bytes.Equal(c.(*memberCheck).raw, b) {
		return c.(*memberCheck), nil
	}
	var m Member
	if err := fastjson.Unmarshal(b, &m); err != nil {
		return nil, errorf(CodeInternal, "stored value at %q is corrupt: %v", k, err)
	}
	c := &memberCheck{raw: b, mspID: m.MSPID, status: m.Status, assoc: m.Association, querier: slices.Contains(m.Roles, RoleQuerier)}
	memberChecks.Store(k, c)
	return c, nil
}

// requireQuerier refuses a creator that is not an active member with the
// querier role (the association may always query); the refusals are
// activeCreator's.
func (tx *txn) requireQuerier() error {
	if _, err := tx.association(); err != nil {
		return err
	}
	m, err := tx.checkOf(memberKey(tx.creator))
	if err != nil {
		return err
	}
	if m == nil {
		return errorf(CodeForbidden, "%s is not a member", tx.creator)
	}
	if m.status != StatusActive {
		return errorf(CodeForbidden, "member %s is %s", m.mspID, m.status)
	}
	if !m.assoc && !m.querier {
		return errorf(CodeForbidden, "%s does not have the querier role", m.mspID)
	}
	return nil
}
