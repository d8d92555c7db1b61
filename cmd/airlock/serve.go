package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/airlock-dev/airlock/approvals"
	"github.com/airlock-dev/airlock/egress"
	"github.com/airlock-dev/airlock/mcp"
	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm"
)

// multiFlag collects a repeatable flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(v string) error { *m = append(*m, v); return nil }

func cmdServe(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer, log *slog.Logger) error {
	fs := newFlagSet("serve", stderr)
	var mounts multiFlag
	fs.Var(&mounts, "mount", "folder to share, PATH[:ro|:rw] (read-only unless :rw); repeatable")
	httpAddr := fs.String("http", "", "serve Streamable HTTP on this address (e.g. 127.0.0.1:8765) instead of stdio")
	tokenFile := fs.String("token-file", "", "HTTP: read the bearer token from this file (else $AIRLOCK_TOKEN, else a new one is printed to stderr)")
	spares := fs.Int("spares", 1, "HTTP: warm spare VMs kept booted")
	memory := fs.Int("memory", 0, "guest memory in MiB (default 256)")
	policyFile := fs.String("policy", "", "approval policy file (JSON; see `airlock policy show`)")
	stateDir := fs.String("state-dir", "", "audit logs and journals (default $AIRLOCK_STATE_DIR, $XDG_STATE_HOME/airlock or ~/.local/state/airlock)")
	approve := fs.String("approve", "", "pre-approve these kinds for scripted agents without elicitation, e.g. delete,overwrite (recorded as pre-approved)")
	var allowHosts, denyHosts multiFlag
	fs.Var(&allowHosts, "allow-host", "web: allow this host (example.com, *.example.com, an exact IP such as 127.0.0.1, each optionally :PORT); repeatable")
	fs.Var(&denyHosts, "deny-host", "web: deny this host (same syntax; deny wins); repeatable")
	netMode := fs.String("net", "ask", "web: hosts no rule names: ask (the user approves each, per session), deny, or allow")
	caFile := fs.String("ca-file", "", "web: PEM file of extra certificate authorities the sandbox trusts for HTTPS")
	injection := fs.String("injection", "", "what to do with content flagged as prompt injection: annotate (warn; the default), redact, or quarantine (withhold until the user releases it); overrides the policy file")
	if err := fs.Parse(args); err != nil {
		return usageError{err.Error()}
	}
	if fs.NArg() > 0 {
		return usageError{"serve: unexpected argument " + fs.Arg(0) + " (use --mount PATH)"}
	}
	var specs []tools.Mount
	for _, m := range mounts {
		p, ro, err := tools.ParseMountFlag(m)
		if err != nil {
			return usageError{err.Error()}
		}
		specs = append(specs, tools.Mount{Path: p, ReadOnly: ro})
	}
	home, _ := os.UserHomeDir()
	ms, err := tools.NewMounts(specs, home)
	if err != nil {
		return err
	}
	policy, err := loadPolicy(*policyFile, *approve, *injection)
	if err != nil {
		return err
	}
	network, err := networkPolicy(allowHosts, denyHosts, *netMode)
	if err != nil {
		return err
	}
	var extraCAs []byte
	if *caFile != "" {
		if extraCAs, err = os.ReadFile(*caFile); err != nil {
			return usageError{"--ca-file: " + err.Error()}
		}
	}
	if *stateDir == "" {
		if *stateDir, err = defaultStateDir(); err != nil {
			return err
		}
	}
	img, err := ensureImage(ctx, stderr, log)
	if err != nil {
		return err
	}
	backend, err := newBackend(log)
	if err != nil {
		return err
	}
	cfg := mcp.Config{
		Version:      version,
		Mounts:       ms,
		Backend:      backend,
		Policy:       &policy,
		StateDir:     *stateDir,
		Network:      network,
		ExtraRootCAs: string(extraCAs),
		OnApproval: func(_ context.Context, r approvals.Record) {
			log.Info("approval", "tool", r.Tool, "session", r.Session, "allowed", r.Allowed, "by", r.By, "answer", r.Answer, "reason", r.Reason)
		},
		VM:  vm.Config{Image: vm.Image{Kernel: img.Kernel, Initrd: img.Initrd, ID: img.Manifest.ID}, MemoryMiB: *memory},
		Log: log,
	}
	log.Info("network", "policy", network.String())
	for _, m := range ms {
		mode := "read-only"
		if !m.ReadOnly {
			mode = "read-write"
		}
		log.Info("mount", "path", m.Path, "mode", mode, "share", m.Name)
	}
	if *httpAddr == "" {
		// When the client goes away mid-write, get EPIPE instead of being
		// killed by SIGPIPE, so the VM is stopped in order.
		signal.Notify(make(chan os.Signal, 1), syscall.SIGPIPE)
		srv := mcp.New(cfg)
		err := srv.ServeStdio(ctx, stdin, stdout)
		if errors.Is(err, context.Canceled) || errors.Is(err, io.EOF) {
			return nil
		}
		return err
	}

	token, err := loadToken(*tokenFile, stderr)
	if err != nil {
		return err
	}
	cfg.Spares = *spares
	srv := mcp.New(cfg)
	defer srv.Close(context.Background())
	ln, err := net.Listen("tcp", *httpAddr)
	if err != nil {
		return err
	}
	if tcp, ok := ln.Addr().(*net.TCPAddr); ok && !tcp.IP.IsLoopback() {
		log.Warn("listening on a non-loopback address: anyone who can reach it and holds the token can use your folders", "addr", ln.Addr())
	}
	hs := &http.Server{
		Handler:           srv.HTTPHandler(ctx, token),
		ReadHeaderTimeout: 10 * time.Second,
		MaxHeaderBytes:    64 << 10,
	}
	log.Info("serving MCP over HTTP", "url", "http://"+ln.Addr().String()+"/mcp", "token_id", mcp.TokenID(token))
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case <-ctx.Done():
	case err := <-errc:
		return err
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	return hs.Shutdown(sctx)
}

// loadToken reads the bearer token from a file or $AIRLOCK_TOKEN, or
// makes one and prints it once to stderr.
func loadToken(file string, stderr io.Writer) (string, error) {
	if file != "" {
		b, err := os.ReadFile(file)
		if err != nil {
			return "", err
		}
		tok := strings.TrimSpace(string(b))
		if len(tok) < 16 {
			return "", fmt.Errorf("token in %s is shorter than 16 characters", file)
		}
		return tok, nil
	}
	if tok := os.Getenv("AIRLOCK_TOKEN"); tok != "" {
		if len(tok) < 16 {
			return "", errors.New("AIRLOCK_TOKEN is shorter than 16 characters")
		}
		return tok, nil
	}
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	tok := hex.EncodeToString(b)
	fmt.Fprintf(stderr, "airlock: HTTP bearer token (send as Authorization: Bearer <token>):\n%s\n", tok)
	return tok, nil
}

// networkPolicy builds the egress policy from the flags; a bad rule or
// mode is a usage error naming it.
func networkPolicy(allow, deny []string, mode string) (egress.Policy, error) {
	m, err := egress.ParseMode(mode)
	if err != nil {
		return egress.Policy{}, usageError{"--net: " + err.Error()}
	}
	p := egress.Policy{Allow: allow, Deny: deny, Unknown: m}
	if err := p.Validate(); err != nil {
		return p, usageError{"--allow-host/--deny-host: " + err.Error()}
	}
	return p, nil
}
