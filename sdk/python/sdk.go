// Package python embeds benchy_worker.py, benchy's Python SDK
// (docs/python.md): the module that runs a user's Python function as an
// arm of a python {} block, and that a Python program of its own can
// import to speak the worker protocol.
package python

import (
	"bytes"
	_ "embed"

	"github.com/benchy-dev/benchy/internal/scriptcache"
)

//go:embed benchy_worker.py
var module []byte

// ModuleName is the file name of the SDK.
const ModuleName = "benchy_worker.py"

// Source returns a copy of the SDK's source.
func Source() []byte { return bytes.Clone(module) }

// Path returns the path of the SDK on disk, writing it first under the
// user cache directory (benchy/python/<sha256 prefix>/benchy_worker.py) when
// it is absent or differs from the embedded bytes.
func Path() (string, error) { return scriptcache.Path("python", ModuleName, module) }
