package main

import (
	"context"
	"crypto/ecdsa"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	mrand "math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/dgraph-io/badger/v4"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/embedded"
	"github.com/assoc-ledger/blacklist/node/stats"
)

// ManifestFile, in the data directory, says what blgen generated there.
// It is written last: a directory without it holds no complete store.
const ManifestFile = "blgen.json"

// Manifest is DIR/blgen.json.
type Manifest struct {
	Attestations int    `json:"attestations"`
	PerSubject   int    `json:"perSubject"`
	Subjects     int    `json:"subjects"`
	SubjectKey   string `json:"subjectKey"`
	// Reporters take turns: attestation i is reported by Reporters[i % len].
	Reporters   []ManifestReporter `json:"reporters"`
	Signed      bool               `json:"signed"`
	GeneratedAt string             `json:"generatedAt"`
	Seconds     float64            `json:"seconds"`
	StoreBytes  int64              `json:"storeBytes"`
}

// ManifestReporter is a bank and the key blgen registered and signed with.
type ManifestReporter struct {
	MSPID string `json:"mspId"`
	KID   string `json:"kid"`
}

// subjectKeyFormula documents SubjectKey in the manifest.
const subjectKeyFormula = `lower-case hex SHA-256 of "blgen subject <j>", j = attestation index / perSubject`

// SubjectKey is the key of generated subject j.
func SubjectKey(j int) string { return hexSHA("blgen subject " + strconv.Itoa(j)) }

