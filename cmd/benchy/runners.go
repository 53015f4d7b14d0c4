package main

// The built-in runners register their suite blocks and workers on import.
import (
	_ "github.com/benchy-dev/benchy/runners/exec"
	_ "github.com/benchy-dev/benchy/runners/gaussrank"
	_ "github.com/benchy-dev/benchy/runners/gobench"
	_ "github.com/benchy-dev/benchy/runners/onnx"
	_ "github.com/benchy-dev/benchy/runners/python"
)
