package classifier

import (
	_ "embed"
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"sort"
	"strings"
)

// Model is a logistic regression over hashed n-grams and rule evidence, with
// Platt scaling and an operating threshold chosen on calibration data.
type Model struct {
	w         []float32 // numFeatures weights, while training
	q         []int16   // the same, quantized: a model read from a file
	qscale    float32   // weight = q * qscale
	a, b      float32   // Platt scaling: p = sigmoid(a*raw + b)
	threshold float32   // calibrated score at which Flagged is set (about 1% FPR)
	high      float32   // score at which the label becomes "injection"
}

//go:embed model.bin
var modelBin []byte

var defaultModel = func() *Model {
	if len(modelBin) == 0 {
		return nil
	}
	m, err := ParseModel(modelBin)
	if err != nil {
		// A stale model after a feature change: Scan falls back to rules
		// and TestEmbeddedModel fails until the model is retrained.
		return nil
	}
	return m
}()

// modelMagic starts a model file. Version 2 stores weights as 16-bit
// integers with one scale: half the memory of float32, which matters
// because the weights are read at every start (each page touched costs;
// see the start-up note in docs/architecture.md), at a precision loss far
// below what changes a verdict.
const modelMagic = "PIC2"

// quantize returns the model's weights as int16 with their scale.
func (m *Model) quantize() ([]int16, float32) {
	if m.q != nil {
		return m.q, m.qscale
	}
	var maxAbs float32
	for _, w := range m.w {
		maxAbs = max(maxAbs, float32(math.Abs(float64(w))))
	}
	q := make([]int16, len(m.w))
	if maxAbs == 0 {
		return q, 1
	}
	scale := maxAbs / math.MaxInt16
	for i, w := range m.w {
		q[i] = int16(math.Round(float64(w / scale)))
	}
	return q, scale
}

// MarshalBinary encodes the model as its non-zero quantized weights.
func (m *Model) MarshalBinary() ([]byte, error) {
	q, scale := m.quantize()
	buf := []byte(modelMagic)
	buf = binary.LittleEndian.AppendUint32(buf, numFeatures)
	for _, f := range []float32{m.a, m.b, m.threshold, m.high, scale} {
		buf = binary.LittleEndian.AppendUint32(buf, math.Float32bits(f))
	}
	nnz := 0
	for _, w := range q {
		if w != 0 {
			nnz++
		}
	}
	buf = binary.LittleEndian.AppendUint32(buf, uint32(nnz))
	for i, w := range q {
		if w != 0 {
			buf = binary.LittleEndian.AppendUint32(buf, uint32(i))
			buf = binary.LittleEndian.AppendUint16(buf, uint16(w))
		}
	}
	return buf, nil
}

// modelHeader is the size of a model file's fixed part.
const modelHeader = 32

// ParseModel decodes a model written by MarshalBinary.
func ParseModel(b []byte) (*Model, error) {
	if len(b) < modelHeader || string(b[:4]) != modelMagic {
		return nil, errors.New("not a classifier model file (or an old format: retrain)")
	}
	if n := binary.LittleEndian.Uint32(b[4:]); n != numFeatures {
		return nil, fmt.Errorf("model has %d features, want %d", n, numFeatures)
	}
	f := func(off int) float32 { return math.Float32frombits(binary.LittleEndian.Uint32(b[off:])) }
	m := &Model{q: make([]int16, numFeatures), a: f(8), b: f(12), threshold: f(16), high: f(20), qscale: f(24)}
	nnz := int(binary.LittleEndian.Uint32(b[28:]))
	if len(b) != modelHeader+6*nnz {
		return nil, fmt.Errorf("model truncated: %d bytes for %d weights", len(b), nnz)
	}
	for k := 0; k < nnz; k++ {
		off := modelHeader + 6*k
		idx := binary.LittleEndian.Uint32(b[off:])
		if idx >= numFeatures {
			return nil, fmt.Errorf("weight index %d out of range", idx)
		}
		m.q[idx] = int16(binary.LittleEndian.Uint16(b[off+4:]))
	}
	return m, nil
}

// weight returns weight i.
func (m *Model) weight(i int32) float32 {
	if m.q != nil {
		return float32(m.q[i]) * m.qscale
	}
	return m.w[i]
}

