package guest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"sync"
	"time"

	"github.com/hashicorp/yamux"

	"github.com/airlock-dev/airlock/vm/guestproto"
)

// ErrShutdown is returned by Serve when the host asked the guest to power
// off.
var ErrShutdown = errors.New("guest: shutdown requested")

// Mount is a share as this process sees it.
type Mount struct {
	Name     string
	Dir      string // where the share is mounted (guest path, or a temp dir in tests)
	ReadOnly bool
	Err      error // why mounting failed; the share is then unusable
}

// Config configures Serve.
type Config struct {
	Token        string
	AgentVersion string
	Kernel       string
	Mounts       []Mount
	// SelfTest enables the probe.* operations.
	SelfTest bool
	// Uptime reports the time since boot for the handshake; nil means 0.
	Uptime func() time.Duration
	Logger *slog.Logger
}

// maxConcurrentCalls bounds the requests served at once.
const maxConcurrentCalls = 32

// defaultCallTimeout applies when the host sends no deadline.
const defaultCallTimeout = 60 * time.Second

type server struct {
	cfg    Config
	log    *slog.Logger
	mounts map[string]*mount
	proxy  *connectProxy // the only way out of the VM; nil if it failed to start
	web    webState
}

// Serve performs the handshake on conn and serves the host's requests until
// the channel fails or the host asks for shutdown (then it returns
// ErrShutdown). It closes conn before returning.
func Serve(ctx context.Context, conn io.ReadWriteCloser, cfg Config) error {
	defer conn.Close()
	s := &server{cfg: cfg, log: cfg.Logger, mounts: map[string]*mount{}, web: webState{cur: -1}}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	for _, m := range cfg.Mounts {
		mt, err := openMount(m)
		if err != nil {
			s.log.Warn("share unusable", "share", m.Name, "err", err)
		}
		s.mounts[m.Name] = mt
		defer mt.close()
		if mt.root != nil && !mt.ReadOnly {
			// A crashed earlier session may have left staged writes.
			if err := SweepTemp(mt.root); err != nil {
				s.log.Warn("sweep staging directory", "share", m.Name, "err", err)
			}
		}
	}
	if err := s.handshake(conn); err != nil {
		return fmt.Errorf("handshake: %w", err)
	}

	ycfg := yamux.DefaultConfig()
	ycfg.LogOutput = io.Discard
	ycfg.EnableKeepAlive = false // the host decides liveness
	sess, err := yamux.Server(conn, ycfg)
	if err != nil {
		return fmt.Errorf("start mux: %w", err)
	}
	defer sess.Close()

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		<-ctx.Done()
		sess.Close()
	}()
	if p, err := startProxy(ctx, sess, s.log); err != nil {
		s.log.Warn("no egress proxy; web tools will fail", "err", err)
	} else {
		s.proxy = p
		defer p.close()
	}

	var (
		wg       sync.WaitGroup
		shutdown = make(chan struct{})
		once     sync.Once
		sem      = make(chan struct{}, maxConcurrentCalls)
	)
	// Close the session before waiting for the handlers, so that any
	// handler blocked on its stream is released.
	defer func() {
		sess.Close()
		wg.Wait()
	}()
	for {
		st, err := sess.AcceptStream()
		if err != nil {
			select {
			case <-shutdown:
				return ErrShutdown
			default:
			}
			if ctx.Err() != nil {
				return ctx.Err()
			}
			return fmt.Errorf("accept: %w", err)
		}
		sem <- struct{}{}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			if s.serveStream(ctx, st) {
				once.Do(func() {
					close(shutdown)
					// Let the reply reach the host before the session ends.
					time.AfterFunc(50*time.Millisecond, func() { sess.Close() })
				})
			}
		}()
	}
}

