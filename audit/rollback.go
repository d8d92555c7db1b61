package audit

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
)

// Rollback actions, named after the state a step restores.
const (
	ActionRestore        = "restore"         // put a file's pre-image back
	ActionRemove         = "remove"          // remove what the session created
	ActionRecreateDir    = "recreate-dir"    // recreate a directory, or reset its mode
	ActionRestoreSymlink = "restore-symlink" // put a symbolic link back
)

// errNotEmpty reports a directory that still holds entries.
var errNotEmpty = errors.New("directory not empty")

// Step undoes every journaled change to one path that is newer than the
// rollback point.
type Step struct {
	// Seq is the newest undone audit seq that changed the path.
	Seq    int64
	Mount  string
	Path   string
	Action string
	// Conflict says why the step is refused; it is empty if it is fine.
	Conflict string
	// Unrecoverable marks a conflict that force cannot override: the
	// pre-image was not kept, is missing, or the path cannot be reached
	// without following a symbolic link.
	Unrecoverable bool
	// Note carries information that is not a conflict, such as an entry
	// that was never committed.
	Note string
	// Root is the host directory the step applies to.
	Root string
	// Target is the state the step restores: the "before" of the oldest
	// undone change to the path. Current is the state found when planning.
	Target, Current FileState

	phase int
}

// Plan is an ordered list of rollback steps.
type Plan struct {
	Steps  []Step
	objDir string
}

// PlanRollback plans undoing every journaled change whose audit seq is
// greater than toSeq in the session directory dir. For each path the target
// is the "before" of its oldest undone change. A path whose current state
// is neither that target nor the "after" of its newest change was changed
// since the session, and its step carries a Conflict. As an extension, a
// state that any undone change recorded for the path (an intermediate
// before or after) is accepted too: it is a state the session produced, and
// accepting it lets a session be rolled back in stages (to seq 8, then to
// seq 4) although rollbacks are not journaled. A change that was
// never committed (a crash between Before and Commit) may or may not have
// happened, so any current state is accepted for it. Paths already in their
// target state get no step.
//
// Mount roots are the recorded ones unless mounts maps the mount's name to
// another host directory. Steps are ordered for execution: removals of
// files and links (deepest first), then of directories (deepest first),
// then directory re-creations (shallowest first), then file and link
// restores (newest first). Per-path collapsing makes any other order
// equivalent.
func PlanRollback(dir string, toSeq int64, mounts map[string]string) (Plan, error) {
	if toSeq < 0 {
		return Plan{}, fmt.Errorf("%w: rollback point %d", ErrInvalid, toSeq)
	}
	entries, err := ReadJournal(dir)
	if err != nil {
		return Plan{}, fmt.Errorf("audit: plan rollback: %w", err)
	}
	type history struct {
		step    Step
		after   *FileState  // of the newest change
		pending bool        // the newest change was never committed
		states  []FileState // every state the undone changes recorded
	}
	byPath := map[[2]string]*history{}
	var order []*history
	for _, e := range entries {
		if e.Seq <= toSeq {
			continue
		}
		for _, c := range e.Changes {
			k := [2]string{c.Mount, c.Path}
			h := byPath[k]
			if h == nil {
				root := c.Root
				if r, ok := mounts[c.Mount]; ok {
					root = r
				}
				h = &history{step: Step{Mount: c.Mount, Path: c.Path, Root: root, Target: c.Before}}
				byPath[k] = h
				order = append(order, h)
			}
			h.step.Seq, h.after, h.pending = e.Seq, c.After, e.State == StatePending
			h.states = append(h.states, c.Before)
			if c.After != nil {
				h.states = append(h.states, *c.After)
			}
		}
	}
	p := Plan{objDir: filepath.Join(dir, journalDir, objectsDir)}
	roots := rootCache{}
	defer roots.close()
	for _, h := range order {
		s := h.step
		s.Action = actionFor(s.Target)
		root, err := roots.get(s.Root)
		if err != nil {
			s.Conflict, s.Unrecoverable = "mount root unavailable: "+err.Error(), true
			p.Steps = append(p.Steps, s)
			continue
		}
		c := capturer{root: root, hashLimit: DefaultHashLimit}
		cur, err := c.capture(s.Path)
		if err != nil {
			s.Conflict, s.Unrecoverable = "cannot inspect the path: "+err.Error(), true
			p.Steps = append(p.Steps, s)
			continue
		}
		s.Current = cur
		if sameState(cur, s.Target) {
			continue
		}
		s.phase = phaseFor(s.Target, cur)
		switch {
		case unrestorable(s.Target, p.objDir) != "":
			s.Conflict, s.Unrecoverable = unrestorable(s.Target, p.objDir), true
		case h.pending:
			s.Note = fmt.Sprintf("seq %d was never committed (interrupted?); its outcome is unknown, so the current state is accepted", s.Seq)
		case !slices.ContainsFunc(h.states, func(st FileState) bool { return sameState(cur, st) }):
			s.Conflict = fmt.Sprintf("changed since seq %d: now %s, the session left %s", s.Seq, cur, *h.after)
		}
		p.Steps = append(p.Steps, s)
	}
	slices.SortStableFunc(p.Steps, func(a, b Step) int {
		if a.phase != b.phase {
			return a.phase - b.phase
		}
		switch a.phase {
		case 1, 2:
			if d := depth(b.Path) - depth(a.Path); d != 0 {
				return d
			}
		case 3:
			if d := depth(a.Path) - depth(b.Path); d != 0 {
				return d
			}
		default:
			if c := cmp.Compare(b.Seq, a.Seq); c != 0 {
				return c
			}
		}
		return strings.Compare(a.Mount+"\x00"+a.Path, b.Mount+"\x00"+b.Path)
	})
	return p, nil
}

