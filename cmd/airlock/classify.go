package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"github.com/airlock-dev/airlock/classifier"
)

// cmdClassify scans text for prompt injection: a file (or stdin) with a
// human-readable verdict, or {"id","text"} JSON lines with --jsonl.
func cmdClassify(args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "eval" {
		return cmdClassifyEval(args[1:], stdout, stderr)
	}
	fs := newFlagSet("classify", stderr)
	kind := fs.String("kind", "text", "content kind: text, markdown, html, code or json")
	jsonl := fs.Bool("jsonl", false, `read {"id","text"} lines on stdin, write {"id","score","flagged"} lines`)
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	k := classifier.Kind(*kind)
	if !k.Valid() {
		return usageError{fmt.Sprintf("--kind %q: want text, markdown, html, code or json", *kind)}
	}
	if *jsonl {
		return classifyLines(stdin, stdout, k)
	}
	in := stdin
	if fs.NArg() > 1 {
		return usageError{"classify: at most one FILE"}
	}
	if fs.NArg() == 1 {
		f, err := os.Open(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	b, err := io.ReadAll(io.LimitReader(in, 64<<20))
	if err != nil {
		return err
	}
	v := classifier.Scan(string(b), k)
	fmt.Fprintf(stdout, "%s (score %.3f, flagged %t)\n", v.Label, v.Score, v.Flagged)
	for _, f := range v.Findings {
		fmt.Fprintf(stdout, "  %-20s bytes %d-%d: %s\n", f.Kind, f.Start, f.End, f.Reason)
	}
	return nil
}

// classifyLines is the --jsonl filter: one output line per input line, in
// order; a malformed line is an error naming its number.
func classifyLines(in io.Reader, out io.Writer, kind classifier.Kind) error {
	sc := bufio.NewScanner(in)
	sc.Buffer(make([]byte, 1<<20), 64<<20)
	w := bufio.NewWriter(out)
	defer w.Flush()
	enc := json.NewEncoder(w)
	for n := 1; sc.Scan(); n++ {
		var rec struct {
			ID   json.RawMessage `json:"id"`
			Text string          `json:"text"`
			Kind string          `json:"kind"`
		}
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return fmt.Errorf("line %d: %w", n, err)
		}
		k := kind
		if rec.Kind != "" {
			k = classifier.Kind(rec.Kind)
			if !k.Valid() {
				return fmt.Errorf("line %d: kind %q: want text, markdown, html, code or json", n, rec.Kind)
			}
		}
		v := classifier.Scan(rec.Text, k)
		if err := enc.Encode(struct {
			ID      json.RawMessage `json:"id"`
			Score   float64         `json:"score"`
			Flagged bool            `json:"flagged"`
		}{rec.ID, v.Score, v.Flagged}); err != nil {
			return err
		}
		// A caller may feed one line and wait for its answer.
		if err := w.Flush(); err != nil {
			return err
		}
	}
	return sc.Err()
}
