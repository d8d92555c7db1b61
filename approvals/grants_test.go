package approvals

import (
	"fmt"
	"sync"
	"testing"
)

func TestGrants(t *testing.T) {
	g := NewGrants()
	if g.Has("s1", KindEdit) {
		t.Fatal("empty grants has edit")
	}
	g.Grant("s1", KindEdit)
	if !g.Has("s1", KindEdit) {
		t.Error("grant not kept")
	}
	if g.Has("s1", KindDelete) {
		t.Error("grant leaked to another kind")
	}
	if g.Has("s2", KindEdit) {
		t.Error("grant leaked to another session")
	}
	f := g.Func("s1")
	if !f(KindEdit) || f(KindDelete) {
		t.Error("Func disagrees with Has")
	}
	g.End("s1")
	if g.Has("s1", KindEdit) || f(KindEdit) {
		t.Error("grant survived End")
	}
}

func TestGrantsConcurrent(t *testing.T) {
	g := NewGrants()
	var wg sync.WaitGroup
	for i := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := fmt.Sprintf("s%d", i)
			for _, k := range Kinds() {
				g.Grant(s, k)
				if !g.Has(s, k) {
					t.Errorf("%s: %s not granted", s, k)
				}
			}
			g.End(s)
		}()
	}
	wg.Wait()
}