func hexSHA(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// activeDefaults is how many defaults subject j holds in a store of n
// attestations, per per subject: the last subject may hold fewer.
func activeDefaults(j, n, per int) int { return min(per, n-j*per) }

// chunk is how many attestations a worker takes at a time; they share a
// transaction id, as a batch submitted by a bank's upload tool would.
const chunk = 1000

var b64 = base64.RawURLEncoding

var products = []string{"consumer", "credit-card", "business", "mortgage", "other"}

type reporter struct {
	mspID, kid string
	key        *ecdsa.PrivateKey
	header     string // the encoded protected header, the same for every attestation
}

type genOptions struct {
	dir        string
	n, per     int
	sign       bool
	workers    int
	progress   time.Duration
	cpuProfile string
	stderr     io.Writer
}

func generateCmd(args []string, stdout, stderr io.Writer) int {
	o := genOptions{stderr: stderr}
	fs := flag.NewFlagSet("blgen", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.dir, "data", "", "data directory to generate into (created as a demo data directory if absent; must not hold a generated store yet)")
	fs.IntVar(&o.n, "n", 1_000_000, "number of default attestations")
	fs.IntVar(&o.per, "per-subject", 2, "defaults per subject (from alternating banks)")
	fs.BoolVar(&o.sign, "sign", true, "sign every attestation with the bank's registered ES256 key; false fills the signature with random bytes that no key verifies, of the same size and as incompressible (twice as fast; for stores whose signatures nobody checks)")
	fs.IntVar(&o.workers, "workers", runtime.GOMAXPROCS(0), "goroutines building and signing records")
	fs.DurationVar(&o.progress, "progress", 5*time.Second, "interval between progress lines on stderr (0: none)")
	fs.StringVar(&o.cpuProfile, "cpuprofile", "", "write a CPU profile of the generation to this file")
	fs.Usage = func() {
		fmt.Fprint(stderr, usage, "\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return 0
		}
		return 2
	}
	if o.dir == "" || fs.NArg() > 0 || o.n < 1 || o.per < 1 || o.workers < 1 {
		fmt.Fprintln(stderr, "blgen: --data is required, --n, --per-subject and --workers must be positive, and there are no arguments (see --help)")
		return 2
	}
	if o.cpuProfile != "" {
		f, err := os.Create(o.cpuProfile)
		if err != nil {
			return fail(stderr, err)
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return fail(stderr, err)
		}
		defer pprof.StopCPUProfile()
	}
	m, err := generate(context.Background(), o)
	if err != nil {
		return fail(stderr, err)
	}
	fmt.Fprintf(stdout, "%s: %d attestations on %d subjects in %.1f s (%.0f/s), store %.1f MB\n",
		o.dir, m.Attestations, m.Subjects, m.Seconds, float64(m.Attestations)/m.Seconds, float64(m.StoreBytes)/1e6)
	return 0
}

// generate sets up the demo consortium and blgen's keys through the
// contract, then writes the attestations straight into the store.
func generate(ctx context.Context, o genOptions) (*Manifest, error) {
	if _, err := os.Stat(filepath.Join(o.dir, ManifestFile)); err == nil {
		return nil, fmt.Errorf("%s already holds a generated store (%s); generate into a new directory", o.dir, ManifestFile)
	}
	start := time.Now()
	reporters, err := setup(ctx, o)
	if err != nil {
		return nil, err
	}
	logf(o, "demo consortium and blgen keys ready in %s; writing %d attestations", time.Since(start).Round(time.Millisecond), o.n)
	now := time.Now()
	if err := write(o, reporters, now); err != nil {
		return nil, err
	}
	if err := countStatistics(o, reporters, now); err != nil {
		return nil, err
	}
	m := &Manifest{Attestations: o.n, PerSubject: o.per, Subjects: (o.n + o.per - 1) / o.per, SubjectKey: subjectKeyFormula,
		Signed: o.sign, GeneratedAt: time.Now().UTC().Format(time.RFC3339), Seconds: time.Since(start).Seconds()}
	for _, r := range reporters {
		m.Reporters = append(m.Reporters, ManifestReporter{MSPID: r.mspID, KID: r.kid})
	}
	if m.StoreBytes, err = dirSize(filepath.Join(o.dir, "ledger")); err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(m, "", "  ")
	return m, os.WriteFile(filepath.Join(o.dir, ManifestFile), append(b, '\n'), 0o644)
}

// countStatistics adds the generated defaults to the node's statistics
// counters (node/stats.AddDefaults), as the node would have counted their
// commits had they been committed through the log: the association's
// overview then reads real figures (new defaults this week and month, by
// member and product). Listing and lookup counters are not filled.
func countStatistics(o genOptions, reporters []*reporter, now time.Time) error {
	db, err := badger.Open(badger.DefaultOptions(filepath.Join(o.dir, "node")).WithLogger(nil))
	if err != nil {
		return err
	}
	defer db.Close()
	byReporter, byProduct := map[string]int64{}, map[string]int64{}
	// attestation i: reporter i % len(reporters), product i % len(products)
	for k, r := range reporters {
		byReporter[r.mspID] += int64(countMod(o.n, len(reporters), k))
	}
	for k, p := range products {
		byProduct[p] += int64(countMod(o.n, len(products), k))
	}
	return stats.AddDefaults(db, now, byReporter, byProduct)
}

// countMod is how many i in [0, n) have i % m == k.
func countMod(n, m, k int) int {
	if k >= n {
		return 0
	}
	return (n-1-k)/m + 1
}

// benchDailyLookups is the policy's daily lookup budget in a generated
// store: the most the contract accepts.
const benchDailyLookups = 100_000_000

// setup runs the demo setup of blacklistd --demo and registers a fresh
// blgen key for each bank, all as ordinary transactions. The keys get a
// random kid so that a rerun after an interrupted generation never
// collides with a key registered before.
func setup(ctx context.Context, o genOptions) ([]*reporter, error) {
	l, err := embedded.Open(embedded.Options{Dir: filepath.Join(o.dir, "ledger")})
	if err != nil {
		return nil, err
	}
	defer l.Close()
	n, err := node.Open(o.dir, l)
	if err != nil {
		return nil, err
	}
	defer n.Close()
	if _, err := n.SetupDemo(ctx, o.dir, ""); err != nil {
		return nil, fmt.Errorf("demo setup: %w", err)
	}
	// A generated store is a benchmark's fixture: its policy allows each
	// member the most lookups a day the contract accepts, so that a
	// benchmark's thousands of 10,000-subject lookups measure lookups, not
	// the refusals of a spent budget (200,000 subjects a day by default).
	res, err := l.Evaluate(node.DemoAssociation, contract.TxGetPolicy.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("read the policy: %w", err)
	}
	var p contract.Policy
	if err := json.Unmarshal(res.Payload, &p); err != nil {
		return nil, err
	}
	if p.DailyLookups != benchDailyLookups {
		p.DailyLookups, p.UpdatedAt = benchDailyLookups, ""
		arg, _ := json.Marshal(p)
		if _, err := l.Submit(ctx, node.DemoAssociation, contract.TxSetPolicy.Name, arg); err != nil {
			return nil, fmt.Errorf("set the policy's daily lookups: %w", err)
		}
	}
	var out []*reporter
	for _, bank := range []string{node.DemoBank1, node.DemoBank2} {
		k, err := attestation.GenerateKey()
		if err != nil {
			return nil, err
		}
		pub, err := attestation.MarshalPublicKeyPEM(&k.PublicKey)
		if err != nil {
			return nil, err
		}
		suffix := make([]byte, 4)
		rand.Read(suffix)
		kid := bank + "-blgen-" + hex.EncodeToString(suffix)
		arg, _ := json.Marshal(contract.RegisterKeyRequest{MSPID: bank, KeyRequest: contract.KeyRequest{KID: kid, PublicKey: pub}})
		if _, err := l.Submit(ctx, node.DemoAssociation, "RegisterKey", arg); err != nil {
			return nil, fmt.Errorf("register %s for %s: %w", kid, bank, err)
		}
		header, _ := json.Marshal(map[string]string{"alg": "ES256", "kid": kid})
		out = append(out, &reporter{mspID: bank, kid: kid, key: k, header: b64.EncodeToString(header)})
	}
	return out, nil
}

// write puts the attestations into the ledger's badger store (see
// bulk.go for how). Nothing is synced until the end: a crash halfway
// leaves a directory to throw away anyway.
func write(o genOptions, reporters []*reporter, now time.Time) error {
	db, err := badger.Open(embedded.StoreOptions(filepath.Join(o.dir, "ledger")).WithSyncWrites(false).WithLogger(nil))
	if err != nil {
		return err
	}
	defer db.Close()
	var names []string
	for _, r := range reporters {
		names = append(names, r.mspID)
	}
	sp, err := newSpill(filepath.Join(o.dir, "blgen-spill"), newPartitions(o.n, names))
	if err != nil {
		return err
	}
	if err := spillExisting(db, sp); err != nil {
		sp.close()
		return err
	}
	g := &generator{n: o.n, per: o.per, sign: o.sign, reporters: reporters, recordedAt: contract.FormatTime(now),
		day: time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, time.UTC).AddDate(0, 0, -1)}
	var next, done atomic.Int64
	var failed atomic.Bool
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	stop := make(chan struct{})
	for w := 0; w < o.workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				c := int(next.Add(1) - 1)
				if c*chunk >= o.n || failed.Load() {
					return
				}
				if err := g.chunk(c, func(k string, v []byte) error { return badgerstate.Write(sp, k, v, false) }); err != nil {
					errOnce.Do(func() { firstErr = err })
					failed.Store(true)
					return
				}
				done.Add(int64(min(chunk, o.n-c*chunk)))
			}
		}()
	}
	go progress(o, &done, stop)
	wg.Wait()
	close(stop)
	if err := sp.finish(); err != nil && firstErr == nil {
		firstErr = err
	}
	if firstErr != nil {
		return firstErr
	}
	t := time.Now()
	logf(o, "all %d attestations built; sorting %d key ranges into the store", o.n, sp.parts.count())
	last := time.Now()
	var mu sync.Mutex
	err = streamPartitions(db, sp, o.workers, func(d, total int) {
		mu.Lock()
		defer mu.Unlock()
		if o.progress > 0 && time.Since(last) >= o.progress {
			last = time.Now()
			logf(o, "%d of %d key ranges in the store", d, total)
		}
	})
	if err != nil {
		return err
	}
	logf(o, "sorted and written in %s", time.Since(t).Round(time.Second))
	return db.Close()
}

