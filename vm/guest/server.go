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
}

// Serve performs the handshake on conn and serves the host's requests until
// the channel fails or the host asks for shutdown (then it returns
// ErrShutdown). It closes conn before returning.
func Serve(ctx context.Context, conn io.ReadWriteCloser, cfg Config) error {
	defer conn.Close()
	s := &server{cfg: cfg, log: cfg.Logger, mounts: map[string]*mount{}}
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

	var (
		wg       sync.WaitGroup
		shutdown = make(chan struct{})
		once     sync.Once
		sem      = make(chan struct{}, maxConcurrentCalls)
	)
	defer wg.Wait()
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
		var a guestproto.PingArgs
		if err := decodeArgs(req, &a); err != nil {
			return err
		}
		return reply(st, guestproto.PingResult{Payload: a.Payload}, false)
	case guestproto.OpShutdown:
		return reply(st, nil, false)
	case guestproto.OpStat:
		var a guestproto.PathArgs
		if err := decodeArgs(req, &a); err != nil {
			return err
		}
		fi, err := s.stat(a)
		if err != nil {
			return err
		}
		return reply(st, fi, false)
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
	case guestproto.OpProbeStat, guestproto.OpProbeWrite, guestproto.OpProbeMounts:
		if !s.cfg.SelfTest {
			return &guestproto.Error{Code: guestproto.CodeUnsupported, Message: "self-test probes are disabled"}
		}
		return s.probe(st, req)
	default:
		return &guestproto.Error{Code: guestproto.CodeUnsupported, Message: fmt.Sprintf("unknown operation %q", req.Op)}
	}
}

// exists is os.Stat without following the last symlink, for probes.
func exists(path string) bool {
	_, err := os.Lstat(path)
	return err == nil
}
