package classifier

import (
	"math/rand"
	"testing"
)

func TestHardNegativesAreBenign(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	meta := 0
	for i := 0; i < 200; i++ {
		ex := genHardNegative(rng, "en")
		if ex.Label != 0 || ex.Text == "" {
			t.Fatalf("bad hard negative %+v", ex)
		}
		if ex.Meta {
			meta++
		}
	}
	if meta == 0 {
		t.Fatal("no documents about prompt injection")
	}
}
