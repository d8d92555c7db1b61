package tools

import (
	"encoding/json"

	"github.com/invopop/jsonschema"
)

// SchemaFor returns the JSON schema of T for an MCP inputSchema: inline
// (no $ref or $defs), no $schema or $id, required fields from
// `jsonschema:"required"` tags.
func SchemaFor[T any]() json.RawMessage {
	r := &jsonschema.Reflector{
		Anonymous:                  true,
		DoNotReference:             true,
		ExpandedStruct:             true,
		RequiredFromJSONSchemaTags: true,
	}
	var zero T
	s := r.Reflect(&zero)
	s.Version = ""
	b, err := json.Marshal(s)
	if err != nil {
		panic("tools: schema of " + string(b) + ": " + err.Error()) // static types: a bug, not input
	}
	return b
}
