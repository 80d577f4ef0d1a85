package publication_test

import (
	"bytes"
	"io"
	"sort"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/publication"
)

const benchSubjects = 1_000_000

func benchStandings(n int, changed func(i int) (publication.Standing, bool)) []publication.Standing {
	ss := make([]publication.Standing, 0, n)
	for i := 0; i < n; i++ {
		if s, ok := changed(i); ok {
			if s.Subject != "" {
				ss = append(ss, s)
			}
			continue
		}
		ss = append(ss, publication.Standing{Subject: subject(i), Listed: true, Entry: entry(i, 1)})
	}
	sort.Slice(ss, func(a, b int) bool { return ss[a].Subject < ss[b].Subject })
	return ss
}

func none(int) (publication.Standing, bool) { return publication.Standing{}, false }

// BenchmarkPublish1M: computing a publication of 1,000,000 listed subjects
// (entries, root, diff from an empty predecessor), streamed to a discarding
// sink as the node streams to its store.
func BenchmarkPublish1M(b *testing.B) {
	ss := benchStandings(benchSubjects, none)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		bl, err := publication.NewBuilder(publication.Meta{Origin: "o", Number: 1}, nil, publication.Sink{})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range ss {
			if err := bl.Add(s); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := bl.Finish(); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkDiff1Percent: publication 2 over 1,000,000 subjects of which 1%
// changed (a third removed, a third changed, a third new); reports the
// diff's size in bytes.
func BenchmarkDiff1Percent(b *testing.B) {
	prev := benchStandings(benchSubjects, none)
	prevEntries := make([]publication.Entry, len(prev))
	for i, s := range prev {
		prevEntries[i] = s.Entry
	}
	cur := benchStandings(benchSubjects, func(i int) (publication.Standing, bool) {
		switch i % 300 {
		case 0:
			return publication.Standing{Subject: subject(i), Reason: publication.ReasonSettled}, true
		case 1:
			return publication.Standing{Subject: subject(i), Listed: true, Entry: entry(i, 2)}, true
		case 2:
			return publication.Standing{Subject: subject(benchSubjects + i), Listed: true, Entry: entry(benchSubjects+i, 1)}, true
		}
		return publication.Standing{}, false
	})
	first := publication.Header{Format: publication.Format, Origin: "o", Number: 1}
	var size int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		size = 0
		bl, err := publication.NewBuilder(publication.Meta{Origin: "o", Number: 2, Previous: &first}, publication.SliceNext(prevEntries),
			publication.Sink{Change: func(c publication.Change) error { size += len(c.Encode()) + 1; return nil }})
		if err != nil {
			b.Fatal(err)
		}
		for _, s := range cur {
			if err := bl.Add(s); err != nil {
				b.Fatal(err)
			}
		}
		if _, err := bl.Finish(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(size), "diff-bytes")
}

// BenchmarkVerify1M: an agency's offline check of a full publication of
// 1,000,000 entries (signatures, parsing every line, the root).
func BenchmarkVerify1M(b *testing.B) {
	c := newConsortium(&testing.T{}, 2)
	ss := benchStandings(benchSubjects, none)
	var f bytes.Buffer
	bl, _ := publication.NewBuilder(publication.Meta{Origin: "test-origin", Number: 1}, nil, publication.Sink{})
	var lines bytes.Buffer
	for _, s := range ss {
		_ = bl.Add(s)
		lines.Write(append(s.Entry.Encode(), '\n'))
	}
	h, err := bl.Finish()
	if err != nil {
		b.Fatal(err)
	}
	n1, _ := publication.Sign(h, c.keys["AssocMSP"].Signer)
	n2, _ := publication.Sign(h, c.keys["Bank1MSP"].Signer)
	note, _ := publication.Merge(n1, n2)
	_ = publication.WritePreamble(&f, publication.Preamble{View: publication.ViewFull, Header: h, Note: string(note)})
	f.Write(lines.Bytes())
	b.SetBytes(int64(f.Len()))
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		rep, err := publication.Verify(bytes.NewReader(f.Bytes()), nil, c.tr)
		if err != nil || !rep.OK() {
			b.Fatal(err)
		}
	}
	_ = io.Discard
}