func progress(o genOptions, done *atomic.Int64, stop <-chan struct{}) {
	if o.progress <= 0 {
		return
	}
	start := time.Now()
	t := time.NewTicker(o.progress)
	defer t.Stop()
	for {
		select {
		case <-stop:
			return
		case <-t.C:
			d := done.Load()
			rate := float64(d) / time.Since(start).Seconds()
			left := "?"
			if rate > 0 {
				left = (time.Duration(float64(int64(o.n)-d)/rate) * time.Second).Round(time.Second).String()
			}
			logf(o, "%d of %d attestations (%.0f%%), %.0f/s, about %s left", d, o.n, 100*float64(d)/float64(o.n), rate, left)
		}
	}
}

func logf(o genOptions, format string, args ...any) {
	fmt.Fprintf(o.stderr, "blgen: "+format+"\n", args...)
}

// generator builds attestation i, the same for the same i in every run
// except for the signature, recordedAt and the dates relative to today.
type generator struct {
	n, per     int
	sign       bool
	reporters  []*reporter
	recordedAt string
	day        time.Time // yesterday, UTC: every issuedAt lies before now
}

// chunk builds the attestations of chunk c and hands their world-state
// writes to put.
func (g *generator) chunk(c int, put func(k string, v []byte) error) error {
	txID := "blgen-" + strconv.Itoa(c)
	rng := mrand.New(mrand.NewPCG(uint64(c), 0))
	for i := c * chunk; i < min((c+1)*chunk, g.n); i++ {
		rec, err := g.record(i, txID, rng)
		if err != nil {
			return err
		}
		writes, err := contract.DefaultWrites(rec)
		if err != nil {
			return err
		}
		for k, v := range writes {
			if err := put(k, v); err != nil {
				return err
			}
		}
	}
	return nil
}

