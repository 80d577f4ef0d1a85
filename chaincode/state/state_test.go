package state

import (
	"errors"
	"fmt"
	"testing"

	"github.com/hyperledger/fabric-chaincode-go/v2/shim"
)

func TestCompositeKeyMatchesFabric(t *testing.T) {
	cases := [][]string{{"member", "Bank1MSP"}, {"subj", "ab", "d", "cd"}, {"x"}, {"config", ""}, {"u", "中文"}}
	for _, c := range cases {
		want, err := shim.CreateCompositeKey(c[0], c[1:])
		if err != nil {
			t.Fatal(err)
		}
		got, err := CompositeKey(c[0], c[1:]...)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%v: got %q, Fabric has %q", c, got, want)
		}
		typ, attrs, err := SplitCompositeKey(got)
		if err != nil || typ != c[0] || fmt.Sprint(attrs) != fmt.Sprint(c[1:]) {
			t.Errorf("split %q = %q %q %v", got, typ, attrs, err)
		}
	}
	for _, bad := range []string{"a\x00b", "a\U0010FFFFb", "\xff"} {
		if _, err := CompositeKey("t", bad); err == nil {
			t.Errorf("attribute %q accepted", bad)
		}
	}
	if _, _, err := SplitCompositeKey("plain"); err == nil {
		t.Error("plain key split without error")
	}
}

func key(t *testing.T, attrs ...string) string {
	k, err := CompositeKey("t", attrs...)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

func scanAll(t *testing.T, s State, limit int) []string {
	var out []string
	err := s.Scan("t", nil, func(k string, v []byte) error {
		_, attrs, _ := SplitCompositeKey(k)
		out = append(out, attrs[0]+"="+string(v))
		if len(out) == limit {
			return ErrStop
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestOverlayReadYourWritesAndMergedScan(t *testing.T) {
	base := NewMemory()
	for _, k := range []string{"b", "d", "f"} {
		base.Put(key(t, k), []byte("base"))
	}
	o := NewOverlay(base)
	o.Put(key(t, "a"), []byte("new"))
	o.Put(key(t, "d"), []byte("new"))
	o.Delete(key(t, "f"))
	o.Put(key(t, "g"), []byte("new"))

	if v, _ := o.Get(key(t, "d")); string(v) != "new" {
		t.Errorf("overlay read of d = %q", v)
	}
	if v, _ := o.Get(key(t, "f")); v != nil {
		t.Errorf("deleted key read as %q", v)
	}
	if v, _ := base.Get(key(t, "d")); string(v) != "base" {
		t.Errorf("base changed before flush: %q", v)
	}
	want := "[a=new b=base d=new g=new]"
	if got := fmt.Sprint(scanAll(t, o, 0)); got != want {
		t.Errorf("scan = %s, want %s", got, want)
	}
	if got := fmt.Sprint(scanAll(t, o, 2)); got != "[a=new b=base]" {
		t.Errorf("stopped scan = %s", got)
	}
	if got := fmt.Sprint(scanAll(t, o, 4)); got != want {
		t.Errorf("scan stopped at last = %s", got)
	}

	if err := o.Flush(); err != nil {
		t.Fatal(err)
	}
	if got := fmt.Sprint(scanAll(t, base, 0)); got != want {
		t.Errorf("base after flush = %s, want %s", got, want)
	}
}

func TestChildOverlayMergesOnlyOnRequest(t *testing.T) {
	base := NewMemory()
	o := NewOverlay(base)
	rejected := o.Child()
	rejected.Put(key(t, "x"), []byte("1"))
	accepted := o.Child()
	accepted.Put(key(t, "y"), []byte("2"))
	if v, _ := accepted.Get(key(t, "x")); v != nil {
		t.Error("sibling write visible")
	}
	accepted.Merge()
	if got := fmt.Sprint(scanAll(t, o, 0)); got != "[y=2]" {
		t.Errorf("after merge = %s", got)
	}
}

func TestScanPropagatesErrors(t *testing.T) {
	base := NewMemory()
	base.Put(key(t, "a"), []byte("1"))
	o := NewOverlay(base)
	o.Put(key(t, "b"), []byte("2"))
	boom := errors.New("boom")
	for _, s := range []State{base, o} {
		if err := s.Scan("t", nil, func(string, []byte) error { return boom }); err != boom {
			t.Errorf("%T: got %v", s, err)
		}
	}
}
