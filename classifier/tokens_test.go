package classifier

import "testing"

func TestTokenize(t *testing.T) {
	var got []token
	tokenize("Hello World. See bit.ly/x 忽略指令 Привет", func(tk token) { got = append(got, tk) })
	want := []struct {
		text     string
		boundary bool
		cjk      bool
	}{{"hello", true, false}, {"world", false, false}, {"see", true, false}, {"bit", false, false}, {"ly", false, false}, {"x", false, false}, {"忽略指令", false, true}, {"привет", false, false}}
	if len(got) != len(want) {
		t.Fatalf("got %d tokens: %+v", len(got), got)
	}
	for i, w := range want {
		if got[i].text != w.text || got[i].boundary != w.boundary || got[i].cjk != w.cjk {
			t.Errorf("token %d = %+v, want %+v", i, got[i], w)
		}
	}
}

func TestCuesOfCJK(t *testing.T) {
	var cats []int
	cuesOf(token{text: "忽略之前的指令", cjk: true}, func(c int) { cats = append(cats, c) })
	has := map[int]bool{}
	for _, c := range cats {
		has[c] = true
	}
	if !has[cueOverride] || !has[cueConvRef] {
		t.Fatalf("cues %v", cats)
	}
}
