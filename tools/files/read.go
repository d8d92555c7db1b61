package files

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"path/filepath"
	"strings"
	"sync"

	"github.com/mark3labs/mcp-go/mcp"

	"github.com/airlock-dev/airlock/tools"
	"github.com/airlock-dev/airlock/vm/guestproto"
)

type pathArg struct {
	Path string `json:"path" jsonschema:"required" jsonschema_description:"Absolute path, or relative to the first allowed directory"`
}

type readTextArgs struct {
	Path string `json:"path" jsonschema:"required" jsonschema_description:"Absolute path, or relative to the first allowed directory"`
	Head int    `json:"head,omitempty" jsonschema:"minimum=1" jsonschema_description:"If provided, returns only the first N lines of the file"`
	Tail int    `json:"tail,omitempty" jsonschema:"minimum=1" jsonschema_description:"If provided, returns only the last N lines of the file"`
}

func (a *readTextArgs) Validate() error {
	switch {
	case a.Head < 0 || a.Tail < 0:
		return tools.Userf("head and tail must be positive")
	case a.Head > 0 && a.Tail > 0:
		return tools.Userf("cannot specify both head and tail")
	}
	return nil
}

// readText reads a file as text through the guest, truncating at limit
// with a marker the model cannot miss.
func readText(ctx context.Context, c *tools.Call, path string, head, tail int, limit int64) (string, error) {
	t, a, err := c.Target(ctx, path, false)
	if err != nil {
		return "", err
	}
	var buf bytes.Buffer
	res, _, err := a.Read(ctx, guestproto.ReadArgs{PathArgs: pa(t), Limit: limit, HeadLines: head, TailLines: tail}, &buf)
	if err != nil {
		return "", err
	}
	if res.Binary {
		return "", tools.Userf("%q is a binary file (%s, %d bytes); use read_media_file", path, res.MIME, res.Size)
	}
	text := buf.String()
	if res.Truncated {
		text += fmt.Sprintf("\n\n[airlock: output truncated at %d bytes; the file is %d bytes. Use head or tail to read other parts.]", buf.Len(), res.Size)
	}
	return text, nil
}

func pa(t tools.Target) guestproto.PathArgs {
	return guestproto.PathArgs{Mount: t.Mount.Name, Path: t.Rel}
}

func readTextFile() tools.Tool {
	return tools.Define("read_text_file", "Read Text File",
		"Read the contents of a file as text. Use 'head' for the first N lines or 'tail' for the last N lines. "+
			"Output longer than 1 MiB is cut off with a marker. Only works within allowed directories; the read happens inside an isolated VM.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a readTextArgs) (tools.Result, error) {
			text, err := readText(ctx, c, a.Path, a.Head, a.Tail, MaxTextRead)
			if err != nil {
				return tools.Result{}, err
			}
			return tools.Result{Text: text, Untrusted: true, Structured: map[string]any{"content": text}}, nil
		})
}

var mediaTypes = map[string]string{
	".png": "image/png", ".jpg": "image/jpeg", ".jpeg": "image/jpeg", ".gif": "image/gif",
	".webp": "image/webp", ".bmp": "image/bmp", ".svg": "image/svg+xml",
	".mp3": "audio/mpeg", ".wav": "audio/wav", ".ogg": "audio/ogg", ".flac": "audio/flac",
	".pdf": "application/pdf",
}

func readMediaFile() tools.Tool {
	return tools.Define("read_media_file", "Read Media File",
		"Read an image, audio or other binary file and return it base64-encoded with its MIME type (at most 10 MiB). Only works within allowed directories.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a pathArg) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, false)
			if err != nil {
				return tools.Result{}, err
			}
			var buf bytes.Buffer
			res, _, err := ag.Read(ctx, guestproto.ReadArgs{PathArgs: pa(t), Limit: MaxMediaRead}, &buf)
			if err != nil {
				return tools.Result{}, err
			}
			if res.Truncated {
				return tools.Result{}, tools.Userf("%q is %d bytes; read_media_file returns at most %d", a.Path, res.Size, MaxMediaRead)
			}
			mime := mediaTypes[strings.ToLower(filepath.Ext(a.Path))]
			if mime == "" {
				mime = res.MIME
			}
			data := base64.StdEncoding.EncodeToString(buf.Bytes())
			var block mcp.Content
			switch {
			case strings.HasPrefix(mime, "image/"):
				block = mcp.NewImageContent(data, mime)
			case strings.HasPrefix(mime, "audio/"):
				block = mcp.NewAudioContent(data, mime)
			default:
				block = mcp.NewEmbeddedResource(mcp.BlobResourceContents{URI: "file://" + t.HostPath(), MIMEType: mime, Blob: data})
			}
			return tools.Result{Text: fmt.Sprintf("%s (%s, %d bytes)", a.Path, mime, buf.Len()), Extra: []mcp.Content{block}}, nil
		})
}

