package rootfs

import (
	"bufio"
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os/exec"
	"path"
	"strings"

	"github.com/ulikunitz/xz"
)

// xzProgram is the external xz decompressor preferred for large streams
// because it is about twice as fast as the pure-Go decoder; when it is not
// installed the pure-Go decoder is used. Tests set it to "" to force the
// fallback.
var xzProgram = "xz"

// errZstd reports a zstd-compressed input, which this package cannot read.
var errZstd = errors.New("zstd compression is not supported")

// decompressor opens a decompressing reader for a deb member named name
// ("data.tar.xz", "control.tar.gz", ...). The returned closer must be
// called; for an external decompressor it also reports the program's
// failure.
func decompressor(ctx context.Context, name string, r io.Reader, log *slog.Logger) (io.ReadCloser, error) {
	switch path.Ext(name) {
	case ".tar":
		return io.NopCloser(r), nil
	case ".gz":
		zr, err := gzip.NewReader(bufio.NewReaderSize(r, 256<<10))
		if err != nil {
			return nil, fmt.Errorf("gunzip %s: %w", name, err)
		}
		return zr, nil
	case ".xz":
		if xzProgram != "" {
			if prog, err := exec.LookPath(xzProgram); err == nil {
				log.Debug("decompressing with external xz", "member", name, "program", prog)
				return startXZProgram(ctx, prog, r)
			}
		}
		log.Debug("decompressing with pure-Go xz", "member", name)
		zr, err := xz.NewReader(bufio.NewReaderSize(r, 256<<10))
		if err != nil {
			return nil, fmt.Errorf("unxz %s: %w", name, err)
		}
		return newBackgroundReader(zr), nil
	case ".zst":
		return nil, fmt.Errorf("%s: %w; repack the package with xz or gzip", name, errZstd)
	}
	return nil, fmt.Errorf("%s: unknown compression", name)
}

// xzProcess is the output of a running "xz -dc".
type xzProcess struct {
	cmd    *exec.Cmd
	pipe   io.ReadCloser
	out    *bufio.Reader
	stderr bytes.Buffer
	cancel context.CancelFunc
	done   bool
	err    error
}

// startXZProgram runs prog -dc with r as its input.
func startXZProgram(ctx context.Context, prog string, r io.Reader) (io.ReadCloser, error) {
	ctx, cancel := context.WithCancel(ctx)
	p := &xzProcess{cancel: cancel}
	p.cmd = exec.CommandContext(ctx, prog, "-T0", "-dc")
	p.cmd.Stdin = r
	p.cmd.Stderr = &p.stderr
	out, err := p.cmd.StdoutPipe()
	if err != nil {
		cancel()
		return nil, fmt.Errorf("start %s: %w", prog, err)
	}
	p.pipe = out
	p.out = bufio.NewReaderSize(out, 1<<20)
	if err := p.cmd.Start(); err != nil {
		cancel()
		return nil, fmt.Errorf("start %s: %w", prog, err)
	}
	return p, nil
}

func (p *xzProcess) Read(b []byte) (int, error) {
	n, err := p.out.Read(b)
	if err == io.EOF {
		if werr := p.wait(); werr != nil {
			return n, werr
		}
	}
	return n, err
}

// wait reaps the process once and reports how it ended.
func (p *xzProcess) wait() error {
	if !p.done {
		p.done = true
		if err := p.cmd.Wait(); err != nil {
			msg := strings.TrimSpace(p.stderr.String())
			p.err = fmt.Errorf("xz -dc: %w: %s", err, msg)
		}
		p.cancel()
	}
	return p.err
}

// Close stops the process if its output was not read to the end. Stopping
// it early is not an error.
func (p *xzProcess) Close() error {
	if p.done {
		return p.err
	}
	p.cancel()
	p.wait()
	return nil
}

// backgroundReader runs a slow reader (a decompressor) in its own goroutine
// so that its work overlaps with the consumer's.
type backgroundReader struct {
	pr   *io.PipeReader
	out  *bufio.Reader
	done chan struct{}
}

// newBackgroundReader starts copying r into a pipe.
func newBackgroundReader(r io.Reader) *backgroundReader {
	pr, pw := io.Pipe()
	b := &backgroundReader{pr: pr, out: bufio.NewReaderSize(pr, 1<<20), done: make(chan struct{})}
	go func() {
		defer close(b.done)
		bw := bufio.NewWriterSize(pw, 1<<20)
		_, err := io.Copy(bw, r)
		if err == nil {
			err = bw.Flush()
		}
		pw.CloseWithError(err)
	}()
	return b
}

func (b *backgroundReader) Read(p []byte) (int, error) {
	return b.out.Read(p)
}

// Close stops the copy and waits for the goroutine to end, so the source
// is no longer read once Close returns.
func (b *backgroundReader) Close() error {
	b.pr.CloseWithError(errors.New("reader closed"))
	<-b.done
	return nil
}