func (m *Model) dot(fs []feature) float32 {
	var s float32
	if m.q != nil {
		for _, f := range fs {
			s += float32(m.q[f.idx]) * f.val
		}
		return s * m.qscale
	}
	for _, f := range fs {
		s += m.w[f.idx] * f.val
	}
	return s
}

// raw returns the uncalibrated logit, the features that produced it and the
// index of the highest-scoring window.
func (m *Model) raw(text string, toks []token, ev *evidence, buf []feature) (float32, []feature, int) {
	dense := ev.features(nil)
	best, bestWin := float32(math.Inf(-1)), 0
	var bestFs []feature
	for i, w := range windows(text) {
		buf = hashTokens(tokensIn(toks, w[0], w[1]), buf[:0])
		if s := m.dot(buf); s > best {
			best, bestWin = s, i
			if len(text) <= windowLen {
				bestFs = buf // a single window: no copy needed
			} else {
				bestFs = append(bestFs[:0], buf...)
			}
		}
	}
	return best + m.dot(dense), append(bestFs, dense...), bestWin
}

func sigmoid(x float32) float32 { return float32(1 / (1 + math.Exp(-float64(x)))) }

// score returns the calibrated score of text given its rule findings.
func (m *Model) score(text string, fs []Finding, st *instructionStats, sc *scratch) (float32, []feature) {
	ev := collectEvidence(fs, st)
	raw, feats, _ := m.raw(text, st.toks, &ev, sc.feats[:0])
	sc.feats = feats
	return sigmoid(m.a*raw + m.b), feats
}

// explain names the dense features that pushed the score up the most.
func (m *Model) explain(feats []feature) string {
	type c struct {
		name string
		v    float32
	}
	var cs []c
	var ngram float32
	for _, f := range feats {
		if f.idx >= hashSize {
			if f.idx != denseBias {
				cs = append(cs, c{denseNames[int(f.idx)], m.weight(f.idx) * f.val})
			}
		} else {
			ngram += m.weight(f.idx) * f.val
		}
	}
	cs = append(cs, c{"word and character n-grams", ngram})
	sort.Slice(cs, func(i, j int) bool { return cs[i].v > cs[j].v })
	var parts []string
	for _, x := range cs {
		if x.v > 0.1 && len(parts) < 4 {
			parts = append(parts, fmt.Sprintf("%s %+.2f", x.name, x.v))
		}
	}
	return strings.Join(parts, ", ")
}

// decide combines findings into a verdict with the embedded model, or with
// a conservative rule when no model is embedded.
func decide(text string, fs []Finding, off []int, st *instructionStats, sc *scratch) Verdict {
	v := Verdict{Findings: fs}
	m := defaultModel
	if m == nil {
		if len(fs) > 0 {
			v.Score = 0.9
		}
		v.Label, v.Flagged = label(v.Score, 0.5, 0.8)
		return v
	}
	return m.verdict(text, fs, off, st, sc)
}

func (m *Model) verdict(text string, fs []Finding, off []int, st *instructionStats, sc *scratch) Verdict {
	v := Verdict{Findings: fs}
	p, feats := m.score(text, fs, st, sc)
	v.Score = float64(p)
	v.Label, v.Flagged = label(v.Score, float64(m.threshold), float64(m.high))
	if v.Flagged {
		end := len(text)
		if off != nil {
			end = off[len(off)-1]
		}
		v.Findings = append(v.Findings, Finding{Kind: KindModel, Start: 0, End: end,
			Reason: fmt.Sprintf("model score %.3f (threshold %.3f): %s", p, m.threshold, m.explain(feats))})
	}
	return v
}

// ScanWith is Scan using model m instead of the embedded one.
func (m *Model) Scan(content string, kind Kind) Verdict {
	sc := getScratch()
	defer putScratch(sc)
	fs, text, off, st := collect(content, kind, sc)
	return m.verdict(text, fs, off, st, sc)
}

func label(score, threshold, high float64) (string, bool) {
	switch {
	case score >= high && score >= threshold:
		return "injection", true
	case score >= threshold:
		return "suspicious", true
	}
	return "clean", false
}

// Threshold returns the calibrated score at which Scan flags content.
func (m *Model) Threshold() float64 { return float64(m.threshold) }
