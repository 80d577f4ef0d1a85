package state

import (
	"fmt"
	"testing"
)

// announcing is a Memory that records what it is asked to read ahead.
type announcing struct {
	*Memory
	announced [][]string
}

func (a *announcing) Prefetch(keys []string) { a.announced = append(a.announced, keys) }

func TestOverlayPrefetchSkipsBufferedKeys(t *testing.T) {
	base := &announcing{Memory: NewMemory()}
	o := NewOverlay(base)
	if err := o.Put("written", []byte("v")); err != nil {
		t.Fatal(err)
	}
	if err := o.Delete("deleted"); err != nil {
		t.Fatal(err)
	}
	child := o.Child()
	if err := child.Put("child", []byte("v")); err != nil {
		t.Fatal(err)
	}
	// The child's and its parent's buffered keys (a delete included) are
	// answered from the buffers, never from the base: not announced.
	Prefetch(child, []string{"a", "written", "child", "deleted", "b"})
	if got := fmt.Sprint(base.announced); got != "[[a b]]" {
		t.Errorf("announced %s, want [[a b]]", got)
	}
	// Nothing left to announce: the base is not asked.
	Prefetch(child, []string{"written"})
	Prefetch(o, nil)
	if len(base.announced) != 1 {
		t.Errorf("announced %v", base.announced)
	}
}

func TestPrefetchIgnoredWithoutPrefetcher(t *testing.T) {
	m := NewMemory()
	o := NewOverlay(m)
	Prefetch(o, []string{"a"}) // Memory reads from memory: nothing to do
	if v, err := o.Get("a"); err != nil || v != nil {
		t.Errorf("Get after Prefetch = %q, %v", v, err)
	}
}
