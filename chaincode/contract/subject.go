package contract

import (
	"encoding/json"
	fastjson "github.com/goccy/go-json"
	"slices"
	"sort"
	"strconv"
	"time"

	"github.com/assoc-ledger/blacklist/chaincode/attestation"
	"github.com/assoc-ledger/blacklist/chaincode/state"
)

func disputeKey(subject, id string) string { return key("subj", subject, "p", id) }

// subjectDefault is one default with its closure and disputes, as read by
// one scan of the subject's keys.
type subjectDefault struct {
	rec      Record
	closure  *Record
	disputes []Dispute
}

// loadSubject reads everything recorded about a subject's defaults, in
// key order.
func loadSubject(st state.State, subject string) ([]*subjectDefault, error) {
	defs, _, err := loadSubjectAll(st, subject)
	return defs, err
}

// loadSubjectAll reads everything recorded about a subject in one scan:
// its defaults and its protective registrations.
func loadSubjectAll(st state.State, subject string) ([]*subjectDefault, []Protection, error) {
	return loadSubjectRecords(st, subject, nil)
}

// statusRecord is what the status code reads of a default or a closure
// (computeStatus, subjectDefault.state, endedAt, FactsReader): decoding
// these fields only skips the signature and the rest of each record.
type statusRecord struct {
	ID      string `json:"id"`
	Payload struct {
		Type         string `json:"type"`
		Reporter     string `json:"reporter"`
		Product      string `json:"product"`
		Amount       *int64 `json:"amount"`
		Currency     string `json:"currency"`
		OverdueSince string `json:"overdueSince"`
		DaysPastDue  *int   `json:"daysPastDue"`
	} `json:"payload"`
	RecordedAt string `json:"recordedAt"`
}

func (s *statusRecord) record(r *Record) {
	p := &s.Payload
	*r = Record{ID: s.ID, RecordedAt: s.RecordedAt, Payload: attestation.Payload{Type: p.Type, Reporter: p.Reporter,
		Product: p.Product, Amount: p.Amount, Currency: p.Currency, OverdueSince: p.OverdueSince, DaysPastDue: p.DaysPastDue}}
}

// decodeRecord decodes a default or closure, whole or (statusOnly) the
// fields of statusRecord, with short strings interned in n if not nil.
func decodeRecord(v []byte, r *Record, statusOnly bool, n names) error {
	if !statusOnly {
		return fastjson.Unmarshal(v, r)
	}
	var s statusRecord
	if !scanStatusRecord(v, &s, n) {
		s = statusRecord{}
		if err := fastjson.Unmarshal(v, &s); err != nil {
			return err
		}
	}
	s.record(r)
	return nil
}

// statusScratch is what a reader of many subjects' status (FactsReader)
// reuses from one subject to the next: the defaults' memory and the
// interned names of status-only decoding.
type statusScratch struct {
	names names
	defs  []subjectDefault
	ids   []string
	order []*subjectDefault
}

func newStatusScratch() *statusScratch { return &statusScratch{names: new([256]string)} }

