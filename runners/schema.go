package runners

import (
	_ "embed"
	"sync"

	"github.com/benchy-dev/benchy/internal/jsonschema"
)

// protocolSchema is the JSON Schema of the protocol's lines, the contract
// docs/protocol.md describes.
//
//go:embed protocol.schema.json
var protocolSchema []byte

var (
	schemaOnce sync.Once
	schema     *jsonschema.Schema
	schemaErr  error
)

// ProtocolSchema returns the compiled schema of the protocol's lines:
// $defs request, setupResponse, runResponse, closeResponse and failure.
func ProtocolSchema() (*jsonschema.Schema, error) {
	schemaOnce.Do(func() { schema, schemaErr = jsonschema.Compile(protocolSchema) })
	return schema, schemaErr
}

// ResponseDef names the schema definition for the response to op.
func ResponseDef(op string) string {
	switch op {
	case OpSetup:
		return "setupResponse"
	case OpRun:
		return "runResponse"
	case OpClose:
		return "closeResponse"
	}
	return "failure"
}
