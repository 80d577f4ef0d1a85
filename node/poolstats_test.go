package node

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/ledgertest"
	"github.com/assoc-ledger/blacklist/node/pool"
)

// ricNumber is a valid PRC resident identity number for i (birth date
// 1980-01-01 plus i days, ISO 7064 MOD 11-2 check character).
func ricNumber(i int) string {
	body := fmt.Sprintf("110105%s%03d", time.Date(1980, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i).Format("20060102"), i%1000)
	weights := []int{7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2}
	sum := 0
	for k := 0; k < 17; k++ {
		sum += int(body[k]-'0') * weights[k]
	}
	return body + string("10X98765432"[sum%11])
}

// creditCode completes 17 characters of a unified social credit code with
// its check character (GB 32100-2015).
func creditCode(first17 string) string {
	const chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
	weights := []int{1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28}
	sum := 0
	for i := 0; i < 17; i++ {
		sum += strings.IndexByte(chars, first17[i]) * weights[i]
	}
	return first17 + string(chars[(31-sum%31)%31])
}

// poolWorld is a demo node with two more reporting banks, and the model
// of what was filed on each generated subject, from which the tests
// compute the expected statistics without the contract's code.
type poolWorld struct {
	*demoNode
	keys     map[string]*ecdsa.PrivateKey
	subjects []string
	model    map[string]*modelSubject
}

type modelDefault struct {
	reporter, product, currency, overdueSince string
	amount                                    int64
	active                                    bool
}

type modelSubject struct {
	defaults  []modelDefault
	disputed  bool
	protected bool
}

var banks = []string{DemoBank1, DemoBank2, "Bank3MSP", "Bank4MSP"}

