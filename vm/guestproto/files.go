package guestproto

// File operations beyond stat/read/write. Every path is a PathArgs: a
// share name plus a slash-separated path relative to the share root. The
// guest confines each operation to its share (os.Root) and refuses
// anything that is not a regular file or directory where content is
// involved.
const (
	OpList   = "list"   // ListArgs -> ListResult
	OpTree   = "tree"   // TreeArgs -> TreeResult
	OpFind   = "find"   // FindArgs -> FindResult
	OpSearch = "search" // SearchArgs -> SearchResult
	OpEdit   = "edit"   // EditArgs -> EditResult
	OpMkdir  = "mkdir"  // MkdirArgs -> FileInfo
	OpMove   = "move"   // MoveArgs -> FileInfo (of the destination)
	OpCopy   = "copy"   // CopyArgs -> CopyResult
	OpDelete = "delete" // DeleteArgs -> DeleteResult
	OpHash   = "hash"   // PathArgs -> HashResult
)

// Limits the guest enforces; requests asking for more are clamped.
const (
	MaxEntries     = 10_000 // entries returned by list, tree, find, delete
	MaxTreeDepth   = 64
	MaxMatches     = 1_000 // search matches
	MaxContext     = 10    // search context lines
	MaxSearchBytes = 8 << 20
	MaxEdits       = 100
)

// ListArgs lists one directory.
type ListArgs struct {
	PathArgs
	SortBy string `json:"sortBy,omitempty"` // "name" (default), "size" (largest first), "mtime" (newest first)
	Limit  int    `json:"limit,omitempty"`  // default and maximum MaxEntries
}

// ListResult is a directory listing. Entries are never followed through
// symlinks: a symlink is listed as type "symlink".
type ListResult struct {
	Entries   []FileInfo `json:"entries"`
	Total     int        `json:"total"` // entries in the directory
	Truncated bool       `json:"truncated"`
}

// TreeArgs walks a directory.
type TreeArgs struct {
	PathArgs
	Depth   int      `json:"depth,omitempty"`   // default and maximum MaxTreeDepth
	Exclude []string `json:"exclude,omitempty"` // globs matched against each entry's base name and relative path
	Limit   int      `json:"limit,omitempty"`
}

// TreeEntry is one entry of a walk; Path is relative to the walked
// directory, slash-separated.
type TreeEntry struct {
	Path string `json:"path"`
	Type string `json:"type"`
	Size int64  `json:"size"`
}

// TreeResult lists a walk in depth-first, name order.
type TreeResult struct {
	Entries   []TreeEntry `json:"entries"`
	Truncated bool        `json:"truncated"`
}

// FindArgs finds entries whose relative path or base name matches Pattern
// (path.Match syntax, plus "**" for any number of directories).
type FindArgs struct {
	PathArgs
	Pattern string   `json:"pattern"`
	Exclude []string `json:"exclude,omitempty"`
	Limit   int      `json:"limit,omitempty"`
}

// FindResult holds matching paths relative to the searched directory.
type FindResult struct {
	Paths     []string `json:"paths"`
	Truncated bool     `json:"truncated"`
}

// SearchArgs searches file contents with a regular expression (RE2 syntax,
// linear time).
type SearchArgs struct {
	PathArgs
	Pattern         string   `json:"pattern"`
	Include         string   `json:"include,omitempty"` // glob on base names, e.g. "*.go"
	Exclude         []string `json:"exclude,omitempty"`
	CaseInsensitive bool     `json:"caseInsensitive,omitempty"`
	MaxMatches      int      `json:"maxMatches,omitempty"`
	Context         int      `json:"context,omitempty"`
}

// Match is one matching line.
type Match struct {
	Path   string   `json:"path"`
	Line   int      `json:"line"` // 1-based
	Text   string   `json:"text"`
	Before []string `json:"before,omitempty"`
	After  []string `json:"after,omitempty"`
}

// SearchResult holds matches in path, line order.
type SearchResult struct {
	Matches       []Match `json:"matches"`
	FilesScanned  int     `json:"filesScanned"`
	SkippedBinary int     `json:"skippedBinary"`
	SkippedLarge  int     `json:"skippedLarge"`
	Truncated     bool    `json:"truncated"`
}

// Edit replaces Old with New. Old must occur exactly once unless
// ReplaceAll is set (then at least once).
type Edit struct {
	Old        string `json:"old"`
	New        string `json:"new"`
	ReplaceAll bool   `json:"replaceAll,omitempty"`
}

// EditArgs applies edits in order, atomically: all or none.
type EditArgs struct {
	PathArgs
	Edits  []Edit `json:"edits"`
	DryRun bool   `json:"dryRun,omitempty"`
	// IfSHA256, when set, makes the edit fail with CodeConflict unless
	// the file's current content has this hash.
	IfSHA256 string `json:"ifSha256,omitempty"`
}

// EditResult reports an edit (or what it would do, on a dry run).
type EditResult struct {
	Diff         string `json:"diff"` // unified diff, a/ and b/ prefixes
	Replacements int    `json:"replacements"`
	OldSHA256    string `json:"oldSha256"`
	NewSHA256    string `json:"newSha256"`
}

// MkdirArgs creates a directory.
type MkdirArgs struct {
	PathArgs
	Parents bool `json:"parents,omitempty"` // like mkdir -p; an existing directory is then fine
}

// MoveArgs renames within one share.
type MoveArgs struct {
	From      PathArgs `json:"from"`
	To        PathArgs `json:"to"`
	Overwrite bool     `json:"overwrite,omitempty"`
}

// CopyArgs copies a file, or a directory with Recursive, within or across
// shares.
type CopyArgs struct {
	From      PathArgs `json:"from"`
	To        PathArgs `json:"to"`
	Overwrite bool     `json:"overwrite,omitempty"`
	Recursive bool     `json:"recursive,omitempty"`
}

// CopyResult counts what was copied.
type CopyResult struct {
	Files int   `json:"files"`
	Bytes int64 `json:"bytes"`
}

// DeleteArgs removes a file, symlink or empty directory; a non-empty
// directory only with Recursive.
type DeleteArgs struct {
	PathArgs
	Recursive bool `json:"recursive,omitempty"`
}

// DeleteResult lists what was removed (first MaxEntries paths).
type DeleteResult struct {
	Removed   []string `json:"removed"`
	Count     int      `json:"count"`
	Bytes     int64    `json:"bytes"`
	Truncated bool     `json:"truncated"`
}

// HashResult is a file's SHA-256.
type HashResult struct {
	SHA256 string `json:"sha256"`
	Size   int64  `json:"size"`
}

// TempDirName is the reserved directory at the root of each read-write
// share where the guest stages atomic writes before renaming them into
// place. No operation may address it; the guest empties it when it mounts
// the share and the host removes it when the machine stops, so a crash
// mid-write leaves no temporary file behind in the user's folder.
const TempDirName = ".airlock-tmp"
