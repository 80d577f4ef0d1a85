package pool

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
)

func hexOf(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

func TestPartition(t *testing.T) {
	for _, c := range []struct {
		name   string
		counts []int
		shown  bool
		want   []bool
	}{
		{"all large", []int{10, 20, 30}, true, []bool{false, false, false}},
		{"one small: the next smallest too", []int{3, 20, 12}, true, []bool{true, false, true}},
		{"two small adding up under min: the next smallest", []int{3, 4, 50, 40}, true, []bool{true, true, false, true}},
		{"two small adding up to min", []int{5, 5, 50}, true, []bool{true, true, false}},
		{"a zero counts as small", []int{0, 100, 200}, true, []bool{true, true, false}},
		{"everything small", []int{1, 2}, true, []bool{true, true}},
		{"total suppressed: every cell", []int{30, 40}, false, []bool{true, true}},
	} {
		if got := partition(c.counts, c.shown, 10); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestRead(t *testing.T) {
	derive := func(idType, number string) (string, error) {
		if idType != "cn-ric" {
			return "", errors.New("unknown id type")
		}
		return hexOf(number), nil
	}
	in := fmt.Sprintf("{\"subjectKey\":%q}\n\n  {\"subjectKey\": %q}\r\n{\"idType\":\"cn-ric\",\"idNumber\":\"N1\"}\n{\"subjectKey\":%q}", hexOf("b"), hexOf("a"), hexOf("b"))
	var seen []int
	p, err := Read(strings.NewReader(in), derive, func(n int) { seen = append(seen, n) })
	if err != nil {
		t.Fatal(err)
	}
	want := []string{hexOf("a"), hexOf("b"), hexOf("N1")}
	slices.Sort(want)
	var got []string
	for _, k := range p.Keys {
		got = append(got, k.Hex())
	}
	if !slices.Equal(got, want) || p.Lines != 4 || p.Duplicates != 1 {
		t.Fatalf("keys %v lines %d duplicates %d", got, p.Lines, p.Duplicates)
	}
	// The digest does not depend on order or repetition.
	q, _ := Read(strings.NewReader(fmt.Sprintf("{\"subjectKey\":%q}\n{\"subjectKey\":%q}\n{\"subjectKey\":%q}\n", hexOf("N1"), hexOf("b"), hexOf("a"))), nil, nil)
	if q.Digest() != p.Digest() {
		t.Fatal("the digest depends on the order")
	}

	for name, c := range map[string]struct {
		in   string
		line int
	}{
		"not a key":       {"{\"subjectKey\":\"ABC\"}\n", 1},
		"unknown field":   {"\n{\"subject\":\"" + hexOf("a") + "\"}\n", 2},
		"both":            {"{\"subjectKey\":\"" + hexOf("a") + "\",\"idType\":\"cn-ric\",\"idNumber\":\"1\"}", 1},
		"bad type":        {"{\"idType\":\"x\",\"idNumber\":\"1\"}", 1},
		"plain text":      {"11010519491231002X\n", 1},
		"too long a line": {strings.Repeat(" ", 70000) + "\n", 1},
	} {
		_, err := Read(strings.NewReader(c.in), derive, nil)
		var le *LineError
		if !errors.As(err, &le) || le.Line != c.line {
			t.Errorf("%s: %v, want an error at line %d", name, err, c.line)
		}
		if err != nil && strings.Contains(err.Error(), "11010519491231002X") {
			t.Errorf("%s: the error repeats the line", name)
		}
	}
	if _, err := Read(strings.NewReader("\n \n"), nil, nil); !errors.Is(err, ErrEmpty) {
		t.Fatalf("empty: %v", err)
	}
	if _, err := Read(strings.NewReader("{\"idType\":\"cn-ric\",\"idNumber\":\"1\"}"), nil, nil); err == nil {
		t.Fatal("an identity number without a deriver")
	}
}

func TestReadRefusesMoreThanMax(t *testing.T) {
	var b strings.Builder
	line := "{\"subjectKey\":\"" + hexOf("x") + "\"}\n"
	for i := 0; i <= MaxSubjects; i++ {
		b.WriteString(line)
	}
	if _, err := Read(strings.NewReader(b.String()), nil, nil); !errors.Is(err, ErrTooMany) {
		t.Fatalf("%v, want ErrTooMany", err)
	}
}

func TestDifference(t *testing.T) {
	a := []uint64{1, 3, 5, 7}
	for _, c := range []struct {
		b    []uint64
		want int
	}{{[]uint64{1, 3, 5, 7}, 0}, {[]uint64{1, 3, 5}, 1}, {[]uint64{1, 3, 5, 7, 9}, 1}, {[]uint64{2, 4, 6, 8}, 8}, {nil, 4}} {
		if got := Difference(a, c.b); got != c.want {
			t.Errorf("%v: %d, want %d", c.b, got, c.want)
		}
	}
}