// loadSubjectRecords is loadSubjectAll; with sc, the defaults and closures
// hold only what the status code reads (statusRecord), the values are lent
// when st can lend them (state.Lender: every decoder here copies what it
// keeps), and the defaults returned live in sc until the next call.
func loadSubjectRecords(st state.State, subject string, sc *statusScratch) ([]*subjectDefault, []Protection, error) {
	statusOnly := sc != nil
	var n names
	var prots []Protection
	// A subject has a few records: a slice searched in order costs less
	// than a map, and a pool's statistics read a million subjects.
	var ids []string
	var order []*subjectDefault
	newDefault := func() *subjectDefault { return &subjectDefault{} }
	if sc != nil {
		n, ids, order, sc.defs = sc.names, sc.ids[:0], sc.order[:0], sc.defs[:0]
		newDefault = func() *subjectDefault {
			if len(sc.defs) == cap(sc.defs) {
				// The defaults handed out so far stay where they are.
				sc.defs = make([]subjectDefault, 0, max(8, 2*cap(sc.defs)))
			}
			sc.defs = sc.defs[:len(sc.defs)+1]
			d := &sc.defs[len(sc.defs)-1]
			*d = subjectDefault{}
			return d
		}
		defer func() { sc.ids, sc.order = ids, order }()
	}
	find := func(id string) *subjectDefault {
		for i := range ids {
			if ids[i] == id {
				return order[i]
			}
		}
		return nil
	}
	get := func(id string) *subjectDefault {
		d := find(id)
		if d == nil {
			d = newDefault()
			ids, order = append(ids, id), append(order, d)
		}
		return d
	}
	var disputes []Dispute
	scan := st.Scan
	if l, ok := st.(state.Lender); ok && statusOnly {
		scan = l.ScanLent
	}
	err := scan("subj", []string{subject}, func(k string, v []byte) error {
		_, attrs, err := state.SplitCompositeKey(k)
		if err != nil || len(attrs) != 3 {
			return errorf(CodeInternal, "unexpected key %q", k)
		}
		switch attrs[1] {
		case "d":
			return decodeRecord(v, &get(attrs[2]).rec, statusOnly, n)
		case "c":
			var r Record
			if err := decodeRecord(v, &r, statusOnly, n); err != nil {
				return err
			}
			get(attrs[2]).closure = &r
		case "p":
			var d Dispute
			if err := json.Unmarshal(v, &d); err != nil {
				return err
			}
			disputes = append(disputes, d)
		case "r":
			var r Protection
			if err := fastjson.Unmarshal(v, &r); err != nil {
				return err
			}
			prots = append(prots, r)
		}
		return nil
	})
	if err != nil {
		return nil, nil, err
	}
	for _, d := range disputes {
		if sd := find(d.AttestationID); sd != nil {
			sd.disputes = append(sd.disputes, d)
		}
	}
	// A closure or dispute whose default is gone would be a purge bug;
	// such orphans carry no default record and are skipped.
	out := order[:0]
	for _, d := range order {
		if d.rec.ID != "" {
			out = append(out, d)
		}
	}
	return out, prots, nil
}

// subjectAcc gathers one subject's keys as a scan of many subjects visits
// them (Standings, for publications): loadSubjectRecords reads one
// subject's own scan, this takes the keys of a range scan over all.
type subjectAcc struct {
	byID     map[string]*subjectDefault
	order    []*subjectDefault
	disputes []Dispute
}

func newSubjectAcc() *subjectAcc { return &subjectAcc{byID: map[string]*subjectDefault{}} }

func (a *subjectAcc) get(id string) *subjectDefault {
	d := a.byID[id]
	if d == nil {
		d = &subjectDefault{}
		a.byID[id] = d
		a.order = append(a.order, d)
	}
	return d
}

// add takes one key's kind ("d", "c", "p"), id and value.
func (a *subjectAcc) add(kind, id string, v []byte) error {
	switch kind {
	case "d":
		return fastjson.Unmarshal(v, &a.get(id).rec)
	case "c":
		var r Record
		if err := fastjson.Unmarshal(v, &r); err != nil {
			return err
		}
		a.get(id).closure = &r
	case "p":
		var d Dispute
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		a.disputes = append(a.disputes, d)
	}
	return nil
}

// defaults returns the subject's defaults with their disputes.
func (a *subjectAcc) defaults() []*subjectDefault {
	for _, d := range a.disputes {
		if sd := a.byID[d.AttestationID]; sd != nil {
			sd.disputes = append(sd.disputes, d)
		}
	}
	// A closure or dispute whose default is gone would be a purge bug;
	// such orphans carry no default record and are skipped.
	out := a.order[:0]
	for _, d := range a.order {
		if d.rec.ID != "" {
			out = append(out, d)
		}
	}
	return out
}