func (s *server) handshake(conn io.ReadWriter) error {
	var h guestproto.Hello
	if err := guestproto.ReadMessage(conn, &h); err != nil {
		return fmt.Errorf("read hello: %w", err)
	}
	reply := guestproto.HelloReply{
		Version:      guestproto.Version,
		AgentVersion: s.cfg.AgentVersion,
		Kernel:       s.cfg.Kernel,
		MAC:          guestproto.ComputeMAC(s.cfg.Token, h.Nonce),
	}
	if s.cfg.Uptime != nil {
		reply.BootMillis = s.cfg.Uptime().Milliseconds()
	}
	for _, m := range s.cfg.Mounts {
		gm := guestproto.Mount{Name: m.Name, ReadOnly: m.ReadOnly}
		if m.Err != nil {
			gm.Error = m.Err.Error()
		}
		reply.Mounts = append(reply.Mounts, gm)
	}
	if err := guestproto.WriteMessage(conn, reply); err != nil {
		return fmt.Errorf("write hello reply: %w", err)
	}
	if h.Version != guestproto.Version {
		return fmt.Errorf("host speaks protocol %d, agent %d", h.Version, guestproto.Version)
	}
	return nil
}

// serveStream handles one request. It reports whether the request was a
// shutdown that succeeded.
func (s *server) serveStream(ctx context.Context, st net.Conn) (shutdown bool) {
	defer st.Close()
	_ = st.SetReadDeadline(time.Now().Add(10 * time.Second))
	var req guestproto.Request
	if err := guestproto.ReadMessage(st, &req); err != nil {
		s.log.Debug("bad request", "err", err)
		return false
	}
	timeout := defaultCallTimeout
	if req.DeadlineMillis > 0 && req.DeadlineMillis < int64(time.Hour/time.Millisecond) {
		timeout = time.Duration(req.DeadlineMillis) * time.Millisecond
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	deadline, _ := ctx.Deadline()
	_ = st.SetDeadline(deadline)

	start := time.Now()
	err := s.dispatch(ctx, st, req)
	if err != nil {
		var ge *guestproto.Error
		if !errors.As(err, &ge) {
			ge = toProtoError(err)
		}
		_ = guestproto.WriteMessage(st, guestproto.Response{Error: ge})
	}
	s.log.Debug("call", "op", req.Op, "dur", time.Since(start), "err", err)
	return err == nil && req.Op == guestproto.OpShutdown
}

// reply writes a successful response with an optional result.
func reply(w io.Writer, result any, data bool) error {
	resp := guestproto.Response{Data: data}
	if result != nil {
		b, err := json.Marshal(result)
		if err != nil {
			return err
		}
		resp.Result = b
	}
	return guestproto.WriteMessage(w, resp)
}

// maxResult bounds an encoded result, leaving room in the response frame
// for the envelope around it.
const maxResult = guestproto.MaxFrame - 1024

// fitResult makes v fit in one response frame. While its encoding is too
// large, keep is called with a smaller count of its n variable-size items
// (entries, matches, paths, diff lines) to retain; keep also marks the
// result truncated.
func fitResult(v any, n int, keep func(n int)) error {
	for {
		b, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("encode result: %w", err)
		}
		if len(b) <= maxResult {
			return nil
		}
		if n == 0 {
			return protoErr(guestproto.CodeTooLarge, "result of %d bytes does not fit in a frame", len(b))
		}
		n = max(0, min(n-1, int(float64(n)*float64(maxResult)/float64(len(b))*0.95)))
		keep(n)
	}
}

func decodeArgs(req guestproto.Request, v any) error {
	if len(req.Args) == 0 {
		return &guestproto.Error{Code: guestproto.CodeInvalid, Message: "missing arguments"}
	}
	if err := guestproto.Decode(req.Args, v); err != nil {
		return &guestproto.Error{Code: guestproto.CodeInvalid, Message: err.Error()}
	}
	return nil
}

