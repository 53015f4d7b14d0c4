package python

import (
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

const systemPython = "/usr/bin/python3"

func TestEmbeddedModuleIsTheSource(t *testing.T) {
	src, err := os.ReadFile(ModuleName)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, Source()) {
		t.Fatal("the embedded SDK differs from benchy_worker.py")
	}
}

// talk runs the SDK in dir with args, sends the request lines and returns
// one decoded response per line of its standard output, and its stderr.
func talk(t *testing.T, dir string, args []string, reqs ...string) ([]map[string]any, string) {
	t.Helper()
	if _, err := os.Stat(systemPython); err != nil {
		t.Skipf("skipped: %s is missing (%v)", systemPython, err)
	}
	sdk, err := filepath.Abs(ModuleName)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(systemPython, append([]string{sdk}, args...)...)
	cmd.Dir = dir
	cmd.Stdin = strings.NewReader(strings.Join(reqs, "\n") + "\n")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("SDK exited: %v\nstderr: %s", err, errb.String())
	}
	var resps []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("stdout line %q is not a JSON object: %v (stdout %q)", line, err, out.String())
		}
		resps = append(resps, m)
	}
	if len(resps) != len(reqs) {
		t.Fatalf("%d responses to %d requests:\n%s\nstderr: %s", len(resps), len(reqs), out.String(), errb.String())
	}
	return resps, errb.String()
}

func script(t *testing.T, src string) string {
	t.Helper()
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "bench.py"), []byte(src), 0o644); err != nil {
		t.Fatal(err)
	}
	return dir
}

const benchPy = `import gc
import benchy_worker

def plain(config):
    return lambda: None

def gc_state(config):
    seen = []
    def call():
        seen.append(gc.isenabled())
    return benchy_worker.Arm(call, metrics=lambda: {"gc_enabled_calls": sum(seen)}, info={"n": config["n"]})

def throughput(config):
    return benchy_worker.Arm(lambda: None, items=config["n"], bytes=8 * config["n"])

def bad_metric(config):
    return benchy_worker.Arm(lambda: None, metrics=lambda: {"x": float("nan")})

def torch_cuda(config):
    return lambda: None

def bad_items(config):
    return benchy_worker.Arm(lambda: None, items=float(config["items"]))
`

// TestArmItemsMustBeFinite: items (and bytes) that are not a positive
// finite number fail setup with the reason; NaN and infinity passed a
// plain "<= 0" test and then gave a rate JSON cannot carry.
func TestArmItemsMustBeFinite(t *testing.T) {
	dir := script(t, benchPy)
	for _, v := range []string{`"inf"`, `"nan"`, `"-inf"`, `0`} {
		r, _ := talk(t, dir, []string{"bench.py", "bad_items"}, `{"op":"setup","config":{"config":{"items":`+v+`}}}`)
		e, _ := r[0]["error"].(string)
		if ok, _ := r[0]["ok"].(bool); ok || !strings.Contains(e, "Arm items must be a positive finite number") {
			t.Errorf("items %s: setup answered %v", v, r[0])
		}
	}
}

// TestProtocolVersion: the SDK answers setup with the version it speaks
// and refuses a request for a version it cannot speak, naming both
// (docs/protocol.md's rule).
func TestProtocolVersion(t *testing.T) {
	dir := script(t, benchPy)
	setup := func(protocol string) string {
		p := ""
		if protocol != "" {
			p = `"protocol":` + protocol + `,`
		}
		return `{"op":"setup",` + p + `"config":{"function":"plain"},"seed":1}`
	}
	cases := []struct {
		protocol string
		ok       bool
		errHas   string
	}{
		{"", true, ""}, // a benchy from before the field
		{"1", true, ""},
		{"2", true, ""}, // a newer benchy: the SDK answers 1
		{"0", false, "setup asked for protocol 0, which is not a version"},
		{`"1"`, false, `setup asked for protocol '1', which is not a version`},
	}
	for _, tc := range cases {
		r, _ := talk(t, dir, []string{"bench.py"}, setup(tc.protocol))
		if ok, _ := r[0]["ok"].(bool); ok != tc.ok {
			t.Errorf("protocol %s: %v, want ok=%v", tc.protocol, r[0], tc.ok)
			continue
		}
		if tc.ok && r[0]["protocol"] != float64(1) {
			t.Errorf("protocol %s: answered protocol %v, want 1", tc.protocol, r[0]["protocol"])
		}
		if e, _ := r[0]["error"].(string); !strings.Contains(e, tc.errHas) {
			t.Errorf("protocol %s: error %q lacks %q", tc.protocol, e, tc.errHas)
		}
	}
}

