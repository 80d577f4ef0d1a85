package contract

import (
	"testing"
	"time"
)

func TestOwnDefaults(t *testing.T) {
	w := newWorld(t)
	d1 := w.file(bank1, w.defaultFor(bank1, hexOf("s1"), "L1", 120, 5000))
	d2 := w.file(bank1, w.defaultFor(bank1, hexOf("s2"), "L2", 100, 7000))
	w.file(bank2, w.defaultFor(bank2, hexOf("s3"), "L3", 100, 9000))
	w.file(bank1, w.closureFor(bank1, "settlement", d2.ID, hexOf("s2")))

	// Refusals: malformed references, too many, an outsider, a bad time.
	w.refuse(bank1, "OwnDefaults", OwnDefaultsRequest{LoanRefs: []string{"L1"}}, CodeInvalidArgument)
	w.refuse(bank1, "OwnDefaults", OwnDefaultsRequest{LoanRefs: make([]string, MaxOwnDefaults+1)}, CodeInvalidArgument)
	w.refuse(bank1, "OwnDefaults", OwnDefaultsRequest{RecordedBefore: "yesterday"}, CodeInvalidArgument)
	w.refuse("OutsiderMSP", "OwnDefaults", OwnDefaultsRequest{}, CodeForbidden)
	w.refuse(bank1, "OwnDefaults", OwnDefaultsRequest{Limit: -1}, CodeInvalidArgument)
	w.refuse(bank1, "OwnDefaults", OwnDefaultsRequest{Limit: MaxOwnDefaults + 1}, CodeInvalidArgument)

	var r OwnDefaultsResult
	if err := w.call(bank1, "OwnDefaults", OwnDefaultsRequest{LoanRefs: []string{hexOf("L1"), hexOf("L3"), hexOf("L2")}}, &r); err != nil {
		t.Fatal(err)
	}
	// L3 is Bank2's: to Bank1 it is missing.
	if len(r.Defaults) != 2 || r.Defaults[0].ID != d1.ID || r.Defaults[0].Amount != 5000 || r.Defaults[1].State != StateSettled ||
		len(r.Missing) != 1 || r.Missing[0] != hexOf("L3") {
		t.Fatalf("by loan: %+v", r)
	}
	if err := w.call(bank1, "OwnDefaults", OwnDefaultsRequest{ActiveOnly: true}, &r); err != nil || len(r.Defaults) != 1 || r.Defaults[0].ID != d1.ID {
		t.Fatalf("active: %+v %v", r, err)
	}
	past := w.now.Add(-time.Hour).Format(time.RFC3339)
	if err := w.call(bank1, "OwnDefaults", OwnDefaultsRequest{RecordedBefore: past}, &r); err != nil || len(r.Defaults) != 0 {
		t.Fatalf("recorded before an hour ago: %+v %v", r, err)
	}
	if err := w.call(bank2, "OwnDefaults", OwnDefaultsRequest{}, &r); err != nil || len(r.Defaults) != 1 || r.Defaults[0].LoanRef != hexOf("L3") {
		t.Fatalf("bank2's: %+v %v", r, err)
	}

	// A listing a loan at a time: Next walks Bank1's book in loan
	// reference order, and the last page has no Next.
	var seen []string
	after := ""
	for range 3 {
		r = OwnDefaultsResult{}
		if err := w.call(bank1, "OwnDefaults", OwnDefaultsRequest{Limit: 1, After: after}, &r); err != nil || len(r.Defaults) != 1 {
			t.Fatalf("limit 1 after %q: %+v %v", after, r, err)
		}
		seen = append(seen, r.Defaults[0].LoanRef)
		if after = r.Next; after == "" {
			break
		}
		if after != r.Defaults[0].LoanRef {
			t.Fatalf("next %s after %s", after, r.Defaults[0].LoanRef)
		}
	}
	if len(seen) != 2 || seen[0] >= seen[1] || !(seen[0] == hexOf("L1") || seen[0] == hexOf("L2")) {
		t.Fatalf("pages %v", seen)
	}
}
