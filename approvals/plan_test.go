package approvals

import (
	"testing"
	"time"
)

func basePlan() Plan {
	return Plan{
		Tool:    "delete_path",
		Summary: "Delete file",
		Kinds:   []Kind{KindDelete},
		Items: []Item{{
			Path: "/home/u/p/a.txt", Exists: true, Size: 3072, Inode: 42,
			ModTime: time.Date(2026, 1, 2, 3, 4, 5, 6, time.UTC),
		}},
	}
}

func TestFingerprintChanges(t *testing.T) {
	base := basePlan().Fingerprint()
	if len(base) != 64 {
		t.Fatalf("fingerprint %q is not hex SHA-256", base)
	}
	if again := basePlan().Fingerprint(); again != base {
		t.Fatal("fingerprint not deterministic")
	}
	changes := map[string]func(*Item){
		"size":     func(it *Item) { it.Size++ },
		"inode":    func(it *Item) { it.Inode++ },
		"mtime":    func(it *Item) { it.ModTime = it.ModTime.Add(time.Nanosecond) },
		"mtime s":  func(it *Item) { it.ModTime = it.ModTime.Add(time.Second) },
		"exists":   func(it *Item) { it.Exists = false },
		"type":     func(it *Item) { it.IsDir = true },
		"files":    func(it *Item) { it.Files = 1 },
		"bytes":    func(it *Item) { it.Bytes = 1 },
		"path":     func(it *Item) { it.Path += "x" },
		"role":     func(it *Item) { it.Role = "from" },
		"hash":     func(it *Item) { it.Hash = "ab" },
		"path len": func(it *Item) { it.Path, it.Role = "a.txt", "/home/u/p/" },
	}
	for name, change := range changes {
		p := basePlan()
		change(&p.Items[0])
		if p.Fingerprint() == base {
			t.Errorf("fingerprint unchanged after changing %s", name)
		}
	}
	p := basePlan()
	p.Items = append(p.Items, Item{Path: "/x"})
	if p.Fingerprint() == base {
		t.Error("fingerprint unchanged after adding an item")
	}
	p = basePlan()
	p.Items = nil
	if p.Fingerprint() == base {
		t.Error("fingerprint unchanged after removing the item")
	}
}

func TestFingerprintIgnoresDescription(t *testing.T) {
	base := basePlan().Fingerprint()
	p := basePlan()
	p.Summary, p.Reason, p.Diff, p.Undoable = "other", "because", "+x", true
	// The same instant in another location is the same mtime.
	p.Items[0].ModTime = p.Items[0].ModTime.In(time.FixedZone("X", 3600))
	if p.Fingerprint() != base {
		t.Error("fingerprint depends on the description or the time zone")
	}
}

func TestTotals(t *testing.T) {
	p := Plan{Items: []Item{
		{Path: "a", Exists: true, Size: 10},
		{Path: "d", Exists: true, IsDir: true, Files: 7, Bytes: 700},
		{Path: "new"},
		{Path: "bad", Exists: true, Size: -5},
	}}
	files, bytes := p.Totals()
	if files != 10 || bytes != 710 {
		t.Errorf("Totals = %d, %d; want 10, 710", files, bytes)
	}
	huge := Plan{Items: []Item{
		{IsDir: true, Files: int(^uint(0) >> 1), Bytes: 1<<63 - 1},
		{IsDir: true, Files: 5, Bytes: 5},
	}}
	files, bytes = huge.Totals()
	if files != int(^uint(0)>>1) || bytes != 1<<63-1 {
		t.Errorf("Totals did not saturate: %d, %d", files, bytes)
	}
}

func TestClone(t *testing.T) {
	p := basePlan()
	c := p.clone()
	c.Items[0].Path = "changed"
	c.Kinds[0] = KindEdit
	if p.Items[0].Path == "changed" || p.Kinds[0] == KindEdit {
		t.Error("clone shares slices")
	}
}