// endedAt is when the default stopped counting: its closure, or the first
// upheld dispute, whichever came first; "" while it still counts.
func (d *subjectDefault) endedAt() string {
	end := ""
	if d.closure != nil {
		end = d.closure.RecordedAt
	}
	for _, p := range d.disputes {
		if p.State == DisputeUpheld && (end == "" || p.ResolvedAt < end) {
			end = p.ResolvedAt
		}
	}
	return end
}

func (d *subjectDefault) state(p *Policy) string {
	for _, disp := range d.disputes {
		if disp.State == DisputeUpheld {
			return StateOverturned
		}
	}
	if d.closure != nil {
		if d.closure.Payload.Type == attestation.TypeRevocation {
			return StateRevoked
		}
		return StateSettled
	}
	if !p.counts(&d.rec.Payload) {
		return StateBelowThreshold
	}
	return StateActive
}

// threshold reports whether default a counts toward listing and, when it
// does not, what it missed.
func (p *Policy) threshold(a *attestation.Payload) (bool, *Threshold) {
	if p.counts(a) {
		return true, nil
	}
	t := &Threshold{MinDaysPastDue: p.MinDaysPastDue, MinAmount: p.MinAmount[a.Currency], Currency: a.Currency, Missed: []string{}}
	if a.DaysPastDue == nil || *a.DaysPastDue < p.MinDaysPastDue {
		t.Missed = append(t.Missed, "daysPastDue")
	}
	if a.Amount == nil || *a.Amount < p.MinAmount[a.Currency] {
		t.Missed = append(t.Missed, "amount")
	}
	return false, t
}

func (p *Policy) counts(a *attestation.Payload) bool {
	return a.DaysPastDue != nil && *a.DaysPastDue >= p.MinDaysPastDue &&
		a.Amount != nil && *a.Amount >= p.MinAmount[a.Currency]
}

// expired reports whether an ended record has left query results.
func (p *Policy) expired(ended string, now time.Time) bool {
	if ended == "" {
		return false
	}
	t, err := time.Parse(timeLayout, ended)
	if err != nil {
		return false
	}
	return !now.Before(t.AddDate(p.RetentionYears, 0, 0))
}

func (d *Dispute) markOverdue(now time.Time) {
	due, err := time.Parse(timeLayout, d.DueBy)
	d.Overdue = d.State == DisputeOpen && err == nil && !now.Before(due)
}

// visible returns the subject's defaults still within retention.
func visible(defs []*subjectDefault, p *Policy, now time.Time) []*subjectDefault {
	out := defs[:0]
	for _, d := range defs {
		if !p.expired(d.endedAt(), now) {
			for i := range d.disputes {
				d.disputes[i].markOverdue(now)
			}
			out = append(out, d)
		}
	}
	return out
}

func computeStatus(subject string, defs []*subjectDefault, p *Policy) Status {
	s := Status{SubjectKey: subject, Reporters: []string{}, Outstanding: map[string]int64{}}
	for _, d := range defs {
		s.Records++
		st := d.state(p)
		switch st {
		case StateActive:
			s.ActiveDefaults++
			a := &d.rec.Payload
			if !slices.Contains(s.Reporters, a.Reporter) {
				s.Reporters = append(s.Reporters, a.Reporter)
			}
			s.Outstanding[a.Currency] += *a.Amount
			if s.FirstOverdueSince == "" || a.OverdueSince < s.FirstOverdueSince {
				s.FirstOverdueSince = a.OverdueSince
			}
		case StateSettled:
			s.SettledRecords++
		}
		for _, disp := range d.disputes {
			if disp.State == DisputeOpen {
				s.Disputed = true
				if disp.Overdue {
					s.OverdueDisputes++
				}
			}
		}
	}
	slices.Sort(s.Reporters)
	s.Listed = s.ActiveDefaults > 0
	return s
}

