package guest

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

func (e *env) readArgs(a guestproto.ReadArgs) (guestproto.ReadResult, string, error) {
	var buf bytes.Buffer
	r, _, err := e.c.Read(e.ctx(), a, &buf)
	return r, buf.String(), err
}

func TestReadSelections(t *testing.T) {
	e := newEnv(t)
	e.file("five.txt", "one\ntwo\nthree\nfour\nfive\n")
	e.file("open.txt", "one\ntwo\nthree")
	e.file("empty.txt", "")
	for _, c := range []struct {
		name      string
		args      guestproto.ReadArgs
		want      string
		truncated bool
		code      guestproto.Code
	}{
		{name: "whole", args: guestproto.ReadArgs{PathArgs: rw("five.txt")}, want: "one\ntwo\nthree\nfour\nfive\n"},
		{name: "offset", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), Offset: 4}, want: "two\nthree\nfour\nfive\n"},
		{name: "offset and length", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), Offset: 4, Length: 3}, want: "two"},
		{name: "length past the end", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), Offset: 19, Length: 100}, want: "five\n"},
		{name: "offset past the end", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), Offset: 100}, want: ""},
		{name: "limit cuts", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), Limit: 6}, want: "one\ntw", truncated: true},
		{name: "limit exact", args: guestproto.ReadArgs{PathArgs: rw("open.txt"), Limit: 13}, want: "one\ntwo\nthree"},
		{name: "head 2", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), HeadLines: 2}, want: "one\ntwo\n"},
		{name: "head more than there are", args: guestproto.ReadArgs{PathArgs: rw("open.txt"), HeadLines: 10}, want: "one\ntwo\nthree"},
		{name: "head cut by limit", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), HeadLines: 3, Limit: 5}, want: "one\nt", truncated: true},
		{name: "head exactly at limit", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), HeadLines: 1, Limit: 4}, want: "one\n"},
		{name: "tail 2", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), TailLines: 2}, want: "four\nfive\n"},
		{name: "tail 1 no final newline", args: guestproto.ReadArgs{PathArgs: rw("open.txt"), TailLines: 1}, want: "three"},
		{name: "tail more than there are", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), TailLines: 9}, want: "one\ntwo\nthree\nfour\nfive\n"},
		{name: "tail cut keeps the end", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), TailLines: 2, Limit: 7}, want: "r\nfive\n", truncated: true},
		{name: "tail of empty", args: guestproto.ReadArgs{PathArgs: rw("empty.txt"), TailLines: 2}, want: ""},
		{name: "head and tail", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), HeadLines: 1, TailLines: 1}, code: guestproto.CodeInvalid},
		{name: "head and offset", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), HeadLines: 1, Offset: 1}, code: guestproto.CodeInvalid},
		{name: "negative offset", args: guestproto.ReadArgs{PathArgs: rw("five.txt"), Offset: -1}, code: guestproto.CodeInvalid},
		{name: "directory", args: guestproto.ReadArgs{PathArgs: rw("")}, code: guestproto.CodeIsDir},
		{name: "missing", args: guestproto.ReadArgs{PathArgs: rw("nope")}, code: guestproto.CodeNotFound},
	} {
		t.Run(c.name, func(t *testing.T) {
			r, got, err := e.readArgs(c.args)
			wantCode(t, err, c.code)
			if c.code != "" {
				return
			}
			if got != c.want || r.Truncated != c.truncated {
				t.Errorf("got %q truncated=%v, want %q truncated=%v", got, r.Truncated, c.want, c.truncated)
			}
		})
	}
}