// newPoolWorld files random defaults on n subjects (the first ids of them
// named by identity numbers): some below the threshold, some settled,
// some disputed, some protected.
func newPoolWorld(t *testing.T, n, ids int, seed uint64) *poolWorld {
	d := openDemo(t, t.TempDir())
	t.Cleanup(d.close)
	w := &poolWorld{demoNode: d, keys: map[string]*ecdsa.PrivateKey{}, model: map[string]*modelSubject{}}
	for i, msp := range banks[2:] {
		k, _ := attestation.GenerateKey()
		pub, _ := attestation.MarshalPublicKeyPEM(&k.PublicKey)
		w.keys[msp] = k
		code := creditCode([]string{"91310000607318680", "91110000100000588"}[i])
		w.submit(DemoAssociation, "AdmitMember", contract.AdmitMemberRequest{MSPID: msp, LegalName: msp, CreditCode: code,
			Roles: []string{contract.RoleReporter, contract.RoleQuerier}, Keys: []contract.KeyRequest{{KID: msp + "-k", PublicKey: pub}}})
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	now := time.Now().UTC()
	type filing struct {
		p      *attestation.Payload
		settle bool
	}
	byBank := map[string][]string{}
	var settlements []*attestation.Payload
	sign := func(p *attestation.Payload) (string, string) {
		if k, ok := w.keys[p.Reporter]; ok {
			jws, id, err := attestation.Sign(p, k, p.Reporter+"-k")
			if err != nil {
				t.Fatal(err)
			}
			return jws, id
		}
		jws, id, err := d.n.Sign(p.Reporter, p)
		if err != nil {
			t.Fatal(err)
		}
		return jws, id
	}
	var protect, dispute []string
	disputeOn := map[string]string{}
	for i := 0; i < n; i++ {
		subj := hexOf(fmt.Sprint("pool subject ", seed, " ", i))
		if i < ids {
			var err error
			if subj, err = d.n.SubjectKey("cn-ric", ricNumber(i)); err != nil {
				t.Fatal(err)
			}
		}
		w.subjects = append(w.subjects, subj)
		m := &modelSubject{}
		w.model[subj] = m
		k := []int{0, 0, 0, 1, 1, 1, 1, 2, 2, 3, 5}[rng.IntN(11)]
		for j := 0; j < k; j++ {
			age := []int{100, 200, 400}[rng.IntN(3)]
			dpd := age - 5
			below := rng.IntN(10) == 0
			if below {
				dpd = 60
			}
			amount := int64(1000 + rng.IntN(10_000_000))
			md := modelDefault{reporter: banks[rng.IntN(len(banks))], product: pool.Products[rng.IntN(5)],
				currency: []string{"CNY", "CNY", "CNY", "CNY", "USD", "HKD"}[rng.IntN(6)], amount: amount,
				overdueSince: now.AddDate(0, 0, -age).Format(time.DateOnly)}
			p := ledgertest.DefaultPayload(md.reporter, subj, hexOf(fmt.Sprint("loan ", seed, " ", i, " ", j)), dpd)
			p.Product, p.Currency, p.Amount, p.OverdueSince = md.product, md.currency, &md.amount, md.overdueSince
			jws, id := sign(p)
			byBank[md.reporter] = append(byBank[md.reporter], jws)
			settled := rng.IntN(10) == 0
			if settled {
				settlements = append(settlements, ledgertest.ClosurePayload(md.reporter, "settlement", id, subj))
			}
			md.active = !below && !settled
			if md.active && disputeOn[subj] == "" && rng.IntN(12) == 0 {
				disputeOn[subj] = id
				m.disputed = true
			}
			m.defaults = append(m.defaults, md)
		}
		if rng.IntN(12) == 0 {
			protect = append(protect, subj)
			m.protected = true
		}
	}
	for _, subj := range w.subjects {
		if id := disputeOn[subj]; id != "" {
			dispute = append(dispute, id)
		}
	}
	for msp, all := range byBank {
		for len(all) > 0 {
			n := min(len(all), contract.MaxBatch)
			var res contract.SubmitResult
			json.Unmarshal(w.submit(msp, "SubmitAttestations", contract.SubmitRequest{Attestations: all[:n]}), &res)
			if res.Accepted != n {
				t.Fatalf("%s: %d of %d accepted: %+v", msp, res.Accepted, n, res.Results[0])
			}
			all = all[n:]
		}
	}
	for _, p := range settlements {
		jws, _ := sign(p)
		var res contract.SubmitResult
		json.Unmarshal(w.submit(p.Reporter, "SubmitAttestations", contract.SubmitRequest{Attestations: []string{jws}}), &res)
		if res.Accepted != 1 {
			t.Fatalf("settlement: %+v", res.Results)
		}
	}
	for _, id := range dispute {
		w.submit(DemoBank2, "OpenDispute", contract.OpenDisputeRequest{AttestationID: id, ReasonCode: "not-mine", StatementDigest: hexOf(id)})
	}
	for _, s := range protect {
		w.submit(DemoBank1, "RegisterProtection", contract.RegisterProtectionRequest{Subject: s, ReasonCode: contract.ProtectionDocumentsLost, CaseRef: hexOf(s)})
	}
	return w
}

func activeOf(m *modelSubject) []modelDefault {
	var out []modelDefault
	for _, d := range m.defaults {
		if d.active {
			out = append(out, d)
		}
	}
	return out
}

// ndjson is the pool file of subjects, the first ids by identity number.
func (w *poolWorld) ndjson(subjects []string, ids int) string {
	var b strings.Builder
	for i, s := range subjects {
		if i < ids {
			fmt.Fprintf(&b, "{\"idType\":\"cn-ric\",\"idNumber\":%q}\n", ricNumber(i))
		} else {
			fmt.Fprintf(&b, "{\"subjectKey\":%q}\n", s)
		}
	}
	return b.String()
}

// reference is the tally the model says, for asker member at date today.
func (w *poolWorld) reference(subjects []string, member string, today time.Time) *pool.Tally {
	t := &pool.Tally{Products: map[string]int{}, Currencies: map[string]*pool.Currency{}, Vintages: map[string]int{}}
	seen := map[string]bool{}
	for _, s := range subjects {
		if seen[s] {
			continue
		}
		seen[s] = true
		m := w.model[s]
		t.Subjects++
		var active []modelDefault
		for _, d := range m.defaults {
			if d.active {
				active = append(active, d)
			}
		}
		t.ActiveDefaults[min(len(active), 4)]++
		if m.disputed {
			t.Disputed++
		}
		if m.protected {
			t.Protected++
		}
		others := map[string]bool{}
		products := map[string]bool{}
		sums := map[string]int64{}
		first := ""
		for _, d := range active {
			if d.reporter != member {
				others[d.reporter] = true
			}
			products[d.product] = true
			sums[d.currency] += d.amount
			if first == "" || d.overdueSince < first {
				first = d.overdueSince
			}
		}
		t.OtherMembers[min(len(others), 3)]++
		if len(active) == 0 {
			continue
		}
		t.Listed++
		for p := range products {
			t.Products[p]++
		}
		for cur, sum := range sums {
			if t.Currencies[cur] == nil {
				t.Currencies[cur] = &pool.Currency{}
			}
			t.Currencies[cur].Subjects++
			t.Currencies[cur].Total.Add(&t.Currencies[cur].Total, big.NewInt(sum))
		}
		f, _ := time.Parse(time.DateOnly, first)
		days := int(today.Sub(f).Hours() / 24)
		t.DaysPastDue[slices.IndexFunc([]int{90, 180, 360, 1 << 30}, func(b int) bool { return days < b })]++
		t.Vintages[fmt.Sprintf("%d-Q%d", f.Year(), (int(f.Month())-1)/3+1)]++
	}
	return t
}

func setMinCount(t *testing.T, d *demoNode, min int) {
	t.Helper()
	var pol contract.Policy
	res, err := d.l.Evaluate(DemoAssociation, "GetPolicy", []byte("{}"))
	if err != nil || json.Unmarshal(res.Payload, &pol) != nil {
		t.Fatal(err)
	}
	pol.PoolMinCount, pol.UpdatedAt = min, ""
	d.submit(DemoAssociation, "SetPolicy", pol)
}

func count(t *testing.T, what string, c pool.Cell, want int) {
	t.Helper()
	if c.Suppressed || c.Count == nil || *c.Count != want {
		t.Errorf("%s: %+v, want %d", what, c, want)
	}
}

// The aggregates of a generated pool, with a minimum count of 2 so that
// nearly every cell is shown, against the model's independent reference.
func TestPoolStatisticsExact(t *testing.T) {
	w := newPoolWorld(t, 400, 25, 1)
	setMinCount(t, w.demoNode, 2)
	// Three goroutines on one snapshot, each a stretch of the pool.
	w.n.pools.workers = 3
	analyst := w.client("bank1-analyst", DemoBank1, RoleAnalyst)
	// The pool repeats ten subjects: counted once.
	subjects := append(slices.Clone(w.subjects), w.subjects[30:40]...)
	rep, err := w.n.PoolStatistics(context.Background(), analyst, PurposeABS, strings.NewReader(w.ndjson(subjects, 25)), nil)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.RFC3339Nano, rep.Time)
	ref := w.reference(subjects, DemoBank1, time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC))
	if rep.PoolSize != 400 || rep.Duplicates != 10 || rep.MinCount != 2 || rep.AsOf == 0 {
		t.Fatalf("report head: %+v", rep)
	}
	count(t, "listed", rep.Listed, ref.Listed)
	count(t, "not listed", rep.NotListed, 400-ref.Listed)
	count(t, "disputed", rep.Disputed, ref.Disputed)
	count(t, "protected", rep.Protected, ref.Protected)
	for i, b := range rep.ActiveDefaults {
		count(t, "active defaults "+b.Bucket, b.Cell, ref.ActiveDefaults[i+1])
	}
	for i, b := range rep.OtherMembers {
		count(t, "other members "+b.Bucket, b.Cell, ref.OtherMembers[i])
	}
	// No listed subject is under 90 days past due: that bucket (0) is
	// suppressed, and with it the smallest other, or the 0 would follow by
	// subtraction; the rest are shown.
	dpd := ref.DaysPastDue
	smallest := slices.Index(dpd[1:], slices.Min(dpd[1:])) + 1
	for i, b := range rep.DaysPastDue {
		if i == 0 || i == smallest {
			if !b.Suppressed {
				t.Errorf("days past due %s: %+v, want suppressed", b.Bucket, b.Cell)
			}
			continue
		}
		count(t, "days past due "+b.Bucket, b.Cell, dpd[i])
	}
	for _, b := range rep.Products[:5] {
		count(t, "product "+b.Bucket, b.Cell, ref.Products[b.Bucket])
	}
	if len(rep.Outstanding) != len(ref.Currencies)+1 {
		t.Fatalf("outstanding: %+v", rep.Outstanding)
	}
	for _, c := range rep.Outstanding[:len(ref.Currencies)] {
		r := ref.Currencies[c.Currency]
		count(t, "subjects in "+c.Currency, c.Subjects, r.Subjects)
		if c.Total != r.Total.String() {
			t.Errorf("total in %s: %s, want %s", c.Currency, c.Total, r.Total.String())
		}
	}
	// Vintages: every quarter named; "other" is 0, so it and the
	// smallest quarter are suppressed.
	var quarters []string
	smallQ := ""
	for q, n := range ref.Vintages {
		quarters = append(quarters, q)
		if smallQ == "" || n < ref.Vintages[smallQ] || (n == ref.Vintages[smallQ] && q < smallQ) {
			smallQ = q
		}
	}
	slices.Sort(quarters)
	if len(rep.Vintages) != len(quarters)+1 || rep.Vintages[len(quarters)].Bucket != pool.OtherBucket || !rep.Vintages[len(quarters)].Suppressed {
		t.Fatalf("vintages: %+v, want %v and other", rep.Vintages, ref.Vintages)
	}
	for i, q := range quarters {
		b := rep.Vintages[i]
		if b.Bucket != q {
			t.Fatalf("vintage %d: %s, want %s", i, b.Bucket, q)
		}
		if q == smallQ {
			if !b.Suppressed {
				t.Errorf("vintage %s shown: %+v", q, b.Cell)
			}
			continue
		}
		count(t, "vintage "+q, b.Cell, ref.Vintages[q])
	}
	// Aggregates only: no subject key, no identity number.
	raw, _ := json.Marshal(rep)
	for i, s := range w.subjects {
		if strings.Contains(string(raw), s) || (i < 25 && strings.Contains(string(raw), ricNumber(i))) {
			t.Fatalf("the report names subject %d", i)
		}
	}
	// One audit entry: the pool's digest and size, no subject.
	entries, _ := w.n.QueryAudit(AuditFilter{Member: DemoBank1, Limit: 1000})
	var pools []AuditEntry
	for _, e := range entries {
		if e.Kind == AuditPool {
			pools = append(pools, e)
		}
		if e.Client == "bank1-analyst" && e.Kind != AuditPool {
			t.Fatalf("a per-subject entry for the analyst: %+v", e)
		}
	}
	if len(pools) != 1 || pools[0].Subject != rep.PoolDigest || pools[0].PoolSize != 400 || pools[0].Purpose != PurposeABS || pools[0].Outcome != OutcomeOK {
		t.Fatalf("pool audit entries: %+v", pools)
	}
	if _, err := w.n.VerifyAudit(); err != nil {
		t.Fatalf("audit chain with a pool entry: %v", err)
	}
}

