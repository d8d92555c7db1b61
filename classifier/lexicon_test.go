package classifier

import "testing"

func TestLexiconCoversEveryCategory(t *testing.T) {
	var words, cjk [numCues]int
	for _, c := range wordCues {
		words[c]++
	}
	for _, c := range cjkCues {
		cjk[c]++
	}
	for c := 0; c < numCues; c++ {
		if words[c] == 0 || cjk[c] == 0 {
			t.Errorf("category %s: %d words, %d CJK", cueNames[c], words[c], cjk[c])
		}
	}
}
