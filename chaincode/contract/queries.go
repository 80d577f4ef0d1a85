package contract

import (
	"encoding/json"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

// member reads are open to every organisation on the ledger, including a
// suspended one, so that it can see its own standing.
func (tx *txn) requireKnownCreator() error {
	if _, err := tx.association(); err != nil {
		return err
	}
	if _, err := tx.member(tx.creator); err != nil {
		return errorf(CodeForbidden, "%s is not a member", tx.creator)
	}
	return nil
}

func (c *Contract) getMember(tx *txn, arg []byte) (any, error) {
	var req MemberRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireKnownCreator(); err != nil {
		return nil, err
	}
	return tx.member(req.MSPID)
}

func (c *Contract) listMembers(tx *txn, arg []byte) (any, error) {
	if err := decode(arg, &struct{}{}); err != nil {
		return nil, err
	}
	if err := tx.requireKnownCreator(); err != nil {
		return nil, err
	}
	out := []Member{}
	err := tx.st.Scan("member", nil, func(_ string, v []byte) error {
		var m Member
		if err := json.Unmarshal(v, &m); err != nil {
			return err
		}
		out = append(out, m)
		return nil
	})
	return out, err
}

func (c *Contract) getPolicy(tx *txn, arg []byte) (any, error) {
	if err := decode(arg, &struct{}{}); err != nil {
		return nil, err
	}
	if err := tx.requireKnownCreator(); err != nil {
		return nil, err
	}
	return tx.getPolicy()
}

func (c *Contract) getAttestation(tx *txn, arg []byte) (any, error) {
	var req IDRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if _, err := tx.activeCreator(); err != nil {
		return nil, err
	}
	if !IsHexDigest(req.ID) {
		return nil, errorf(CodeInvalidArgument, "id: must be 64 lower-case hex characters")
	}
	var idx attIndex
	if ok, err := getJSON(tx.st, attKey(req.ID), &idx); err != nil {
		return nil, err
	} else if !ok {
		return nil, errorf(CodeNotFound, "no attestation %s", req.ID)
	}
	def, err := tx.visibleDefault(idx.Default)
	if err != nil {
		if e, ok := err.(*Error); ok && e.Code == CodeNotFound {
			return nil, errorf(CodeNotFound, "attestation %s is past retention", req.ID)
		}
		return nil, err
	}
	v := AttestationView{Record: def.rec, State: def.state(tx.policy)}
	if def.closure != nil {
		v.ClosedBy = def.closure.ID
		if idx.Type != attestation.TypeDefault {
			v.Record = *def.closure
		}
	}
	v.JWS = idx.JWS
	return v, nil
}
