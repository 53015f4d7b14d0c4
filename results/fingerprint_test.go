package results

import (
	"encoding/json"
	"testing"
)

// TestFingerprint: the digest is pinned (site pages and comparisons of
// documents written by earlier versions rely on it), changes with every
// field of the machine's identity, and ignores what a run measured or
// archived about it.
func TestFingerprint(t *testing.T) {
	base := Environment{Host: "node-a", OS: "linux", Arch: "amd64", Kernel: "6.1.0", CPUModel: "AMD EPYC", CPUCount: 2, GoVersion: "go1.26.8", GPUs: []string{"NVIDIA H200"}}
	const pinned = "53a962c69fb3" // sha256 of the fields joined by NUL, its first 6 bytes
	fp := base.Fingerprint()
	if len(fp) != 12 {
		t.Fatalf("Fingerprint %q: want 12 hex digits", fp)
	}
	if fp != pinned {
		t.Errorf("Fingerprint %q, want %q", fp, pinned)
	}
	changes := map[string]func(*Environment){
		"host": func(e *Environment) { e.Host = "node-b" }, "os": func(e *Environment) { e.OS = "darwin" },
		"arch": func(e *Environment) { e.Arch = "arm64" }, "kernel": func(e *Environment) { e.Kernel = "6.12.0" },
		"cpu model": func(e *Environment) { e.CPUModel = "Intel Xeon" }, "cpu count": func(e *Environment) { e.CPUCount = 4 },
		"go": func(e *Environment) { e.GoVersion = "go1.27" }, "gpus": func(e *Environment) { e.GPUs = nil },
		"a second gpu": func(e *Environment) { e.GPUs = append(e.GPUs, "NVIDIA H200") },
		// field boundaries are kept: moving text from one field to the next is another machine
		"boundary": func(e *Environment) { e.Host, e.OS = "node-al", "inux" },
	}
	for what, change := range changes {
		e := base
		e.GPUs = append([]string(nil), base.GPUs...)
		change(&e)
		if e.Fingerprint() == fp {
			t.Errorf("changing the %s keeps the fingerprint", what)
		}
	}
	e := base
	e.Setup = &Setup{}
	e.Hardware = json.RawMessage(`{"cpus":2}`)
	e.Overhead = map[string]float64{"spawn": 1e6}
	if e.Fingerprint() != fp {
		t.Error("the setup, the inventory or the overheads changed the fingerprint")
	}
}
