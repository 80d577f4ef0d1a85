package pool

import (
	"math"
	"slices"
	"strings"
)

// Cell is one figure of a report: a count of subjects and its share of
// the pool, or, under the minimum count, neither and Suppressed.
type Cell struct {
	Count      *int     `json:"count,omitempty"`
	Share      *float64 `json:"share,omitempty"`
	Suppressed bool     `json:"suppressed,omitempty"`
}

// Bucket is a named cell of a histogram or a breakdown.
type Bucket struct {
	Bucket string `json:"bucket"`
	Cell
}

// CurrencyCell is the outstanding total of one currency: the subjects
// with active defaults in it and, when they are not suppressed, their
// total in minor units (a decimal string: a pool's total can exceed 2^63).
type CurrencyCell struct {
	Currency string `json:"currency"`
	Subjects Cell   `json:"subjects"`
	Total    string `json:"total,omitempty"`
}

// OtherBucket names the cell that merges suppressed open categories.
const OtherBucket = "other"

// Report is what a pool's statistics answer: aggregates only.
type Report struct {
	AsOf       uint64 `json:"asOf"`
	Time       string `json:"time"`
	PoolDigest string `json:"poolDigest"`
	PoolSize   int    `json:"poolSize"`
	Duplicates int    `json:"duplicates"`
	MinCount   int    `json:"minCount"`
	Listed     Cell   `json:"listed"`
	NotListed  Cell   `json:"notListed"`
	// ActiveDefaults: listed subjects by active defaults (1, 2, 3, 4+).
	ActiveDefaults []Bucket `json:"activeDefaults"`
	// OtherMembers: subjects by members other than the asker with active
	// defaults on them (0, 1, 2, 3+).
	OtherMembers []Bucket `json:"otherMembers"`
	// DaysPastDue: listed subjects by days since their earliest active
	// default's overdueSince (under-90, 90-179, 180-359, 360+).
	DaysPastDue []Bucket `json:"daysPastDue"`
	// Products: subjects with an active default of each product.
	Products    []Bucket       `json:"products"`
	Outstanding []CurrencyCell `json:"outstanding"`
	Disputed    Cell           `json:"disputed"`
	Protected   Cell           `json:"protected"`
	// Vintages: listed subjects by the quarter of their earliest active
	// default's overdueSince, oldest first, then "other".
	Vintages []Bucket `json:"vintages"`
}

// partition decides which cells of a partition of a total to suppress:
// every cell when the total is suppressed (shown cells would add up to
// it); otherwise those under min, and more (smallest first) until the
// suppressed cells are none, or at least two that add up to at least min,
// or all: a single suppressed cell, or several adding up to less than
// min, could be recovered from the total by subtraction.
func partition(counts []int, totalShown bool, min int) []bool {
	sup := make([]bool, len(counts))
	for i, c := range counts {
		sup[i] = c < min || !totalShown
	}
	if !totalShown {
		return sup
	}
	for {
		n, sum := 0, 0
		for i := range counts {
			if sup[i] {
				n++
				sum += counts[i]
			}
		}
		if n == 0 || (n >= 2 && sum >= min) {
			return sup
		}
		j := -1
		for i := range counts {
			if !sup[i] && (j < 0 || counts[i] < counts[j]) {
				j = i
			}
		}
		if j < 0 {
			return sup
		}
		sup[j] = true
	}
}

func cell(count, size int, suppressed bool) Cell {
	if suppressed {
		return Cell{Suppressed: true}
	}
	c := count
	share := math.Round(float64(count)/float64(size)*1e6) / 1e6
	return Cell{Count: &c, Share: &share}
}

func buckets(names []string, counts []int, sup []bool, size int) []Bucket {
	out := make([]Bucket, len(names))
	for i := range names {
		out[i] = Bucket{Bucket: names[i], Cell: cell(counts[i], size, sup[i])}
	}
	return out
}

// Report turns a tally into what may be answered, with min as the
// minimum count.
func (t *Tally) Report(min int) Report {
	size := t.Subjects
	r := Report{PoolSize: size, MinCount: min}

	// The pool by listing; the listed by active defaults, days past due
	// and first-overdue quarter.
	sup := partition([]int{t.Listed, size - t.Listed}, true, min)
	r.Listed, r.NotListed = cell(t.Listed, size, sup[0]), cell(size-t.Listed, size, sup[1])
	listedShown := !sup[0]
	ad := t.ActiveDefaults[1:]
	r.ActiveDefaults = buckets([]string{"1", "2", "3", "4+"}, ad, partition(ad, listedShown, min), size)
	dpd := t.DaysPastDue[:]
	r.DaysPastDue = buckets([]string{"under-90", "90-179", "180-359", "360+"}, dpd, partition(dpd, listedShown, min), size)

	// Open categories: those under min are merged into "other", which is
	// always there, so that not even their presence is told.
	quarters := make([]string, 0, len(t.Vintages))
	for q := range t.Vintages {
		quarters = append(quarters, q)
	}
	slices.Sort(quarters)
	var names []string
	var counts []int
	other := 0
	for _, q := range quarters {
		if c := t.Vintages[q]; c >= min {
			names, counts = append(names, q), append(counts, c)
		} else {
			other += c
		}
	}
	names, counts = append(names, OtherBucket), append(counts, other)
	r.Vintages = buckets(names, counts, partition(counts, listedShown, min), size)

	om := t.OtherMembers[:]
	r.OtherMembers = buckets([]string{"0", "1", "2", "3+"}, om, partition(om, true, min), size)

	// Overlapping breakdowns of the listed subjects: primary suppression
	// only, and none shown when the listed count is suppressed (a
	// breakdown could add up to it).
	for _, p := range Products {
		name := p
		if name == "" {
			name = "unspecified"
		}
		c := t.Products[p]
		r.Products = append(r.Products, Bucket{Bucket: name, Cell: cell(c, size, c < min || !listedShown)})
	}
	currencies := make([]string, 0, len(t.Currencies))
	for cur := range t.Currencies {
		currencies = append(currencies, cur)
	}
	slices.Sort(currencies)
	otherSubjects := 0
	for _, cur := range currencies {
		c := t.Currencies[cur]
		if c.Subjects < min || !listedShown {
			otherSubjects += c.Subjects
			continue
		}
		r.Outstanding = append(r.Outstanding, CurrencyCell{Currency: cur, Subjects: cell(c.Subjects, size, false), Total: c.Total.String()})
	}
	r.Outstanding = append(r.Outstanding, CurrencyCell{Currency: strings.ToLower(OtherBucket), Subjects: cell(otherSubjects, size, otherSubjects < min || !listedShown)})
	r.Disputed = cell(t.Disputed, size, t.Disputed < min)
	r.Protected = cell(t.Protected, size, t.Protected < min)
	return r
}