// record is attestation i: a default that meets the default policy (90+
// days past due, no minimum amount), with dates that pass the payload rules
// (overdue since before the days past due elapsed, notice after that,
// issued on one of the last 30 days).
func (g *generator) record(i int, txID string, rng *mrand.Rand) (*contract.Record, error) {
	r := g.reporters[i%len(g.reporters)]
	dpd := 90 + i%300
	amount := int64(50_000 + (i*7919)%5_000_000)
	issued := g.day.AddDate(0, 0, -(i % 30))
	overdue := issued.AddDate(0, 0, -(dpd + i%7))
	p := attestation.Payload{V: 1, Type: attestation.TypeDefault, Reporter: r.mspID, Subject: SubjectKey(i / g.per),
		IssuedAt: issued.Add(9*time.Hour + time.Duration(i%3600)*time.Second).Format(time.RFC3339),
		LoanRef:  hexSHA("blgen loan " + strconv.Itoa(i)), Product: products[i%len(products)], Amount: &amount,
		Currency: "CNY", OverdueSince: overdue.Format(time.DateOnly), DaysPastDue: &dpd,
		NoticeDate: overdue.AddDate(0, 0, 30).Format(time.DateOnly)}
	if err := p.Validate(); err != nil {
		return nil, fmt.Errorf("attestation %d: %w", i, err)
	}
	payload, err := json.Marshal(&p)
	if err != nil {
		return nil, err
	}
	var sig [64]byte
	if g.sign {
		err = r.sign(payload, &sig)
	} else {
		// Random, not zero: a zero signature compresses to nothing and
		// would make the store smaller than a real one.
		for j := 0; j < len(sig); j += 8 {
			binary.LittleEndian.PutUint64(sig[j:], rng.Uint64())
		}
	}
	if err != nil {
		return nil, err
	}
	return &contract.Record{ID: attestation.ID(payload), JWS: r.input(payload) + "." + b64.EncodeToString(sig[:]), KeyID: r.kid,
		Payload: p, RecordedAt: g.recordedAt, TxID: txID}, nil
}

// input is the JWS signing input: protected header and payload, encoded.
func (r *reporter) input(payload []byte) string { return r.header + "." + b64.EncodeToString(payload) }

// sign puts the ES256 signature of payload's JWS into sig (R || S). It
// signs with crypto/ecdsa directly rather than through
// attestation.SignBytes: the JOSE library's signer costs half as much
// again per signature, which at ten million is minutes. The test checks
// that attestation.Parse and Verify accept the result.
func (r *reporter) sign(payload []byte, sig *[64]byte) error {
	h := sha256.Sum256([]byte(r.input(payload)))
	rs, ss, err := ecdsa.Sign(rand.Reader, r.key, h[:])
	if err != nil {
		return err
	}
	rs.FillBytes(sig[:32])
	ss.FillBytes(sig[32:])
	return nil
}

func dirSize(dir string) (int64, error) {
	var total int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		info, err := d.Info()
		if err == nil {
			total += info.Size()
		}
		return err
	})
	return total, err
}
