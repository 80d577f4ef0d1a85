package contract

import (
	"fmt"
	"testing"
	"time"

	"pgregory.net/rapid"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
)

// modelDefault is the reference model's view of one default.
type modelDefault struct {
	id, reporter, subject, loan string
	dpd                         int
	closed, revoked, overturned bool
	endedAt                     time.Time
	openDispute                 string
}

func (d *modelDefault) active() bool { return !d.closed && !d.overturned && d.dpd >= 90 }

// TestRulesAgainstModel runs random sequences of membership changes,
// filings, settlements, revocations, disputes and the passing of time, and
// checks listed and activeDefaults for every subject against a tiny model.
func TestRulesAgainstModel(t *testing.T) {
	rapid.Check(t, func(rt *rapid.T) {
		w := newWorld(t)
		w.t = rt
		subjects := []string{hexOf("s1"), hexOf("s2"), hexOf("s3")}
		banks := []string{bank1, bank2}
		suspended := map[string]bool{}
		var defs []*modelDefault
		loans := map[string]*modelDefault{} // reporter/loan -> unrevoked default

		pickDefault := func(rt *rapid.T) *modelDefault {
			if len(defs) == 0 {
				rt.Skip("no default yet")
			}
			return defs[rapid.IntRange(0, len(defs)-1).Draw(rt, "default")]
		}
		visible := func(d *modelDefault) bool {
			return d.endedAt.IsZero() || w.now.Before(d.endedAt.AddDate(5, 0, 0))
		}
		end := func(d *modelDefault) {
			if d.endedAt.IsZero() {
				d.endedAt = w.now
			}
		}

		rt.Repeat(map[string]func(*rapid.T){
			"file": func(rt *rapid.T) {
				bank := rapid.SampledFrom(banks).Draw(rt, "bank")
				subj := rapid.SampledFrom(subjects).Draw(rt, "subject")
				loan := fmt.Sprintf("loan-%d", rapid.IntRange(0, 3).Draw(rt, "loan"))
				dpd := rapid.IntRange(85, 95).Draw(rt, "dpd")
				p := w.defaultFor(bank, subj, loan, dpd, 1000)
				jws, id := w.sign(bank, p)
				err := w.call(bank, "SubmitAttestations", SubmitRequest{Attestations: []string{jws}}, nil)
				if suspended[bank] {
					if err == nil {
						rt.Fatal("suspended member filed")
					}
					return
				}
				var r SubmitResult
				if err := w.call(bank, "SubmitAttestations", SubmitRequest{Attestations: []string{jws}}, &r); err != nil {
					rt.Fatal(err)
				}
				// The first call above already recorded it when allowed.
				for _, d := range defs {
					if d.id == id && d.revoked {
						expectItem(rt, r.Results[0], ItemRejected, CodeConflict)
						return
					}
				}
				if existing := loans[bank+"/"+loan]; existing != nil && existing.id != id {
					expectItem(rt, r.Results[0], ItemRejected, CodeConflict)
					return
				}
				expectItem(rt, r.Results[0], ItemDuplicate, "")
				if loans[bank+"/"+loan] == nil {
					d := &modelDefault{id: id, reporter: bank, subject: subj, loan: loan, dpd: dpd}
					defs = append(defs, d)
					loans[bank+"/"+loan] = d
				}
			},
			"close": func(rt *rapid.T) {
				d := pickDefault(rt)
				by := rapid.SampledFrom(append([]string{assoc}, banks...)).Draw(rt, "by")
				typ := rapid.SampledFrom([]string{attestation.TypeSettlement, attestation.TypeRevocation}).Draw(rt, "type")
				p := w.closureFor(by, typ, d.id, d.subject)
				jws, _ := w.sign(by, p)
				var r SubmitResult
				err := w.call(by, "SubmitAttestations", SubmitRequest{Attestations: []string{jws}}, &r)
				if suspended[by] {
					if err == nil {
						rt.Fatal("suspended member closed a default")
					}
					return
				}
				if err != nil {
					rt.Fatal(err)
				}
				allowed := (by == d.reporter || by == assoc) && !d.closed && !d.overturned && visible(d)
				if allowed != (r.Accepted == 1) {
					rt.Fatalf("close of %+v by %s: %+v, model allows %v", *d, by, r.Results[0], allowed)
				}
				if allowed {
					d.closed, d.revoked = true, typ == attestation.TypeRevocation
					end(d)
					if d.revoked {
						delete(loans, d.reporter+"/"+d.loan)
					}
				}
			},
			"admit": func(rt *rapid.T) {
				if len(banks) >= 4 {
					rt.Skip("enough banks")
				}
				msp := fmt.Sprintf("NewBank%dMSP", len(banks))
				w.admit(msp, "91350100M000100Y43", RoleReporter, RoleQuerier)
				banks = append(banks, msp)
			},
			"suspend": func(rt *rapid.T) {
				bank := rapid.SampledFrom(banks).Draw(rt, "bank")
				fn := "SuspendMember"
				if suspended[bank] {
					fn = "ReinstateMember"
				}
				w.must(assoc, fn, MemberStatusRequest{MSPID: bank, Reason: "property test"})
				suspended[bank] = !suspended[bank]
			},
			"dispute": func(rt *rapid.T) {
				d := pickDefault(rt)
				var got Dispute
				err := w.call(bank3, "OpenDispute", OpenDisputeRequest{AttestationID: d.id, ReasonCode: "other", StatementDigest: hexOf("s")}, &got)
				allowed := visible(d) && !d.revoked && !d.overturned && d.openDispute == ""
				if allowed != (err == nil) {
					rt.Fatalf("dispute on %+v: %v, model allows %v", *d, err, allowed)
				}
				if allowed {
					d.openDispute = got.ID
				}
			},
			"resolve": func(rt *rapid.T) {
				d := pickDefault(rt)
				if d.openDispute == "" {
					rt.Skip("no open dispute")
				}
				upheld := rapid.Bool().Draw(rt, "upheld")
				outcome := DisputeRejected
				if upheld {
					outcome = DisputeUpheld
				}
				err := w.call(d.reporter, "ResolveDispute", ResolveDisputeRequest{DisputeID: d.openDispute, Outcome: outcome, Note: "checked"}, nil)
				if suspended[d.reporter] != (err != nil) {
					rt.Fatalf("resolve by %s (suspended %v): %v", d.reporter, suspended[d.reporter], err)
				}
				if err == nil {
					d.openDispute = ""
					if upheld {
						d.overturned = true
						end(d)
					}
				}
			},
			"time passes": func(rt *rapid.T) {
				w.now = w.now.AddDate(0, 0, rapid.SampledFrom([]int{1, 30, 400, 2000}).Draw(rt, "days"))
			},
			"": func(rt *rapid.T) {
				for _, subj := range subjects {
					want := 0
					for _, d := range defs {
						if d.subject == subj && d.active() {
							want++
						}
					}
					s := w.status(subj)
					if s.ActiveDefaults != want || s.Listed != (want > 0) {
						rt.Fatalf("subject %s: status %+v, model has %d active", subj[:8], s, want)
					}
				}
			},
		})
	})
}