// With the default minimum of 10, every cell under 10 is suppressed, and
// so is the complement that would give it away.
func TestPoolStatisticsSuppression(t *testing.T) {
	w := newPoolWorld(t, 600, 0, 2)
	analyst := w.client("bank1-analyst", DemoBank1, RoleAnalyst)
	// A pool chosen from the model: 60 subjects with one active default,
	// 30 with two, 20 with three, 4 with four or more, 20 not listed.
	want := map[int]int{0: 20, 1: 60, 2: 30, 3: 20, 4: 4}
	var subjects []string
	for _, s := range w.subjects {
		a := min(w.reference([]string{s}, DemoBank1, time.Now()).Listed*len(activeOf(w.model[s])), 4)
		if want[a] > 0 {
			want[a]--
			subjects = append(subjects, s)
		}
	}
	if len(subjects) != 134 {
		t.Fatalf("the generated subjects do not make the pool: %v left", want)
	}
	rep, err := w.n.PoolStatistics(context.Background(), analyst, PurposeABS, strings.NewReader(w.ndjson(subjects, 0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	at, _ := time.Parse(time.RFC3339Nano, rep.Time)
	ref := w.reference(subjects, DemoBank1, time.Date(at.Year(), at.Month(), at.Day(), 0, 0, 0, 0, time.UTC))
	if rep.MinCount != contract.DefaultPoolMinCount {
		t.Fatalf("min count %d", rep.MinCount)
	}
	check := func(what string, c pool.Cell, want int) {
		t.Helper()
		if c.Count != nil && (*c.Count != want || want < 10) {
			t.Errorf("%s: shows %d, reference %d", what, *c.Count, want)
		}
		if want < 10 && !c.Suppressed {
			t.Errorf("%s: %d not suppressed", what, want)
		}
	}
	check("protected", rep.Protected, ref.Protected)
	check("disputed", rep.Disputed, ref.Disputed)
	suppressed := 0
	for i, b := range rep.ActiveDefaults {
		check("active defaults "+b.Bucket, b.Cell, ref.ActiveDefaults[i+1])
		if b.Suppressed {
			suppressed++
		}
	}
	// 4+ (4 subjects) is under the minimum; 3 (20) is suppressed too,
	// or 4+ would be the listed count minus the others.
	if suppressed != 2 || !rep.ActiveDefaults[2].Suppressed || !rep.ActiveDefaults[3].Suppressed {
		t.Fatalf("active defaults: %+v (reference %v)", rep.ActiveDefaults, ref.ActiveDefaults)
	}
	count(t, "listed", rep.Listed, 114)
	count(t, "not listed", rep.NotListed, 20)
	for _, b := range rep.Products {
		if b.Bucket == "unspecified" {
			check("unspecified product", b.Cell, 0)
		}
	}
	for _, c := range rep.Outstanding {
		if c.Total != "" && c.Subjects.Count == nil {
			t.Errorf("a total with its count suppressed: %+v", c)
		}
	}

	// A pool of 100 listed subjects and 5 not listed: the 5 are
	// suppressed, and so is the listed count that would tell them.
	var listed, clean []string
	for _, s := range w.subjects {
		if ref := w.reference([]string{s}, DemoBank1, time.Now()); ref.Listed == 1 && len(listed) < 100 {
			listed = append(listed, s)
		} else if ref.Listed == 0 && len(clean) < 5 {
			clean = append(clean, s)
		}
	}
	small := append(listed, clean...)
	rep, err = w.n.PoolStatistics(context.Background(), analyst, PurposeABS, strings.NewReader(w.ndjson(small, 0)), nil)
	if err != nil {
		t.Fatal(err)
	}
	if !rep.NotListed.Suppressed || !rep.Listed.Suppressed || rep.PoolSize != 105 {
		t.Fatalf("complement not suppressed: listed %+v, not listed %+v", rep.Listed, rep.NotListed)
	}
	for _, b := range rep.ActiveDefaults {
		if !b.Suppressed {
			t.Fatalf("a breakdown of a suppressed total is shown: %+v", rep.ActiveDefaults)
		}
	}
}

// Two pools that differ in fewer subjects than the minimum would tell one
// subject's status by their difference: the second is refused.
func TestPoolOverlapRefused(t *testing.T) {
	w := newPoolWorld(t, 200, 0, 3)
	analyst := w.client("bank1-analyst", DemoBank1, RoleAnalyst)
	other := w.client("bank1-analyst2", DemoBank1, RoleAnalyst)
	ask := func(c *Client, subjects []string) error {
		_, err := w.n.PoolStatistics(context.Background(), c, PurposeABS, strings.NewReader(w.ndjson(subjects, 0)), nil)
		return err
	}
	base := w.subjects[:150]
	if err := ask(analyst, base); err != nil {
		t.Fatal(err)
	}
	var oe *pool.OverlapError
	// One more subject; one fewer; one swapped; nine more: refused, for
	// another client of the member too.
	for name, s := range map[string][]string{
		"one added":   w.subjects[:151],
		"one removed": w.subjects[:149],
		"one swapped": append(slices.Clone(w.subjects[:149]), w.subjects[199]),
		"nine added":  w.subjects[:159],
	} {
		if err := ask(other, s); !errors.As(err, &oe) {
			t.Fatalf("%s: %v, want an overlap refusal", name, err)
		}
	}
	// The same pool again, and one that differs in ten: answered.
	if err := ask(analyst, base); err != nil {
		t.Fatalf("the same pool again: %v", err)
	}
	if err := ask(analyst, w.subjects[:160]); err != nil {
		t.Fatalf("ten more subjects: %v", err)
	}
	// Another member's history is its own.
	bank2 := w.client("bank2-analyst", DemoBank2, RoleAnalyst)
	if err := ask(bank2, w.subjects[:151]); err != nil {
		t.Fatalf("another member: %v", err)
	}
	// The refusals are on record as denied pool entries.
	entries, _ := w.n.QueryAudit(AuditFilter{Member: DemoBank1, Limit: 1000})
	denied := 0
	for _, e := range entries {
		if e.Kind == AuditPool && e.Outcome == OutcomeDenied && e.PoolSize > 0 {
			denied++
		}
	}
	if denied != 4 {
		t.Fatalf("%d denied pool entries, want 4", denied)
	}
}

func TestPoolStatisticsRefusals(t *testing.T) {
	d := openDemo(t, t.TempDir())
	defer d.close()
	ctx := context.Background()
	body := "{\"subjectKey\":\"" + hexOf("x") + "\"}\n"
	for name, c := range map[string]*Client{
		"querier":        d.bank1,
		"auditor":        d.client("assoc-auditor2", DemoAssociation, RoleAuditor),
		"a member admin": d.client("bank1-admin", DemoBank1, RoleAdmin),
	} {
		_, err := d.n.PoolStatistics(ctx, c, PurposeABS, strings.NewReader(body), nil)
		wantCode(t, name, err, contract.CodeForbidden)
	}
	analyst := d.client("bank2-analyst", DemoBank2, RoleAnalyst)
	if _, err := d.n.PoolStatistics(ctx, analyst, "loan-approval", strings.NewReader(body), nil); !errors.Is(err, ErrBadPurpose) {
		t.Fatalf("another purpose: %v", err)
	}
	for name, in := range map[string]string{
		"empty":        "\n\n",
		"not a key":    "{\"subjectKey\":\"abc\"}\n",
		"both":         "{\"subjectKey\":\"" + hexOf("x") + "\",\"idType\":\"cn-ric\",\"idNumber\":\"11010519491231002X\"}\n",
		"bad number":   "{\"idType\":\"cn-ric\",\"idNumber\":\"110105194912310021\"}\n",
		"not json":     "11010519491231002X\n",
		"unknown name": "{\"subject\":\"" + hexOf("x") + "\"}\n",
	} {
		_, err := d.n.PoolStatistics(ctx, analyst, PurposeABS, strings.NewReader(in), nil)
		var le *pool.LineError
		if !errors.As(err, &le) && !errors.Is(err, pool.ErrEmpty) {
			t.Fatalf("%s: %v", name, err)
		}
		if strings.Contains(err.Error(), "11010519491231002") {
			t.Fatalf("%s: the error repeats the number: %v", name, err)
		}
	}
	// A suspended member's analyst.
	d.submit(DemoAssociation, "SuspendMember", contract.MemberStatusRequest{MSPID: DemoBank2, Reason: "audit"})
	_, err := d.n.PoolStatistics(ctx, analyst, PurposeABS, strings.NewReader(body), nil)
	wantCode(t, "a suspended member", err, contract.CodeForbidden)
	// The association's admin may.
	admin := d.client("assoc-admin2", DemoAssociation, RoleAdmin)
	rep, err := d.n.PoolStatistics(ctx, admin, PurposeABS, strings.NewReader(body), nil)
	if err != nil || rep.PoolSize != 1 || !rep.Listed.Suppressed {
		t.Fatalf("association admin: %+v, %v", rep, err)
	}
	// Every attempt is one pool entry, refused ones without a digest when
	// the pool was never read.
	entries, _ := d.n.QueryAudit(AuditFilter{Limit: 1000})
	n := 0
	for _, e := range entries {
		if e.Kind == AuditPool {
			n++
			if e.Outcome != OutcomeOK && e.Subject != "" {
				t.Fatalf("a refused pool with a digest: %+v", e)
			}
		}
	}
	if n != 3+1+6+1+1 {
		t.Fatalf("%d pool entries", n)
	}
}
