package main

import (
	"math"
	"testing"
)

func TestROCMetrics(t *testing.T) {
	mk := func(pairs ...float64) []*evalItem {
		var out []*evalItem
		for i := 0; i < len(pairs); i += 2 {
			out = append(out, &evalItem{Label: int(pairs[i]), score: pairs[i+1]})
		}
		return out
	}
	// Perfect separation.
	if got := rocAUC(mk(1, 0.9, 1, 0.8, 0, 0.1, 0, 0.2)); got != 1 {
		t.Errorf("AUC = %v, want 1", got)
	}
	// Inverted.
	if got := rocAUC(mk(1, 0.1, 0, 0.9)); got != 0 {
		t.Errorf("AUC = %v, want 0", got)
	}
	// All tied: one half.
	if got := rocAUC(mk(1, 0.5, 0, 0.5)); math.Abs(got-0.5) > 1e-9 {
		t.Errorf("AUC = %v, want 0.5", got)
	}
	// 100 negatives, one scoring high: at 1% FPR that one may pass, so
	// a positive just under it still counts.
	items := mk(1, 0.95, 1, 0.5)
	for i := 0; i < 99; i++ {
		items = append(items, &evalItem{Label: 0, score: 0.1})
	}
	items = append(items, &evalItem{Label: 0, score: 0.97})
	if got := recallAtFPR(items, 0.01); got != 1 {
		t.Errorf("recall at 1%% FPR = %v, want 1", got)
	}
}