// querier refuses anyone but an active member with the querier role or the
// association: lookups are a privilege of membership.
func checkSubject(s string) error {
	if !IsHexDigest(s) {
		return errorf(CodeInvalidArgument, "subject: %q is not a subject key (64 lower-case hex characters)", s)
	}
	return nil
}

// statusWith computes subject's status; with sc, the records are decoded
// status-only (the status code reads nothing else: see StatusOnly) and sc
// is reused from one subject to the next.
func (tx *txn) statusWith(subject string, p *Policy, sc *statusScratch) (Status, error) {
	if err := checkSubject(subject); err != nil {
		return Status{}, err
	}
	defs, prots, err := loadSubjectRecords(tx.st, subject, sc)
	if err != nil {
		return Status{}, err
	}
	s := computeStatus(subject, visible(defs, p, tx.now), p)
	s.Protected = protectedAt(prots, FormatTime(tx.now))
	return s, nil
}

func (c *Contract) subjectStatus(tx *txn, arg []byte) (any, error) {
	var req SubjectRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireQuerier(); err != nil {
		return nil, err
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	return tx.statusWith(req.Subject, p, newStatusScratch())
}

func (c *Contract) subjectStatuses(tx *txn, arg []byte) (any, error) {
	var req SubjectsRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if len(req.Subjects) == 0 || len(req.Subjects) > MaxSubjects {
		return nil, errorf(CodeInvalidArgument, "subjects: between 1 and %d, got %d", MaxSubjects, len(req.Subjects))
	}
	if err := tx.requireQuerier(); err != nil {
		return nil, err
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	// Visiting subjects in key order turns random seeks into a forward
	// walk through the store; answers keep the request's order.
	order := make([]int, len(req.Subjects))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return req.Subjects[order[a]] < req.Subjects[order[b]] })
	out := make([]Status, len(req.Subjects))
	sc := newStatusScratch()
	for _, i := range order {
		s := req.Subjects[i]
		st, err := tx.statusWith(s, p, sc)
		if err != nil {
			if e, ok := err.(*Error); ok {
				e.Msg = "subjects[" + strconv.Itoa(i) + "]: " + e.Msg
			}
			return nil, err
		}
		out[i] = st
	}
	return out, nil
}

func (c *Contract) subjectHistory(tx *txn, arg []byte) (any, error) {
	var req SubjectRequest
	if err := decode(arg, &req); err != nil {
		return nil, err
	}
	if err := tx.requireQuerier(); err != nil {
		return nil, err
	}
	if err := checkSubject(req.Subject); err != nil {
		return nil, err
	}
	p, err := tx.getPolicy()
	if err != nil {
		return nil, err
	}
	defs, prots, err := loadSubjectAll(tx.st, req.Subject)
	if err != nil {
		return nil, err
	}
	h := History{SubjectKey: req.Subject, Entries: []HistoryEntry{}, Protected: protectedAt(prots, FormatTime(tx.now))}
	for _, d := range visible(defs, p, tx.now) {
		e := HistoryEntry{Default: d.rec, State: d.state(p), Closure: d.closure, Disputes: d.disputes}
		if err := tx.fillJWS(&e.Default); err != nil {
			return nil, err
		}
		if e.Closure != nil {
			if err := tx.fillJWS(e.Closure); err != nil {
				return nil, err
			}
		}
		if e.Disputes == nil {
			e.Disputes = []Dispute{}
		}
		h.Entries = append(h.Entries, e)
	}
	return h, nil
}

// overturnedAt returns when an upheld dispute overturned the default, or "".
func (c *Contract) overturnedAt(st state.State, subject, defaultID string) (string, error) {
	at := ""
	err := st.Scan("subj", []string{subject, "p"}, func(_ string, v []byte) error {
		var d Dispute
		if err := json.Unmarshal(v, &d); err != nil {
			return err
		}
		if d.AttestationID == defaultID && d.State == DisputeUpheld {
			at = d.ResolvedAt
			return state.ErrStop
		}
		return nil
	})
	return at, err
}