func actionFor(t FileState) string {
	switch {
	case !t.Exists:
		return ActionRemove
	case t.Type == KindDir:
		return ActionRecreateDir
	case t.Type == KindSymlink:
		return ActionRestoreSymlink
	}
	return ActionRestore
}

// phaseFor orders a step: 1 remove a non-directory, 2 remove a directory,
// 3 recreate a directory, 4 restore a file or link.
func phaseFor(t, cur FileState) int {
	switch {
	case !t.Exists && cur.Type == KindDir:
		return 2
	case !t.Exists:
		return 1
	case t.Type == KindDir:
		return 3
	case cur.Type == KindDir:
		return 2
	}
	return 4
}

// unrestorable says why target t cannot be restored, or returns "".
func unrestorable(t FileState, objDir string) string {
	switch {
	case !t.Exists || t.Type == KindDir || t.Type == KindSymlink:
		return ""
	case t.Type == KindOther:
		return "the path was a special file (device, FIFO or socket), which cannot be restored"
	case t.TooLarge || t.SHA256 == "":
		return fmt.Sprintf("cannot restore: the file (%d bytes) was larger than the journal keeps, so no pre-image exists", t.Size)
	case !validDigest(t.SHA256):
		return "cannot restore: the journal's pre-image digest is malformed"
	}
	if _, err := os.Lstat(filepath.Join(objDir, t.SHA256)); err != nil {
		return "cannot restore: the pre-image object is missing: " + err.Error()
	}
	return ""
}