// TestGCAndMetrics: the collector is off inside the timed loop unless gc
// is true, and the setup info says which; Arm reports throughput and its
// own metrics per block.
func TestGCAndMetrics(t *testing.T) {
	dir := script(t, benchPy)
	for _, gc := range []bool{false, true} {
		req := `{"op":"setup","config":{"function":"gc_state","gc":` + map[bool]string{false: "false", true: "true"}[gc] + `,"config":{"n":5}},"seed":1}`
		r, _ := talk(t, dir, []string{"bench.py"}, req, `{"op":"run","warmup":0,"iterations":4}`)
		info, _ := r[0]["info"].(map[string]any)
		want := map[bool]string{false: "disabled in the timed loop", true: "enabled in the timed loop"}[gc]
		if info["gc"] != want || info["n"] != float64(5) || info["function"] != "gc_state" {
			t.Errorf("gc=%v: info %v", gc, info)
		}
		m, _ := r[1]["metrics"].(map[string]any)
		if wantOn := map[bool]float64{false: 0, true: 4}[gc]; m["gc_enabled_calls"] != wantOn {
			t.Errorf("gc=%v: %v of 4 timed calls ran with the collector on, want %v", gc, m["gc_enabled_calls"], wantOn)
		}
		if ns, _ := r[1]["ns"].([]any); len(ns) != 4 {
			t.Errorf("gc=%v: ns %v, want 4 durations", gc, r[1]["ns"])
		}
	}
	r, _ := talk(t, dir, []string{"bench.py", "throughput"}, `{"op":"setup","config":{"config":{"n":1000}}}`, `{"op":"run","iterations":10}`)
	m, _ := r[1]["metrics"].(map[string]any)
	items, _ := m["items/s"].(float64)
	bytesPS, _ := m["bytes/s"].(float64)
	if items <= 0 || bytesPS != 8*items {
		t.Errorf("throughput metrics %v, want items/s > 0 and bytes/s = 8 × items/s", m)
	}
	r, _ = talk(t, dir, []string{"bench.py", "bad_metric"}, `{"op":"setup"}`, `{"op":"run","iterations":1}`)
	if e, _ := r[1]["error"].(string); !strings.Contains(e, "metric 'x' is nan, not a finite number") {
		t.Errorf("a NaN metric: %v", r[1])
	}
}

// TestGPUPathsSkipWithoutCUDA: sync = "torch-cuda", sync = "cupy" and
// timer = "cuda-event" skip the arm with the reason where there is no CUDA
// device or no library; on a GPU host with PyTorch they set up and time.
func TestGPUPathsSkipWithoutCUDA(t *testing.T) {
	dir := script(t, benchPy)
	probe := exec.Command(systemPython, "-c", "import torch, sys; sys.exit(0 if torch.cuda.is_available() else 1)")
	cuda := probe.Run() == nil
	for _, opt := range []string{`"sync":"torch-cuda"`, `"timer":"cuda-event"`, `"sync":"cupy"`} {
		r, _ := talk(t, dir, []string{"bench.py", "torch_cuda"}, `{"op":"setup","config":{`+opt+`}}`, `{"op":"run","iterations":3}`)
		if ok, _ := r[0]["ok"].(bool); ok {
			if !cuda {
				t.Errorf("%s set up without a CUDA device: %v", opt, r[0])
			}
			if ns, _ := r[1]["ns"].([]any); len(ns) != 3 {
				t.Errorf("%s: run %v", opt, r[1])
			}
			continue
		}
		if skip, _ := r[0]["skip"].(bool); !skip {
			t.Errorf("%s: %v, want a skip", opt, r[0])
		}
		e, _ := r[0]["error"].(string)
		if !strings.Contains(e, "needs PyTorch") && !strings.Contains(e, "is_available() is False") &&
			!strings.Contains(e, "needs CuPy") && !strings.Contains(e, "needs a CUDA device") {
			t.Errorf("%s: skip reason %q names no missing prerequisite", opt, e)
		}
		t.Logf("%s: skipped: %s", opt, e)
	}
}

// TestScriptThatIsNotAFile: a script that is missing, a directory or a
// FIFO fails setup saying which (a FIFO and a directory were "not found").
func TestScriptThatIsNotAFile(t *testing.T) {
	dir := script(t, benchPy)
	if err := os.Mkdir(filepath.Join(dir, "sub.py"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(filepath.Join(dir, "pipe.py"), 0o644); err != nil {
		t.Skipf("no FIFO: %v", err)
	}
	for name, want := range map[string]string{
		"missing.py": "missing.py not found (script = 'missing.py' is relative to the suite directory",
		"sub.py":     "sub.py is a directory, not a regular file",
		"pipe.py":    "pipe.py is not a regular file (a FIFO, a device or a socket)",
	} {
		r, _ := talk(t, dir, []string{name}, `{"op":"setup","config":{"function":"plain"},"seed":1}`)
		if e, _ := r[0]["error"].(string); !strings.Contains(e, want) {
			t.Errorf("script %s: error %q, want %q", name, e, want)
		}
	}
}
