package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/benchy-dev/benchy/internal/atomicfile"
	"github.com/benchy-dev/benchy/results"
)

// Parse decodes a fleet document and checks its schema tag.
func Parse(b []byte) (*Document, error) {
	if len(bytes.TrimSpace(b)) == 0 {
		return nil, errors.New("empty file: not a fleet document")
	}
	var d Document
	if err := json.Unmarshal(b, &d); err != nil {
		return nil, fmt.Errorf("not a benchy fleet document: %w", err)
	}
	if d.Schema != Schema {
		return nil, fmt.Errorf("schema %q is not %q", d.Schema, Schema)
	}
	for i, r := range d.Runs {
		if r == nil || r.Document == nil {
			return nil, fmt.Errorf("run %d has no document", i)
		}
	}
	return &d, nil
}

// ReadFile reads a fleet document, a regular file (results.ReadBytes).
func ReadFile(path string) (*Document, error) {
	b, err := results.ReadBytes(path)
	if err != nil {
		return nil, err
	}
	d, err := Parse(b)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return d, nil
}

// WriteFile writes d to path atomically: a temporary file in the same
// directory, fsynced, then renamed over path.
func WriteFile(path string, d *Document) error {
	b, err := json.MarshalIndent(d, "", "  ")
	if err != nil {
		return fmt.Errorf("encode fleet document: %w", err)
	}
	return atomicfile.Write(path, append(b, '\n'), 0o644)
}