// Apply executes the plan. A step with a conflict is refused unless force
// is set and the conflict is not Unrecoverable; before acting on a path,
// Apply inspects it again and, without force, refuses it if it changed
// since planning. Steps that are not refused are applied even when others
// are: each step restores one path to a state it had before the session, so
// a partial rollback never produces a state that did not exist, and the
// refused steps can be retried (or forced) later with a new plan. A
// directory is removed only when it is empty, even with force, so nothing
// the journal does not account for is ever deleted.
//
// Files are restored through a temporary file in the same directory
// (fsync, rename) with their mode and modification time; links are
// restored as links, and nothing is followed. Every directory Apply changed
// is fsynced before it returns, so its effects are then durable; after a
// crash during Apply, planning again finishes the job (a crash can leave a
// temporary .airlock-rollback-* file next to the file being restored). Apply appends
// nothing to the log. It returns the number of steps applied, the refused
// steps with their reasons, and an error joining I/O failures (whose steps
// are also among the refused).
func (p Plan) Apply(force bool) (applied int, refused []Step, err error) {
	roots := rootCache{}
	defer roots.close()
	var errs []error
	var dirs []Step
	changed := map[[2]string]bool{} // root, directory
	refuse := func(s Step, why string) {
		if why != "" {
			s.Conflict = why
		}
		refused = append(refused, s)
	}
	for _, s := range p.Steps {
		if s.Conflict != "" && (!force || s.Unrecoverable) {
			refuse(s, "")
			continue
		}
		root, err := roots.get(s.Root)
		if err != nil {
			refuse(s, "mount root unavailable: "+err.Error())
			errs = append(errs, err)
			continue
		}
		c := capturer{root: root, hashLimit: DefaultHashLimit}
		cur, err := c.capture(s.Path)
		if err != nil {
			refuse(s, "cannot inspect the path: "+err.Error())
			if !errors.Is(err, ErrSymlinkInPath) {
				errs = append(errs, err)
			}
			continue
		}
		if !force && !sameState(cur, s.Current) {
			refuse(s, fmt.Sprintf("changed since the plan was made: now %s", cur))
			continue
		}
		if err := p.applyStep(root, s, cur); err != nil {
			if errors.Is(err, errNotEmpty) {
				refuse(s, "directory not empty: it holds entries the journal does not account for")
				continue
			}
			refuse(s, "failed: "+err.Error())
			errs = append(errs, fmt.Errorf("%s:%s: %w", s.Mount, s.Path, err))
			continue
		}
		applied++
		changed[[2]string{s.Root, path.Dir(s.Path)}] = true
		if s.Target.Type == KindDir {
			changed[[2]string{s.Root, s.Path}] = true
			dirs = append(dirs, s)
		}
	}
	// Directory modes and times last, deepest first, so that restoring a
	// read-only directory does not block restoring its contents.
	slices.SortStableFunc(dirs, func(a, b Step) int { return depth(b.Path) - depth(a.Path) })
	for _, s := range dirs {
		root, _ := roots.get(s.Root)
		if err := setDirAttrs(root, s.Path, s.Target); err != nil {
			errs = append(errs, fmt.Errorf("%s:%s: %w", s.Mount, s.Path, err))
		}
	}
	for k := range changed {
		root, _ := roots.get(k[0])
		if err := syncRootDir(root, k[1]); err != nil && !isNotExist(err) {
			errs = append(errs, fmt.Errorf("sync %s: %w", filepath.Join(k[0], k[1]), err))
		}
	}
	if len(errs) > 0 {
		err = fmt.Errorf("audit: rollback: %w", errors.Join(errs...))
	}
	return applied, refused, err
}

// applyStep brings one path from cur to s.Target.
func (p Plan) applyStep(root *os.Root, s Step, cur FileState) error {
	t := s.Target
	parent := path.Dir(s.Path)
	if cur.Exists && (!t.Exists || (cur.Type == KindDir) != (t.Type == KindDir)) {
		if err := root.Remove(s.Path); err != nil {
			if cur.Type == KindDir && (errors.Is(err, syscall.ENOTEMPTY) || errors.Is(err, syscall.EEXIST)) {
				return errNotEmpty
			}
			return err
		}
		cur = FileState{}
	}
	switch {
	case !t.Exists:
	case t.Type == KindDir:
		if !cur.Exists {
			if err := root.Mkdir(s.Path, 0o700); err != nil {
				return err
			}
		}
	case t.Type == KindSymlink:
		tmp := tempName(parent)
		if err := root.Symlink(t.Target, tmp); err != nil {
			return err
		}
		if err := root.Rename(tmp, s.Path); err != nil {
			root.Remove(tmp)
			return err
		}
	default:
		if err := p.restoreFile(root, s.Path, t); err != nil {
			return err
		}
	}
	return nil
}
