// Package files is the file tool catalog: the reference filesystem
// server's tools, with the same names and argument shapes where the
// operation is the same, plus delete_file, copy_file and grep_files. Every
// operation runs inside the session's VM through the tools pipeline.
package files
