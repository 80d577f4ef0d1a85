// Package fabriccc exposes the contract as Hyperledger Fabric chaincode
// through fabric-contract-api-go.
//
// Each transaction of package contract is a method here taking one JSON
// string argument and returning a JSON string, so clients call it with
// fabric-gateway as Submit("SubmitAttestations", `{"attestations": [...]}`).
// The methods do no work of their own: they hand the chaincode stub to
// contract.Invoke as its state, with the creator's MSP ID taken from the
// client identity that Fabric verified. The stub cannot read a transaction's
// own writes; the contract's overlay makes up for that, so the rules behave
// here exactly as on the node's embedded ledger.
package fabriccc

import (
	"errors"
	"time"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
	"github.com/hyperledger/fabric-contract-api-go/v2/contractapi"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

// Blacklist is the chaincode's single contract.
type Blacklist struct {
	contractapi.Contract
	Rules *contract.Contract
}

// New returns the chaincode; association, when not empty, is the only MSP ID
// that Init accepts as the association.
func New(association string) (*contractapi.ContractChaincode, error) {
	b := &Blacklist{Rules: &contract.Contract{Association: association}}
	b.Name = "blacklist"
	b.Info.Title = "Shared credit blacklist"
	b.Info.Version = "1"
	cc, err := contractapi.NewChaincode(b)
	if err != nil {
		return nil, err
	}
	cc.DefaultContract = b.Name
	return cc, nil
}

func (b *Blacklist) run(ctx contractapi.TransactionContextInterface, fn, request string) (string, error) {
	// The contract's overlay hands every write to the stub at the end of
	// a successful transaction, one PutState or DelState per key, and each
	// is a round trip to the peer (three per default, three hundred for a
	// batch of 100). In write-batch mode (Fabric v3.1; core.yaml
	// chaincode.runtimeParams.useWriteBatch, on by default) the stub keeps
	// them and the shim sends them in one message after the function
	// returns, before the transaction's response; a peer without it leaves
	// the stub as it was. Decision 0026.
	ctx.GetStub().StartWriteBatch()
	out, err := b.Rules.Invoke(&stubState{ctx: ctx}, fn, []byte(request))
	if err != nil {
		return "", err
	}
	return string(out), nil
}

// stubState is state.State over the chaincode stub, for one transaction.
type stubState struct {
	ctx contractapi.TransactionContextInterface
	// fetched holds the values of the keys read ahead (Prefetch), nil for
	// an absent key: what GetState answers for them in this transaction.
	fetched map[string][]byte
}

func (s *stubState) stub() shim.ChaincodeStubInterface { return s.ctx.GetStub() }

func (s *stubState) Get(key string) ([]byte, error) {
	if v, ok := s.fetched[key]; ok {
		return v, nil
	}
	return s.stub().GetState(key)
}

// Put and Delete forget what was read ahead of the key. A peer's GetState
// does not see the transaction's own writes either (the contract's overlay
// serves those), so the value read ahead would still be GetState's
// answer; forgetting it keeps that true without relying on it.
func (s *stubState) Put(key string, value []byte) error {
	delete(s.fetched, key)
	return s.stub().PutState(key, value)
}

func (s *stubState) Delete(key string) error {
	delete(s.fetched, key)
	return s.stub().DelState(key)
}

// Prefetch reads the keys not read ahead yet in one GetMultipleStates: a
// batch of 100 defaults reads 200 point keys, one round trip to the peer
// each through GetState. Fabric records each key in the read set exactly
// as GetState does. A peer without the batched read (core.yaml
// chaincode.runtimeParams.useGetMultipleKeys off) is served by the shim
// with one GetState per key. On error nothing is kept, and Get reads one
// by one as before. Decision 0027.
func (s *stubState) Prefetch(keys []string) {
	want := make([]string, 0, len(keys))
	seen := make(map[string]bool, len(keys))
	for _, k := range keys {
		if _, ok := s.fetched[k]; !ok && !seen[k] {
			seen[k] = true
			want = append(want, k)
		}
	}
	if len(want) == 0 {
		return
	}
	values, err := s.stub().GetMultipleStates(want...)
	if err != nil || len(values) != len(want) {
		return
	}
	if s.fetched == nil {
		s.fetched = make(map[string][]byte, len(want))
	}
	for i, k := range want {
		v := values[i]
		if len(v) == 0 {
			// GetState's answer for an absent key.
			v = nil
		}
		s.fetched[k] = v
	}
}

func (s *stubState) Scan(objectType string, attrs []string, fn func(string, []byte) error) error {
	it, err := s.stub().GetStateByPartialCompositeKey(objectType, attrs)
	if err != nil {
		return err
	}
	defer it.Close()
	for it.HasNext() {
		kv, err := it.Next()
		if err != nil {
			return err
		}
		if err := fn(kv.Key, kv.Value); err != nil {
			if errors.Is(err, state.ErrStop) {
				return nil
			}
			return err
		}
	}
	return nil
}

func (s *stubState) Creator() (string, error) {
	id := s.ctx.GetClientIdentity()
	if id == nil {
		return "", errors.New("no client identity")
	}
	return id.GetMSPID()
}

func (s *stubState) TxID() string { return s.stub().GetTxID() }

func (s *stubState) TxTime() time.Time {
	ts, err := s.stub().GetTxTimestamp()
	if err != nil || ts == nil {
		// Without a timestamp every rule would use the zero time; Fabric
		// always sets one, so this is a broken stub, and failing safe
		// means treating the transaction as very old.
		return time.Time{}
	}
	return ts.AsTime()
}

func (s *stubState) SetEvent(name string, payload []byte) error {
	return s.stub().SetEvent(name, payload)
}