func (s *server) dispatch(ctx context.Context, st net.Conn, req guestproto.Request) error {
	switch req.Op {
	case guestproto.OpPing:
		return handle(st, req, func(a guestproto.PingArgs) (any, error) {
			return guestproto.PingResult{Payload: a.Payload}, nil
		})
	case guestproto.OpShutdown:
		return reply(st, nil, false)
	case guestproto.OpStat:
		return handle(st, req, func(a guestproto.PathArgs) (any, error) { return s.stat(a) })
	case guestproto.OpReadFile:
		var a guestproto.ReadArgs
		if err := decodeArgs(req, &a); err != nil {
			return err
		}
		return s.readFile(ctx, st, a)
	case guestproto.OpWriteFile:
		var a guestproto.WriteArgs
		if err := decodeArgs(req, &a); err != nil {
			return err
		}
		return s.writeFile(ctx, st, a)
	case guestproto.OpHash:
		return handle(st, req, func(a guestproto.PathArgs) (any, error) { return s.hash(ctx, a) })
	case guestproto.OpList:
		return handle(st, req, func(a guestproto.ListArgs) (any, error) { return s.list(ctx, a) })
	case guestproto.OpTree:
		return handle(st, req, func(a guestproto.TreeArgs) (any, error) { return s.tree(ctx, a) })
	case guestproto.OpFind:
		return handle(st, req, func(a guestproto.FindArgs) (any, error) { return s.find(ctx, a) })
	case guestproto.OpSearch:
		return handle(st, req, func(a guestproto.SearchArgs) (any, error) { return s.search(ctx, a) })
	case guestproto.OpEdit:
		return handle(st, req, func(a guestproto.EditArgs) (any, error) { return s.edit(ctx, a) })
	case guestproto.OpMkdir:
		return handle(st, req, func(a guestproto.MkdirArgs) (any, error) { return s.mkdir(a) })
	case guestproto.OpMove:
		return handle(st, req, func(a guestproto.MoveArgs) (any, error) { return s.move(a) })
	case guestproto.OpCopy:
		return handle(st, req, func(a guestproto.CopyArgs) (any, error) { return s.copy(ctx, a) })
	case guestproto.OpDelete:
		return handle(st, req, func(a guestproto.DeleteArgs) (any, error) { return s.delete(ctx, a) })
	case guestproto.OpWebConfig:
		return handle(st, req, s.webConfig)
	case guestproto.OpWebFetch:
		return handle(st, req, func(a guestproto.FetchArgs) (any, error) { return s.webFetch(ctx, a) })
	case guestproto.OpBrowserNavigate:
		return handle(st, req, func(a guestproto.FetchArgs) (any, error) { return s.navigate(ctx, a) })
	case guestproto.OpBrowserBack:
		return handle(st, req, s.back)
	case guestproto.OpBrowserFind:
		return handle(st, req, s.findText)
	case guestproto.OpBrowserLinks:
		return handle(st, req, s.links)
	case guestproto.OpProbeNet:
		if !s.cfg.SelfTest {
			return &guestproto.Error{Code: guestproto.CodeUnsupported, Message: "self-test probes are disabled"}
		}
		return handle(st, req, func(a guestproto.ProbeNetArgs) (any, error) { return probeNet(ctx, a), nil })
	case guestproto.OpProbeStat, guestproto.OpProbeWrite, guestproto.OpProbeMounts, guestproto.OpProbeZero:
		if !s.cfg.SelfTest {
			return &guestproto.Error{Code: guestproto.CodeUnsupported, Message: "self-test probes are disabled"}
		}
		return s.probe(st, req)
	default:
		return &guestproto.Error{Code: guestproto.CodeUnsupported, Message: fmt.Sprintf("unknown operation %q", req.Op)}
	}
}

// handle decodes a request's arguments, runs op and replies with its
// result. Operations whose results grow with the file system trim them
// to one frame with fitResult.
func handle[A any](w io.Writer, req guestproto.Request, op func(A) (any, error)) error {
	var a A
	if err := decodeArgs(req, &a); err != nil {
		return err
	}
	res, err := op(a)
	if err != nil {
		return err
	}
	return reply(w, res, false)
}

// exists is os.Stat without following the last symlink, for probes.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
