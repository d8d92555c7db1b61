package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"

	"github.com/airlock-dev/airlock/audit"
)

// defaultStateDir is $AIRLOCK_STATE_DIR, else $XDG_STATE_HOME/airlock,
// else ~/.local/state/airlock.
func defaultStateDir() (string, error) {
	if d := os.Getenv("AIRLOCK_STATE_DIR"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_STATE_HOME"); d != "" {
		return filepath.Join(d, "airlock"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("no state directory: set AIRLOCK_STATE_DIR or pass --state-dir: %w", err)
	}
	return filepath.Join(home, ".local", "state", "airlock"), nil
}

// sessionDir finds a session by ID or unique ID prefix.
func sessionDir(stateDir, id string) (string, error) {
	sessions, err := audit.ListSessions(stateDir)
	if err != nil {
		return "", err
	}
	var match []audit.SessionInfo
	for _, s := range sessions {
		if s.ID == id {
			return s.Dir, nil
		}
		if strings.HasPrefix(s.ID, id) {
			match = append(match, s)
		}
	}
	switch len(match) {
	case 0:
		return "", fmt.Errorf("no session %q in %s (see `airlock audit list`)", id, stateDir)
	case 1:
		return match[0].Dir, nil
	}
	return "", fmt.Errorf("session prefix %q is ambiguous (%d sessions)", id, len(match))
}

func cmdAudit(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"audit: want list, show SESSION or verify SESSION"}
	}
	fs := newFlagSet("audit "+args[0], stderr)
	stateDir := fs.String("state-dir", "", "state directory (default $AIRLOCK_STATE_DIR or ~/.local/state/airlock)")
	asJSON := fs.Bool("json", false, "machine-readable output")
	follow := fs.Bool("follow", false, "show: keep printing new records")
	if err := fs.Parse(args[1:]); err != nil {
		return usageError{err.Error()}
	}
	if *stateDir == "" {
		var err error
		if *stateDir, err = defaultStateDir(); err != nil {
			return err
		}
	}
	switch args[0] {
	case "list":
		sessions, err := audit.ListSessions(*stateDir)
		if err != nil {
			return err
		}
		if *asJSON {
			return json.NewEncoder(stdout).Encode(sessions)
		}
		tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "SESSION\tSTART\tEND\tCLIENT\tCALLS\tCHANGES\tMOUNTS")
		for _, s := range sessions {
			end := "-"
			if !s.End.IsZero() {
				end = s.End.Local().Format(time.DateTime)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d\t%d\t%s\n", s.ID, s.Start.Local().Format(time.DateTime), end, s.Client, s.ToolCalls, s.Changes, strings.Join(s.Mounts, " "))
		}
		return tw.Flush()
	case "show", "verify":
		if fs.NArg() != 1 {
			return usageError{"audit " + args[0] + ": want one SESSION"}
		}
		dir, err := sessionDir(*stateDir, fs.Arg(0))
		if err != nil {
			return err
		}
		if args[0] == "verify" {
			return verifySession(dir, stdout)
		}
		return showSession(ctx, dir, *asJSON, *follow, stdout)
	}
	return usageError{"audit: unknown subcommand " + args[0]}
}

func verifySession(dir string, stdout io.Writer) error {
	res, err := audit.Verify(dir)
	if err != nil {
		return err
	}
	if res.OK {
		fmt.Fprintf(stdout, "OK: %d records, hash chain and journal intact\n", res.Records)
		if res.TornTail {
			fmt.Fprintln(stdout, "note: the last line was cut off (the server stopped mid-write); everything before it verifies")
		}
		return nil
	}
	return fmt.Errorf("verification FAILED at line %d: %s (%d records verified before it)", res.FirstBad, res.Reason, res.Records)
}

func showSession(ctx context.Context, dir string, asJSON, follow bool, stdout io.Writer) error {
	shown := 0
	for {
		recs, err := audit.ReadLog(dir)
		if err != nil && len(recs) == 0 {
			return err
		}
		for _, r := range recs[shown:] {
			if asJSON {
				json.NewEncoder(stdout).Encode(r)
				continue
			}
			fmt.Fprintf(stdout, "%5d  %s  %-13s %s\n", r.Seq, r.Time.Local().Format("15:04:05.000"), r.Type, compact(r.Data))
		}
		shown = len(recs)
		if !follow {
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// compact prints record data on one line. The JSON encoder already
// escapes control characters; format characters (bidi overrides,
// zero-width) are escaped too, so a file name cannot disguise a line of
// the listing.
func compact(raw json.RawMessage) string {
	var b strings.Builder
	for _, r := range string(raw) {
		if unicode.IsControl(r) || unicode.Is(unicode.Cf, r) {
			fmt.Fprintf(&b, "\\u%04x", r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

func cmdRollback(args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("rollback", stderr)
	stateDir := fs.String("state-dir", "", "state directory (default $AIRLOCK_STATE_DIR or ~/.local/state/airlock)")
	to := fs.Int64("to", 0, "undo only the changes after this audit sequence number (0: the whole session)")
	dry := fs.Bool("dry-run", false, "show the plan, change nothing")
	force := fs.Bool("force", false, "also restore files the user changed after the session")
	// Flags may follow the session ID.
	var id string
	rest := args
	for len(rest) > 0 {
		if err := fs.Parse(rest); err != nil {
			return usageError{err.Error()}
		}
		if fs.NArg() == 0 {
			break
		}
		if id != "" {
			return usageError{"rollback: want one SESSION"}
		}
		id, rest = fs.Arg(0), fs.Args()[1:]
	}
	if id == "" {
		return usageError{"rollback: want a SESSION (see `airlock audit list`)"}
	}
	if *stateDir == "" {
		var err error
		if *stateDir, err = defaultStateDir(); err != nil {
			return err
		}
	}
	dir, err := sessionDir(*stateDir, id)
	if err != nil {
		return err
	}
	plan, err := audit.PlanRollback(dir, *to, nil)
	if err != nil {
		return err
	}
	if len(plan.Steps) == 0 {
		fmt.Fprintln(stdout, "nothing to undo")
		return nil
	}
	fmt.Fprintf(stdout, "plan (%d steps, newest change first):\n", len(plan.Steps))
	for _, s := range plan.Steps {
		line := fmt.Sprintf("  seq %-5d %-15s %s:%s", s.Seq, s.Action, s.Mount, strconv.Quote(s.Path))
		if s.Conflict != "" {
			line += "  REFUSED: " + s.Conflict
		}
		fmt.Fprintln(stdout, line)
	}
	if *dry {
		fmt.Fprintln(stdout, "dry run: nothing changed")
		return nil
	}
	applied, refused, err := plan.Apply(*force)
	fmt.Fprintf(stdout, "applied %d steps, refused %d\n", applied, len(refused))
	for _, s := range refused {
		fmt.Fprintf(stdout, "  refused %s:%s: %s\n", s.Mount, strconv.Quote(s.Path), s.Conflict)
	}
	// Record the rollback in the session's own log.
	if l, oerr := audit.Open(*stateDir, filepath.Base(dir)); oerr == nil {
		l.Append(audit.TypeRollback, map[string]any{"to": *to, "applied": applied, "refused": len(refused), "force": *force})
		l.Close()
	} else {
		fmt.Fprintf(stderr, "airlock: could not record the rollback in the session log: %v\n", oerr)
	}
	if err != nil {
		return err
	}
	if len(refused) > 0 {
		return errors.New("some steps were refused (use --force to restore files changed since the session)")
	}
	return nil
}
