package badgerstate

import (
	"bytes"
	"runtime"
	"sync"
	"time"

	"github.com/dgraph-io/badger/v4"
	fastjson "github.com/goccy/go-json"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/chaincode/strictjson"
)

// A large SubjectStatuses query is answered by several goroutines over
// the query's one snapshot (docs/decisions/0022-parallel-status-queries.md).
// The contract answers a list of subjects one after the other, as it must
// on Fabric, where a transaction is one sequential execution; but each
// subject's status depends only on the snapshot, the policy, the creator
// and the query time, so the node may cut the list into parts and run the
// contract on each part at once, in one read-only badger transaction (its
// reads are safe from several goroutines), with one query time. The parts
// are contiguous runs of the request, so their answers, each in request
// order, join into the whole answer without decoding it: the bytes are
// those the contract would have returned for the whole list.
//
// A part that fails (a subject that is not a key, a creator that may not
// query) sends the whole request through the contract once more, so that
// the error is the one the contract gives for the whole list (its message
// names the subject's index in the request).

// minPart is the fewest subjects a part gets: below it, the goroutines
// cost more than they save.
const minPart = 500

// parallelism is how many parts a query may be cut into: one per core.
var parallelism = func() int { return runtime.GOMAXPROCS(0) }

// invoke runs fn on one snapshot: large status queries in parts, the rest
// as they are.
func invoke(c *contract.Contract, txn *badger.Txn, creator string, now time.Time, fn string, arg []byte) ([]byte, error) {
	// A transaction that reads status only reads the slim records.
	shadow := contract.IsStatusOnly(fn)
	sequential := func() ([]byte, error) {
		r := &Reader{Txn: txn, MSPID: creator, Now: now, reuse: true, Shadow: shadow}
		defer r.close()
		return c.Invoke(r, fn, arg)
	}
	p := parallelism()
	if fn != contract.TxSubjectStatuses.Name || p < 2 || len(arg) < minPart*2*64 {
		return sequential()
	}
	var req contract.SubjectsRequest
	// Decoded as strictly as the contract decodes it: what the contract
	// would refuse goes to the contract whole.
	if err := strictjson.Decode(arg, &req); err != nil || len(req.Subjects) > contract.MaxSubjects {
		return sequential()
	}
	p = min(p, len(req.Subjects)/minPart)
	if p < 2 {
		return sequential()
	}
	outs := make([][]byte, p)
	errs := make([]error, p)
	var wg sync.WaitGroup
	for i := range p {
		lo, hi := i*len(req.Subjects)/p, (i+1)*len(req.Subjects)/p
		wg.Add(1)
		go func() {
			defer wg.Done()
			part, err := fastjson.Marshal(contract.SubjectsRequest{Subjects: req.Subjects[lo:hi]})
			if err != nil {
				errs[i] = err
				return
			}
			r := &Reader{Txn: txn, MSPID: creator, Now: now, reuse: true, Shadow: shadow}
			defer r.close()
			outs[i], errs[i] = c.Invoke(r, fn, part)
		}()
	}
	wg.Wait()
	size := 1
	for i := range p {
		out := outs[i]
		if errs[i] != nil || len(out) < 2 || out[0] != '[' || out[len(out)-1] != ']' {
			return sequential()
		}
		size += len(out) - 1
	}
	joined := make([]byte, 0, size)
	for i, out := range outs {
		if i == 0 {
			joined = append(joined, '[')
		} else if len(bytes.TrimSpace(out[1:len(out)-1])) > 0 {
			joined = append(joined, ',')
		}
		joined = append(joined, out[1:len(out)-1]...)
	}
	return append(joined, ']'), nil
}
