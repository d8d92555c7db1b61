package files

import "github.com/airlock-dev/airlock/tools"

// Limits on what one call returns to the model.
const (
	// MaxTextRead is the most text read_text_file returns; past it the
	// result ends with a truncation marker.
	MaxTextRead = 1 << 20
	// MaxMediaRead bounds read_media_file.
	MaxMediaRead = 10 << 20
	// MaxMultipleFiles bounds read_multiple_files.
	MaxMultipleFiles = 50
	// MaxWrite bounds write_file content.
	MaxWrite = 16 << 20
)

var (
	readOnly    = tools.Annotations{ReadOnly: true, Idempotent: true}
	additive    = tools.Annotations{Idempotent: true}
	destructive = tools.Annotations{Destructive: true}
)

// Catalog returns every file tool, in a stable order.
func Catalog() []tools.Tool {
	return []tools.Tool{
		listAllowed(),
		readTextFile(),
		readMediaFile(),
		readMultipleFiles(),
		tools.WithPlan(writeFile(), planWrite),
		tools.WithPlan(editFile(), planEdit),
		tools.WithPlan(createDirectory(), planMkdir),
		listDirectory(),
		listDirectoryWithSizes(),
		directoryTree(),
		tools.WithPlan(moveFile(), planMove),
		tools.WithPlan(copyFile(), planCopy),
		tools.WithPlan(deleteFile(), planDelete),
		searchFiles(),
		grepFiles(),
		getFileInfo(),
	}
}
