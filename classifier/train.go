package classifier

import (
	"math"
	"math/rand"
	"sort"
	"strings"
)

// TrainOptions controls Train.
type TrainOptions struct {
	Seed   int64
	Epochs int
	Rate   float64 // initial learning rate
	L2     float64
	// HandWeight is how many times each hand-written training document
	// (family "handwritten") is seen per epoch; 0 means once. They are
	// few but realistic; generated documents are many but templated.
	HandWeight int
}

// DefaultTrainOptions are the settings used for the embedded model.
var DefaultTrainOptions = TrainOptions{Seed: 1, Epochs: 12, Rate: 0.5, L2: 1e-5, HandWeight: 4}

type prepared struct {
	wins  [][]feature // hashed features per window
	dense []feature
	y     float32
}

func prepare(ex Example) prepared {
	fs, text, _, st := collect(ex.Text, ex.Kind, &scratch{})
	ev := collectEvidence(fs, st)
	p := prepared{dense: ev.features(nil), y: float32(ex.Label)}
	for _, w := range windows(text) {
		p.wins = append(p.wins, hashTokens(tokensIn(st.toks, w[0], w[1]), nil))
	}
	return p
}

// isCalibration selects training examples kept out of fitting and used to
// fit Platt scaling and the threshold: a whole carrier and a share of the
// hard-negative families, so calibration sees unfamiliar documents.
func isCalibration(ex Example, i int) bool {
	if ex.Family == "handwritten" {
		return i%4 == 0
	}
	return ex.Carrier == "notes" || ((strings.HasPrefix(ex.Family, "meta") || strings.HasPrefix(ex.Family, "agents")) && i%3 == 0)
}

// Train fits a model on the examples whose Split is "train". It is
// deterministic for a given corpus and options.
func Train(examples []Example, opt TrainOptions) *Model {
	var fit, cal []prepared
	for i, ex := range examples {
		if ex.Split != "train" {
			continue
		}
		if isCalibration(ex, i) {
			cal = append(cal, prepare(ex))
			continue
		}
		p, n := prepare(ex), 1
		if ex.Family == "handwritten" {
			n = max(1, opt.HandWeight)
		}
		for range n {
			fit = append(fit, p)
		}
	}
	m := &Model{w: make([]float32, numFeatures), a: 1}
	rng := rand.New(rand.NewSource(opt.Seed))
	order := make([]int, len(fit))
	for i := range order {
		order[i] = i
	}
	step := 0
	for epoch := 0; epoch < opt.Epochs; epoch++ {
		rng.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
		for _, k := range order {
			p := &fit[k]
			best, bw := float32(math.Inf(-1)), 0
			for i, w := range p.wins {
				if s := m.dot(w); s > best {
					best, bw = s, i
				}
			}
			z := best + m.dot(p.dense)
			g := sigmoid(z) - p.y
			lr := float32(opt.Rate / (1 + float64(step)/float64(len(fit))))
			step++
			for _, fs := range [][]feature{p.wins[bw], p.dense} {
				for _, f := range fs {
					w := &m.w[f.idx]
					*w -= lr * (g*f.val + float32(opt.L2)*(*w))
				}
			}
		}
	}
	m.calibrate(cal)
	return m
}

func (m *Model) rawPrepared(p *prepared) float32 {
	best := float32(math.Inf(-1))
	for _, w := range p.wins {
		best = max(best, m.dot(w))
	}
	return best + m.dot(p.dense)
}

// calibrationFPR is the share of calibration negatives the operating
// threshold aims to flag.
const calibrationFPR = 0.01

// calibrate fits Platt scaling on held-apart data and sets the threshold
// to the score that flags at most 1% of its negatives.
func (m *Model) calibrate(cal []prepared) {
	raws := make([]float64, len(cal))
	for i := range cal {
		raws[i] = float64(m.rawPrepared(&cal[i]))
	}
	a, b := 1.0, 0.0
	for it := 0; it < 2000; it++ {
		var ga, gb float64
		for i, r := range raws {
			p := 1 / (1 + math.Exp(-(a*r + b)))
			d := p - float64(cal[i].y)
			ga += d * r
			gb += d
		}
		n := float64(len(raws)) + 1
		a -= 0.5 * ga / n
		b -= 0.5 * gb / n
	}
	m.a, m.b = float32(a), float32(b)
	var neg []float64
	for i, r := range raws {
		if cal[i].y == 0 {
			neg = append(neg, 1/(1+math.Exp(-(a*r+b))))
		}
	}
	sort.Float64s(neg)
	thr := 0.5
	if len(neg) > 0 {
		// Flag at most calibrationFPR of the calibration negatives, but
		// never require more than an even score: the calibration
		// negatives include the hardest documents we have (hand-written
		// ones and writing about attacks), and a threshold fitted to the
		// last percent of those would miss most injections. A false flag
		// only adds a warning in the default annotate mode.
		k := int(math.Ceil((1-calibrationFPR)*float64(len(neg)))) - 1
		thr = math.Max(neg[max(k, 0)]+1e-4, 0.05)
		thr = math.Min(thr, 0.5)
	}
	m.threshold = float32(thr)
	m.high = float32(math.Max(thr, 0.8))
}