func TestReadBinaryAndMIME(t *testing.T) {
	e := newEnv(t)
	// A three-byte rune straddling the 8 KiB sniff boundary is not
	// invalid UTF-8.
	straddle := strings.Repeat("a", sniffSize-1) + "€" + "tail"
	e.file("straddle.txt", straddle)
	e.file("nul.bin", "text\x00more")
	e.file("latin1.txt", "caf\xe9 au lait")
	e.file("page.html", "<!DOCTYPE html><html><body>hi</body></html>")
	e.file("img.png", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, c := range []struct {
		name, mime string
		binary     bool
	}{
		{"straddle.txt", "text/plain; charset=utf-8", false},
		{"nul.bin", "application/octet-stream", true},
		{"latin1.txt", "text/plain; charset=utf-8", true},
		{"page.html", "text/html; charset=utf-8", false},
		{"img.png", "image/png", true},
	} {
		r, _, err := e.readArgs(guestproto.ReadArgs{PathArgs: rw(c.name)})
		must(t, err)
		if r.Binary != c.binary || r.MIME != c.mime {
			t.Errorf("%s: binary=%v mime=%q, want %v %q", c.name, r.Binary, r.MIME, c.binary, c.mime)
		}
	}
}

func TestLooksBinary(t *testing.T) {
	euro := []byte("€") // three bytes
	for _, c := range []struct {
		b        []byte
		complete bool
		want     bool
	}{
		{[]byte("plain"), true, false},
		{append([]byte("ab"), euro[:2]...), false, false}, // cut by the sniff window
		{append([]byte("ab"), euro[:2]...), true, true},   // cut by the end of the file
		{[]byte("ab\xff"), false, true},
		{[]byte("a\x00b"), true, true},
		{append([]byte("ab\xe9"), euro[:1]...), false, true}, // invalid before the cut rune
	} {
		if got := looksBinary(c.b, c.complete); got != c.want {
			t.Errorf("looksBinary(%q, %v) = %v", c.b, c.complete, got)
		}
	}
}

func TestReadSparseGigabyteIsBoundedAndFast(t *testing.T) {
	e := newEnv(t)
	f, err := os.Create(filepath.Join(e.rw, "sparse.bin"))
	must(t, err)
	must(t, f.Truncate(1<<30))
	_, err = f.WriteAt([]byte("x\ny\nz\n"), 1<<30)
	must(t, err)
	must(t, f.Close())

	start := time.Now()
	var buf bytes.Buffer
	r, n, err := e.c.Read(e.ctx(), guestproto.ReadArgs{PathArgs: rw("sparse.bin"), Limit: 1 << 20}, &buf)
	must(t, err)
	if n != 1<<20 || !r.Truncated || r.Size != 1<<30+6 || !r.Binary {
		t.Errorf("read n=%d result=%+v", n, r)
	}
	t.Logf("1 MiB of a 1 GiB sparse file in %v", time.Since(start))

	// The tail is found by reading backwards: only the end is read.
	start = time.Now()
	_, got, err := e.readArgs(guestproto.ReadArgs{PathArgs: rw("sparse.bin"), TailLines: 2})
	must(t, err)
	if got != "y\nz\n" {
		t.Errorf("tail = %q", got)
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("tail of a 1 GiB file took %v", d)
	}
}

func TestReadTailOfLargeFile(t *testing.T) {
	e := newEnv(t)
	var sb strings.Builder
	for i := range 200_000 {
		sb.WriteString(strings.Repeat("x", i%50))
		sb.WriteString("\n")
	}
	sb.WriteString("second to last\nlast\n")
	e.file("big.log", sb.String())
	_, got, err := e.readArgs(guestproto.ReadArgs{PathArgs: rw("big.log"), TailLines: 2})
	must(t, err)
	if got != "second to last\nlast\n" {
		t.Errorf("tail = %q", got)
	}
	// A tail spanning several scan chunks.
	_, got, err = e.readArgs(guestproto.ReadArgs{PathArgs: rw("big.log"), TailLines: 10_000})
	must(t, err)
	lines := strings.SplitAfter(sb.String(), "\n")
	if want := strings.Join(lines[len(lines)-1-10_000:], ""); got != want {
		t.Errorf("tail 10000: %d bytes, want %d", len(got), len(want))
	}
}

func TestReadRefusesSpecialFilesWithoutBlocking(t *testing.T) {
	e := newEnv(t)
	must(t, syscall.Mkfifo(filepath.Join(e.rw, "fifo"), 0o644))
	e.file("target.txt", "target")
	must(t, os.Symlink("target.txt", filepath.Join(e.rw, "link")))
	for _, name := range []string{"fifo", "link"} {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		var buf bytes.Buffer
		_, err := e.c.ReadFile(ctx, guestproto.ReadArgs{PathArgs: rw(name)}, &buf)
		cancel()
		if errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("read %s hung", name)
		}
		wantCode(t, err, guestproto.CodeNotRegular)
		_, err = e.c.Hash(e.ctx(), rw(name))
		wantCode(t, err, guestproto.CodeNotRegular)
	}
}

// TestReadSwapRace swaps a regular file with a symlink to another file
// while reading it: every read either fails or returns the regular file,
// never what the symlink points to.
func TestReadSwapRace(t *testing.T) {
	e := newEnv(t)
	e.file("secret.txt", "SECRET")
	e.file("plain", "regular")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		f, dst := filepath.Join(e.rw, "plain"), filepath.Join(e.rw, "f")
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			// Alternate which entry is at "f", moving the other back.
			if i%2 == 0 {
				_ = os.Link(f, dst+".tmp")
				_ = os.Rename(dst+".tmp", dst)
			} else {
				_ = os.Symlink("secret.txt", dst+".tmp")
				_ = os.Rename(dst+".tmp", dst)
			}
		}
	}()
	deadline := time.Now().Add(300 * time.Millisecond)
	var ok, refused int
	for time.Now().Before(deadline) {
		_, got, err := e.readArgs(guestproto.ReadArgs{PathArgs: rw("f")})
		switch {
		case err == nil && got == "regular":
			ok++
		case err == nil:
			t.Fatalf("read returned %q", got)
		default:
			refused++
		}
	}
	close(stop)
	wg.Wait()
	t.Logf("%d reads of the file, %d refused", ok, refused)
}

func TestHash(t *testing.T) {
	e := newEnv(t)
	e.file("f", "abc")
	h, err := e.c.Hash(e.ctx(), rw("f"))
	must(t, err)
	if h.SHA256 != "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad" || h.Size != 3 {
		t.Errorf("hash = %+v", h)
	}
	_, err = e.c.Hash(e.ctx(), rw(""))
	wantCode(t, err, guestproto.CodeIsDir)
}