type readMultipleArgs struct {
	Paths []string `json:"paths" jsonschema:"required,minItems=1,maxItems=50" jsonschema_description:"Array of file paths to read. Each path must be a string pointing to a valid file within allowed directories."`
}

func (a *readMultipleArgs) Validate() error {
	if len(a.Paths) == 0 || len(a.Paths) > MaxMultipleFiles {
		return tools.Userf("paths: give 1 to %d paths", MaxMultipleFiles)
	}
	return nil
}

func readMultipleFiles() tools.Tool {
	return tools.Define("read_multiple_files", "Read Multiple Files",
		"Read several files at once. Each file's content is returned with its path; a failed read does not stop the others. Only works within allowed directories.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a readMultipleArgs) (tools.Result, error) {
			out := make([]string, len(a.Paths))
			var wg sync.WaitGroup
			sem := make(chan struct{}, 4)
			per := int64(MaxTextRead / len(a.Paths))
			for i, p := range a.Paths {
				wg.Add(1)
				go func() {
					defer wg.Done()
					sem <- struct{}{}
					defer func() { <-sem }()
					// Each read gets its own Call so paths are recorded.
					sub := &tools.Call{Tool: c.Tool, Args: c.Args, Env: c.Env}
					text, err := readText(ctx, sub, p, 0, 0, per)
					if err != nil {
						out[i] = fmt.Sprintf("%s: Error - %s", p, tools.Explain(p, err))
						return
					}
					out[i] = fmt.Sprintf("%s:\n%s\n", p, text)
				}()
			}
			wg.Wait()
			c.Paths = append(c.Paths, a.Paths...)
			text := strings.Join(out, "\n---\n")
			return tools.Result{Text: text, Untrusted: true, Structured: map[string]any{"content": text}}, nil
		})
}

func getFileInfo() tools.Tool {
	return tools.Define("get_file_info", "Get File Info",
		"Retrieve metadata about a file or directory: size, times, permissions, type, link count, and a symlink's target. Only works within allowed directories.",
		readOnly,
		func(ctx context.Context, c *tools.Call, a pathArg) (tools.Result, error) {
			t, ag, err := c.Target(ctx, a.Path, false)
			if err != nil {
				return tools.Result{}, err
			}
			var fi guestproto.FileInfo
			if err := ag.Call(ctx, guestproto.OpStat, pa(t), &fi); err != nil {
				return tools.Result{}, err
			}
			lines := []string{
				fmt.Sprintf("size: %d", fi.Size),
				fmt.Sprintf("modified: %s", fi.ModTime.UTC().Format("2006-01-02T15:04:05.000Z")),
			}
			if !fi.AccessTime.IsZero() {
				lines = append(lines, fmt.Sprintf("accessed: %s", fi.AccessTime.UTC().Format("2006-01-02T15:04:05.000Z")))
			}
			if !fi.ChangeTime.IsZero() {
				lines = append(lines, fmt.Sprintf("changed: %s", fi.ChangeTime.UTC().Format("2006-01-02T15:04:05.000Z")))
			}
			lines = append(lines,
				fmt.Sprintf("isDirectory: %t", fi.Type == "dir"),
				fmt.Sprintf("isFile: %t", fi.Type == "file"),
				fmt.Sprintf("isSymbolicLink: %t", fi.Type == "symlink"),
				fmt.Sprintf("permissions: %o", fi.Mode),
				fmt.Sprintf("links: %d", fi.Nlink),
				fmt.Sprintf("readOnlyMount: %t", t.Mount.ReadOnly),
			)
			if fi.Target != "" {
				lines = append(lines, fmt.Sprintf("target: %q", fi.Target))
			}
			// A symlink's target is text anyone who could write the folder
			// chose: scan it like file content.
			return tools.Result{Text: strings.Join(lines, "\n"), Structured: fi, Untrusted: fi.Target != ""}, nil
		})
}
