package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/assoc-ledger/blacklist/chaincode/contract"
)

// TestLargeStatusQueryMatchesOneByOne: a SubjectStatuses query large
// enough to be answered by several goroutines (node/badgerstate, two
// cores) gives, in request order and duplicates included, exactly the
// statuses SubjectStatus gives subject by subject; and a query with a bad
// subject deep in the list is refused with the contract's own error for
// the whole list, naming that subject's index.
func TestLargeStatusQueryMatchesOneByOne(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	ctx := context.Background()
	l := openTemp(t, t.TempDir())
	defer l.Close()
	k := consortium(t, l)
	for b := 0; b < 3; b++ {
		var batch []string
		for n := b * 100; n < (b+1)*100; n++ {
			jws, _ := signedDefault(t, k, n)
			batch = append(batch, jws)
		}
		if _, _, err := submitBatch(ctx, l, batch...); err != nil {
			t.Fatal(err)
		}
	}
	// Listed subjects (0-299) and unknown ones (300-1199), visited out of
	// key order and some twice.
	subjects := make([]string, contract.MaxSubjects)
	for i := range subjects {
		subjects[i] = hexOf(fmt.Sprint("subject", (i*7)%1200))
	}
	res, err := l.Evaluate(bank1, "SubjectStatuses", mustJSON(contract.SubjectsRequest{Subjects: subjects}))
	if err != nil {
		t.Fatal(err)
	}
	var got []contract.Status
	if err := json.Unmarshal(res.Payload, &got); err != nil {
		t.Fatalf("answer %.200s: %v", res.Payload, err)
	}
	if len(got) != len(subjects) {
		t.Fatalf("%d statuses for %d subjects", len(got), len(subjects))
	}
	one := map[string]string{}
	listed := 0
	for i, s := range subjects {
		want, ok := one[s]
		if !ok {
			r, err := l.Evaluate(bank1, "SubjectStatus", mustJSON(contract.SubjectRequest{Subject: s}))
			if err != nil {
				t.Fatal(err)
			}
			want, one[s] = string(r.Payload), string(r.Payload)
		}
		if g := string(mustJSON(got[i])); g != want {
			t.Fatalf("subjects[%d]: %s in the batch, %s alone", i, g, want)
		}
		if got[i].Listed {
			listed++
		}
	}
	if listed == 0 || listed == len(subjects) {
		t.Fatalf("%d listed answers of %d: the query should mix listed and unknown subjects", listed, len(subjects))
	}

	subjects[7001] = "not-a-key"
	_, err = l.Evaluate(bank1, "SubjectStatuses", mustJSON(contract.SubjectsRequest{Subjects: subjects}))
	var ce *contract.Error
	if !errors.As(err, &ce) || ce.Code != contract.CodeInvalidArgument || !strings.Contains(ce.Msg, "subjects[7001]") {
		t.Fatalf("a bad subject at 7001: %v", err)
	}
	_, err = l.Evaluate("UnknownMSP", "SubjectStatuses", mustJSON(contract.SubjectsRequest{Subjects: subjects[:5000]}))
	if !errors.As(err, &ce) || ce.Code != contract.CodeForbidden {
		t.Fatalf("a non-member's query: %v", err)
	}
}
