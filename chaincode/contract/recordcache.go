package contract

import (
	"bytes"
	"maps"
	"sync/atomic"

	fastjson "github.com/goccy/go-json"
)

// Every transaction reads the association's config record and most read
// the policy: the role checks need the association's name, submits and
// lookups the policy. Both change a few times in a ledger's life, and
// decoding them on every call was 6% of a single lookup's CPU (after the
// member checks' own cache, querier.go). As there, each cache keeps the
// last bytes it decoded and what they decode to; bytes that differ are
// decoded afresh, so a cache cannot change a result, on Fabric either
// (where the state read itself still goes to the peer). One entry each:
// a process serving several ledgers only decodes more often.
var (
	lastConfig atomic.Pointer[decodedConfig]
	lastPolicy atomic.Pointer[decodedPolicy]
)

type decodedConfig struct {
	raw []byte
	cfg config
}

type decodedPolicy struct {
	raw []byte
	p   Policy
}

// getConfig reads the association's config record, or reports false when
// the ledger has none.
func getConfig(tx *txn) (config, bool, error) {
	b, err := tx.st.Get(configKey())
	if err != nil || b == nil {
		return config{}, false, err
	}
	if d := lastConfig.Load(); d != nil && bytes.Equal(d.raw, b) {
		return d.cfg, true, nil
	}
	var cfg config
	if err := fastjson.Unmarshal(b, &cfg); err != nil {
		return config{}, false, errorf(CodeInternal, "stored value at %q is corrupt: %v", configKey(), err)
	}
	lastConfig.Store(&decodedConfig{raw: bytes.Clone(b), cfg: cfg})
	return cfg, true, nil
}

// readPolicy reads the policy record, or reports false when the ledger has
// none. The caller gets its own copy (MinAmount is a map).
func readPolicy(tx *txn) (*Policy, bool, error) {
	b, err := tx.st.Get(policyKey())
	if err != nil || b == nil {
		return nil, false, err
	}
	d := lastPolicy.Load()
	if d == nil || !bytes.Equal(d.raw, b) {
		var p Policy
		if err := fastjson.Unmarshal(b, &p); err != nil {
			return nil, false, errorf(CodeInternal, "stored value at %q is corrupt: %v", policyKey(), err)
		}
		d = &decodedPolicy{raw: bytes.Clone(b), p: p}
		lastPolicy.Store(d)
	}
	p := d.p
	p.MinAmount = maps.Clone(d.p.MinAmount)
	return &p, true, nil
}
