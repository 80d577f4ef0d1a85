package embedded

import (
	"context"
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/dgraph-io/badger/v4"
	"pgregory.net/rapid"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/contract"
	"github.com/assoc-ledger/blacklist/node/badgerstate"
	"github.com/assoc-ledger/blacklist/node/ledger"
)

const bank2 = "Bank2MSP"

// testClock is a ledger clock the test moves forward.
type testClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *testClock) now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.t }
func (c *testClock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// checkShadow checks, on one snapshot of l, that the status shadow is the
// slim image of the state, and that every subject's status and facts
// read through the shadow equal those read from the full records.
func checkShadow(t interface {
	Helper()
	Fatal(...any)
}, l *Ledger, subjects []string) {
	t.Helper()
	err := l.db.View(func(txn *badger.Txn) error {
		if err := badgerstate.VerifyShadow(txn); err != nil {
			return err
		}
		arg := mustJSON(contract.SubjectsRequest{Subjects: subjects})
		now := l.clock()
		full := &badgerstate.Reader{Txn: txn, MSPID: bank1, Now: now}
		slim := &badgerstate.Reader{Txn: txn, MSPID: bank1, Now: now, Shadow: true}
		want, err := l.contract.Invoke(full, contract.TxSubjectStatuses.Name, arg)
		if err != nil {
			return err
		}
		got, err := l.contract.Invoke(slim, contract.TxSubjectStatuses.Name, arg)
		if err != nil {
			return err
		}
		if string(got) != string(want) {
			return fmt.Errorf("statuses through the shadow:\n%s\nthrough the state:\n%s", got, want)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Pool statistics' readers: facts through the status reader equal
	// facts through the full one.
	err = l.View(func(snap ledger.Snapshot) error {
		st, release := snap.NewReader()
		defer release()
		sst, srelease := snap.StatusReader()
		defer srelease()
		pol, err := contract.ReadPolicy(st)
		if err != nil {
			return err
		}
		fr, sr := contract.NewFactsReader(st, pol, snap.Time), contract.NewFactsReader(sst, pol, snap.Time)
		for _, s := range subjects {
			a, err := fr.Facts(s)
			if err != nil {
				return err
			}
			b, err := sr.Facts(s)
			if err != nil {
				return err
			}
			if ja, jb := mustJSON(a), mustJSON(b); string(ja) != string(jb) {
				return fmt.Errorf("facts of %s through the shadow %s, through the state %s", s, jb, ja)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestShadowMatchesStateUnderRandomHistories runs random sequences of
// defaults, settlements, revocations, disputes and their outcomes,
// protective registrations, the passing of years and retention purges
// through the embedded ledger, and after each step finds the shadow equal
// to the slim image of the state and every status the same through both.
func TestShadowMatchesStateUnderRandomHistories(t *testing.T) {
	keys := map[string]*attestationKey{}
	rapid.Check(t, func(rt *rapid.T) {
		clock := &testClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
		l, err := Open(Options{InMemory: true, Clock: clock.now})
		if err != nil {
			rt.Fatal(err)
		}
		defer l.Close()
		ctx := context.Background()
		submit := func(creator, fn string, req any, out any) error {
			res, err := l.Submit(ctx, creator, fn, mustJSON(req))
			if err == nil && out != nil {
				err = json.Unmarshal(res.Payload, out)
			}
			return err
		}
		if err := submit(assoc, "Init", contract.InitRequest{Association: assoc, LegalName: "Association"}, nil); err != nil {
			rt.Fatal(err)
		}
		for i, msp := range []string{bank1, bank2} {
			k := keyFor(rt, keys, msp)
			err := submit(assoc, "AdmitMember", contract.AdmitMemberRequest{MSPID: msp, LegalName: "Bank " + msp,
				CreditCode: []string{"91350100M000100Y43", "91110000600037341L"}[i], Roles: []string{"reporter", "querier"},
				Keys: []contract.KeyRequest{{KID: "k1", PublicKey: k.pem}}}, nil)
			if err != nil {
				rt.Fatal(err)
			}
		}
		subjects := []string{hexOf("s1"), hexOf("s2"), hexOf("s3")}
		var defaults, disputes []string
		reporterOf := map[string]string{}
		subjectOf := map[string]string{}
		sign := func(rt *rapid.T, msp string, p *attestation.Payload) string {
			jws, _, err := attestation.Sign(p, keys[msp].key, "k1")
			if err != nil {
				rt.Fatal(err)
			}
			return jws
		}
		file := func(rt *rapid.T, msp string, p *attestation.Payload) contract.ItemResult {
			var r contract.SubmitResult
			if err := submit(msp, "SubmitAttestations", contract.SubmitRequest{Attestations: []string{sign(rt, msp, p)}}, &r); err != nil {
				rt.Fatal(err)
			}
			return r.Results[0]
		}
		rt.Repeat(map[string]func(*rapid.T){
			"default": func(rt *rapid.T) {
				msp := rapid.SampledFrom([]string{bank1, bank2}).Draw(rt, "bank")
				subj := rapid.SampledFrom(subjects).Draw(rt, "subject")
				dpd := rapid.IntRange(80, 200).Draw(rt, "dpd")
				amount := rapid.Int64Range(1, 500000).Draw(rt, "amount")
				now := clock.now()
				p := &attestation.Payload{V: 1, Type: "default", Reporter: msp, Subject: subj, IssuedAt: now.Add(-time.Minute).Format(time.RFC3339),
					LoanRef: hexOf(fmt.Sprint("loan", rapid.IntRange(0, 5).Draw(rt, "loan"))), Product: rapid.SampledFrom([]string{"consumer", "mortgage"}).Draw(rt, "product"),
					Amount: &amount, Currency: "CNY", OverdueSince: now.AddDate(0, 0, -dpd-10).Format("2006-01-02"),
					DaysPastDue: &dpd, NoticeDate: now.AddDate(0, 0, -5).Format("2006-01-02")}
				if r := file(rt, msp, p); r.Status == contract.ItemAccepted {
					defaults = append(defaults, r.ID)
					reporterOf[r.ID], subjectOf[r.ID] = msp, subj
				}
			},
			// Several records of one subject in one commit: a batch of
			// defaults in one transaction, or transactions submitted at
			// once, which the ledger commits in one group.
			"batch": func(rt *rapid.T) {
				msp := rapid.SampledFrom([]string{bank1, bank2}).Draw(rt, "bank")
				subj := rapid.SampledFrom(subjects).Draw(rt, "subject")
				n := rapid.IntRange(2, 4).Draw(rt, "n")
				together := rapid.Bool().Draw(rt, "one transaction")
				now := clock.now()
				var jws []string
				for i := range n {
					dpd, amount := 90+i, int64(1000*(i+1))
					jws = append(jws, sign(rt, msp, &attestation.Payload{V: 1, Type: "default", Reporter: msp, Subject: subj, IssuedAt: now.Add(-time.Minute).Format(time.RFC3339),
						LoanRef: hexOf(fmt.Sprint("batch", rapid.IntRange(0, 20).Draw(rt, "loan"))), Product: "consumer",
						Amount: &amount, Currency: "CNY", OverdueSince: now.AddDate(0, 0, -dpd-10).Format("2006-01-02"),
						DaysPastDue: &dpd, NoticeDate: now.AddDate(0, 0, -5).Format("2006-01-02")}))
				}
				var results []contract.ItemResult
				if together {
					var r contract.SubmitResult
					if err := submit(msp, "SubmitAttestations", contract.SubmitRequest{Attestations: jws}, &r); err != nil {
						rt.Fatal(err)
					}
					results = r.Results
				} else {
					rs := make([]contract.SubmitResult, n)
					var wg sync.WaitGroup
					for i := range jws {
						wg.Add(1)
						go func() {
							defer wg.Done()
							submit(msp, "SubmitAttestations", contract.SubmitRequest{Attestations: jws[i : i+1]}, &rs[i])
						}()
					}
					wg.Wait()
					for _, r := range rs {
						results = append(results, r.Results...)
					}
				}
				for _, r := range results {
					if r.Status == contract.ItemAccepted {
						defaults = append(defaults, r.ID)
						reporterOf[r.ID], subjectOf[r.ID] = msp, subj
					}
				}
			},
			"close": func(rt *rapid.T) {
				if len(defaults) == 0 {
					rt.Skip("no default")
				}
				id := rapid.SampledFrom(defaults).Draw(rt, "default")
				typ := rapid.SampledFrom([]string{"settlement", "revocation"}).Draw(rt, "type")
				now := clock.now()
				p := &attestation.Payload{V: 1, Type: typ, Reporter: reporterOf[id], Subject: subjectOf[id], IssuedAt: now.Add(-time.Minute).Format(time.RFC3339), RefersTo: id}
				if typ == "settlement" {
					paid := int64(100000)
					p.SettledOn, p.Kind, p.Amount = now.Format("2006-01-02"), "full", &paid
				} else {
					p.Reason = "filed in error"
				}
				file(rt, reporterOf[id], p)
			},
			"dispute": func(rt *rapid.T) {
				if len(defaults) == 0 {
					rt.Skip("no default")
				}
				id := rapid.SampledFrom(defaults).Draw(rt, "default")
				other := bank1
				if reporterOf[id] == bank1 {
					other = bank2
				}
				var d contract.Dispute
				if submit(other, "OpenDispute", contract.OpenDisputeRequest{AttestationID: id, ReasonCode: "not-mine", StatementDigest: hexOf("statement")}, &d) == nil {
					disputes = append(disputes, d.ID)
					reporterOf[d.ID] = reporterOf[id]
				}
			},
			"resolve": func(rt *rapid.T) {
				if len(disputes) == 0 {
					rt.Skip("no dispute")
				}
				id := rapid.SampledFrom(disputes).Draw(rt, "dispute")
				outcome := rapid.SampledFrom([]string{contract.DisputeUpheld, contract.DisputeRejected}).Draw(rt, "outcome")
				submit(reporterOf[id], "ResolveDispute", contract.ResolveDisputeRequest{DisputeID: id, Outcome: outcome, Note: "checked"}, nil)
			},
			"protect": func(rt *rapid.T) {
				subj := rapid.SampledFrom(subjects).Draw(rt, "subject")
				if rapid.Bool().Draw(rt, "remove") {
					submit(bank1, "RemoveProtection", contract.ProtectionRequest{Subject: subj}, nil)
					return
				}
				submit(bank1, "RegisterProtection", contract.RegisterProtectionRequest{Subject: subj, ReasonCode: contract.ProtectionDocumentsStolen, CaseRef: hexOf("case" + subj)}, nil)
			},
			"years pass": func(rt *rapid.T) {
				clock.add(time.Duration(rapid.IntRange(1, 7*365).Draw(rt, "days")) * 24 * time.Hour)
			},
			"purge": func(rt *rapid.T) {
				if err := submit(assoc, "PurgeExpired", contract.PurgeRequest{Limit: rapid.IntRange(1, 10).Draw(rt, "limit")}, nil); err != nil {
					rt.Fatal(err)
				}
			},
			"": func(rt *rapid.T) { checkShadow(rt, l, subjects) },
		})
		checkShadow(rt, l, subjects)
		if _, err := l.Verify(); err != nil {
			rt.Fatal(err)
		}
	})
}

type attestationKey struct {
	key *ecdsa.PrivateKey
	pem string
}

// keyFor is msp's signing key, made once for every run of the property.
func keyFor(t interface{ Fatal(...any) }, keys map[string]*attestationKey, msp string) *attestationKey {
	if k := keys[msp]; k != nil {
		return k
	}
	k, err := attestation.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	pem, err := attestation.MarshalPublicKeyPEM(&k.PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	keys[msp] = &attestationKey{key: k, pem: pem}
	return keys[msp]
}

// TestShadowBuiltOnOpenOfAnOldStore removes the shadow and its marker
// from a ledger store, as a store written before the shadow is, and finds
// it built again on open: Verify passes and status queries, which read
// the shadow, answer as before.
func TestShadowBuiltOnOpenOfAnOldStore(t *testing.T) {
	dir := t.TempDir()
	l := openTemp(t, dir)
	k := consortium(t, l)
	var jws []string
	for i := range 30 {
		s, _ := signedDefault(t, k, i)
		jws = append(jws, s)
	}
	if r, _, err := submitBatch(context.Background(), l, jws...); err != nil || r.Accepted != 30 {
		t.Fatalf("%+v %v", r, err)
	}
	var subjects []string
	for i := range 30 {
		subjects = append(subjects, hexOf(fmt.Sprint("subject", i)))
	}
	slices.Sort(subjects)
	arg := mustJSON(contract.SubjectsRequest{Subjects: subjects})
	before, err := l.Evaluate(bank1, "SubjectStatuses", arg)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(before.Payload), `"listed":true`) {
		t.Fatalf("no subject listed: %s", before.Payload)
	}
	l.Close()

	db, err := badger.Open(StoreOptions(dir).WithLogger(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := db.DropPrefix(badgerstate.ShadowPrefix, []byte{'x'}); err != nil {
		t.Fatal(err)
	}
	err = db.View(func(txn *badger.Txn) error { return badgerstate.VerifyShadow(txn) })
	if !errors.Is(err, badgerstate.ErrShadowMismatch) {
		t.Fatalf("a store without its shadow verifies: %v", err)
	}
	if ok, _ := badgerstate.ShadowState(db); ok {
		t.Fatal("the marker survived")
	}
	db.Close()

	l = openTemp(t, dir)
	defer l.Close()
	if _, err := l.Verify(); err != nil {
		t.Fatalf("after the shadow was built on open: %v", err)
	}
	after, err := l.Evaluate(bank1, "SubjectStatuses", arg)
	if err != nil || string(after.Payload) != string(before.Payload) {
		t.Fatalf("statuses after the rebuild:\n%s (%v)\nbefore:\n%s", after.Payload, err, before.Payload)
	}
	checkShadow(t, l, subjects)
}
