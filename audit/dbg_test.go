package audit
import ("testing";"fmt";"path/filepath";"time";"os")
func TestDbgBig(t *testing.T) {
	l := newLog(t)
	m := Mount{Name: "w", Root: t.TempDir()}
	for i := range 5000 { writeFile(t, filepath.Join(m.Root, fmt.Sprintf("d/s%d/f%d", i%50, i)), fmt.Sprint("content", i), 0o644) }
	seq := mustAppend(t, l, "x")
	st := time.Now()
	p, err := l.Before(seq, OpDelete, []Change{{m, "d"}}, 0)
	if err != nil { t.Fatal(err) }
	t1 := time.Since(st)
	os.RemoveAll(filepath.Join(m.Root, "d"))
	p.Commit()
	t.Log("before", t1, "total", time.Since(st))
	st = time.Now()
	plan, _ := PlanRollback(l.Dir(), 0, nil)
	n, ref, err := plan.Apply(false)
	t.Log("rollback", time.Since(st), n, len(ref), err)
}
