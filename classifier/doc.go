// Package classifier detects and removes prompt injections in content that an
// AI agent reads from files and web pages.
//
// It detects invisible Unicode used to smuggle text (tag characters,
// zero-width characters outside words that need them, bidi controls and
// variation-selector runs), text hidden in HTML (CSS-hidden elements,
// comments, aria-hidden), encoded payloads that decode to instructions
// (base64, hex, URL encoding, ROT13), chat-template and role tokens,
// imitations of tool calls or system messages, exfiltration links whose query
// string carries data, and instructions addressed to an AI model in English,
// Korean, Chinese, Japanese, Spanish, French, German and Russian. A small
// logistic-regression model over hashed word and character n-grams combines
// this evidence into a calibrated score.
//
// It does not understand meaning. It misses paraphrased or novel attacks,
// injections split across separately scanned chunks, text inside images or
// PDFs, homoglyph spellings it has not seen, and languages it was not trained
// on; and it flags some legitimate documents. It must never be the only
// control between untrusted content and a tool that can act on the world.
//
// The package is pure code: it does no I/O and keeps no state besides the
// embedded model weights, so Scan and Sanitize are safe for concurrent use.
// Both run in time linear in the input and scan all of it, head and tail;
// only single base64, hex or URL-encoded runs longer than 64 KiB are decoded
// in part. Scores are calibrated on training data; a fixed threshold does not
// guarantee the same false-positive rate for every kind of document.
//
// The model is retrained with "go run ./cmd/trainclassifier", which
// regenerates testdata/corpus.jsonl and model.bin deterministically from
// the generator and the hand-written documents in
// testdata/handwritten*.jsonl; testdata/blind.jsonl is for evaluation only
// (see testdata/README.md).
package classifier
