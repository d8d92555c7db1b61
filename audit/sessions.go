package audit

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// SessionInfo summarizes one session's log.
type SessionInfo struct {
	ID string
	// Dir is the session directory, for ReadLog, Verify and PlanRollback.
	Dir string
	// Start is the time of the first record; End that of the session_end
	// record, zero if the session was never sealed.
	Start, End time.Time
	// Client and Mounts come from the session_start record's data fields
	// "client" and "mounts" (a list of names, or of objects with a "name").
	Client string
	Mounts []string
	// Records counts the log's verified records, ToolCalls its tool_call
	// records, and Changes the paths the journal recorded.
	Records   int
	ToolCalls int
	Changes   int
	// Problem is non-empty if the log or the journal could not be read in
	// full; the counts then cover what could.
	Problem string
}

// ListSessions summarizes every session under stateDir, oldest first. A
// session whose files are damaged is listed with Problem set.
func ListSessions(stateDir string) ([]SessionInfo, error) {
	des, err := os.ReadDir(filepath.Join(stateDir, "sessions"))
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("audit: list sessions: %w", err)
	}
	var out []SessionInfo
	for _, de := range des {
		if !de.IsDir() || !validSessionID(de.Name()) {
			continue
		}
		dir := filepath.Join(stateDir, "sessions", de.Name())
		if _, err := os.Lstat(filepath.Join(dir, logName)); err != nil {
			continue
		}
		out = append(out, summarize(de.Name(), dir))
	}
	slices.SortStableFunc(out, func(a, b SessionInfo) int {
		if c := a.Start.Compare(b.Start); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out, nil
}

// summarize reads one session directory.
func summarize(id, dir string) SessionInfo {
	info := SessionInfo{ID: id, Dir: dir}
	recs, err := ReadLog(dir)
	if err != nil {
		info.Problem = err.Error()
	}
	info.Records = len(recs)
	for i, r := range recs {
		if i == 0 {
			info.Start = r.Time
		}
		switch r.Type {
		case TypeSessionStart:
			info.Client, info.Mounts = parseStart(r.Data)
		case TypeToolCall:
			info.ToolCalls++
		case TypeSessionEnd:
			info.End = r.Time
		}
	}
	entries, err := ReadJournal(dir)
	if err != nil && info.Problem == "" {
		info.Problem = err.Error()
	}
	for _, e := range entries {
		info.Changes += len(e.Changes)
	}
	return info
}

// parseStart extracts the client and mount names from session_start data.
func parseStart(data json.RawMessage) (client string, mounts []string) {
	var d struct {
		Client json.RawMessage   `json:"client"`
		Mounts []json.RawMessage `json:"mounts"`
	}
	if json.Unmarshal(data, &d) != nil {
		return "", nil
	}
	if json.Unmarshal(d.Client, &client) != nil {
		// Accept {"name": "...", "version": "..."} as well.
		var c struct{ Name, Version string }
		if json.Unmarshal(d.Client, &c) == nil {
			client = strings.TrimSpace(c.Name + " " + c.Version)
		}
	}
	for _, m := range d.Mounts {
		var name string
		if json.Unmarshal(m, &name) != nil {
			var o struct{ Name string }
			if json.Unmarshal(m, &o) != nil {
				continue
			}
			name = o.Name
		}
		mounts = append(mounts, name)
	}
	return client, mounts
}
