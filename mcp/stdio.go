package mcp

import (
	"context"
	"io"
	"log/slog"

	"github.com/mark3labs/mcp-go/server"
)

// ServeStdio serves one client over in and out until in ends or ctx is
// cancelled, then stops the session's VM. The VM starts booting at once so
// the first tool call finds it ready.
func (s *Server) ServeStdio(ctx context.Context, in io.Reader, out io.Writer) error {
	sb := s.sandboxFor(context.Background())
	sb.Prewarm()
	defer s.Close(context.Background())
	std := server.NewStdioServer(s.mcp)
	std.SetErrorLogger(slog.NewLogLogger(s.log.Handler(), slog.LevelError))
	return std.Listen(ctx, in, out)
}
