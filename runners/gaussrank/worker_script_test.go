package gaussrank

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/runners"
)

// isolateCache points os.UserCacheDir and os.TempDir at fresh folders so
// that tests never write into the real cache, and returns them.
func isolateCache(t *testing.T) (cache, tmp string) {
	t.Helper()
	cache, tmp = t.TempDir(), t.TempDir()
	t.Setenv("XDG_CACHE_HOME", cache)
	t.Setenv("HOME", t.TempDir())
	t.Setenv("TMPDIR", tmp)
	return cache, tmp
}

// interpreter is an executable that certainly exists: this test binary.
func interpreter(t *testing.T) string {
	t.Helper()
	p, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	return p
}

func TestEmbeddedWorkerIsTheSource(t *testing.T) {
	src, err := os.ReadFile(filepath.Join("python", WorkerScriptName))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(src, WorkerScriptSource()) {
		t.Fatal("the embedded worker differs from python/gaussrank_worker.py")
	}
}

func TestWorkerScriptLocations(t *testing.T) {
	sum := sha256.Sum256(WorkerScriptSource())
	prefix := hex.EncodeToString(sum[:])[:16]
	user := fmt.Sprintf("benchy-%d", os.Getuid())
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name         string
		cache, tmp   string // "" keeps isolateCache's folder; "-" unsets
		wantUnder    string // "cache" or "tmp"
		wantErrorHas string
	}{
		{"user cache dir", "", "", "cache", ""},
		{"no cache dir: temp dir", "-", "", "tmp", ""},
		{"unwritable cache dir: temp dir", blocker, "", "tmp", ""},
		{"nowhere to write", blocker, blocker, "", "cannot write the Python worker"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cache, tmp := isolateCache(t)
			switch tc.cache {
			case "-":
				t.Setenv("XDG_CACHE_HOME", "")
				t.Setenv("HOME", "")
			case "":
			default:
				cache = tc.cache
				t.Setenv("XDG_CACHE_HOME", cache)
			}
			if tc.tmp != "" {
				tmp = tc.tmp
				t.Setenv("TMPDIR", tmp)
			}
			p, err := WorkerScript()
			if tc.wantErrorHas != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErrorHas) {
					t.Fatalf("WorkerScript = %q, %v; want an error containing %q", p, err, tc.wantErrorHas)
				}
				return
			}
			want := filepath.Join(cache, "benchy", "gaussrank", prefix, WorkerScriptName)
			if tc.wantUnder == "tmp" {
				want = filepath.Join(tmp, user, "gaussrank", prefix, WorkerScriptName)
			}
			if err != nil || p != want {
				t.Fatalf("WorkerScript = %q, %v; want %q", p, err, want)
			}
			if got, err := os.ReadFile(p); err != nil || !bytes.Equal(got, WorkerScriptSource()) {
				t.Fatalf("%s does not hold the embedded worker (%v)", p, err)
			}
		})
	}
}

// decodeJSON decodes a gaussrank block through the registered Decode and
// returns the configuration as the plan carries it.
func decodeJSON(t *testing.T, src string) json.RawMessage {
	t.Helper()
	c, diags := decodeSrc(t, src)
	if diags.HasErrors() {
		t.Fatalf("decode %q: %v", src, diags)
	}
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestExternalArgv(t *testing.T) {
	py := interpreter(t)
	cases := []struct {
		name, block string
		tail        []string // argv after the interpreter and the script
	}{
		{"numpy", `implementation = "numpy"`,
			[]string{"--device=cpu", "--rows=10000", "--dtype=float64", "--distribution=uniform"}},
		{"numpy every option", `implementation = "numpy"
dtype = "float32"
distribution = "champs-like"
eps = 0.001
inverse = false
sort_kind = "stable"`,
			[]string{"--device=cpu", "--rows=10000", "--dtype=float32", "--distribution=champs-like",
				"--eps=0.001", "--no-inverse", "--sort-kind=stable"}},
		{"numpy default sort kind stays implicit", `implementation = "numpy"
sort_kind = "quicksort"
eps = 1e-6`,
			[]string{"--device=cpu", "--rows=10000", "--dtype=float64", "--distribution=uniform"}},
		{"cupy", `implementation = "cupy"
distribution = "normal"`,
			[]string{"--device=cuda", "--rows=10000", "--dtype=float64", "--distribution=normal"}},
		{"cupy without cudf", `implementation = "cupy"
cudf = false`,
			[]string{"--device=cuda", "--rows=10000", "--dtype=float64", "--distribution=uniform", "--no-cudf"}},
	}
	spec, _ := runners.Lookup("gaussrank")
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cache, _ := isolateCache(t)
			raw := decodeJSON(t, fmt.Sprintf("rows = 10000\npython = %q\n%s\n", py, tc.block))
			argv, env, dir, ok := spec.External(raw)
			if !ok || env != nil || dir != "" {
				t.Fatalf("External = %v, %v, %q, %v; want an external worker with no env and the harness's dir", argv, env, dir, ok)
			}
			if len(argv) < 2 || argv[0] != py {
				t.Fatalf("argv %q does not start with the interpreter %s", argv, py)
			}
			if !strings.HasPrefix(argv[1], filepath.Join(cache, "benchy", "gaussrank")+string(filepath.Separator)) {
				t.Fatalf("script %s is not under the user cache dir %s", argv[1], cache)
			}
			if got, err := os.ReadFile(argv[1]); err != nil || !bytes.Equal(got, WorkerScriptSource()) {
				t.Fatalf("script %s does not hold the embedded worker (%v)", argv[1], err)
			}
			if !reflect.DeepEqual(argv[2:], tc.tail) {
				t.Fatalf("argv tail\n got %q\nwant %q", argv[2:], tc.tail)
			}
		})
	}
}

// TestExternalDeclines checks the configurations that `benchy worker
// gaussrank` serves instead, and what its Setup then says.
func TestExternalDeclines(t *testing.T) {
	spec, _ := runners.Lookup("gaussrank")
	blocker := filepath.Join(t.TempDir(), "not-a-dir")
	if err := os.WriteFile(blocker, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, cfg  string
		unwritable bool
		wantSkip   bool
		wantErrHas string // "": Setup succeeds (the go runner)
	}{
		{name: "go", cfg: `{"rows":100}`},
		{name: "go explicit", cfg: `{"rows":100,"implementation":"go"}`},
		{name: "missing interpreter", cfg: `{"rows":100,"implementation":"numpy","python":"/nonexistent/python3"}`,
			wantSkip: true, wantErrHas: "/nonexistent/python3 cannot be run"},
		{name: "interpreter not in PATH", cfg: `{"rows":100,"implementation":"cupy","python":"no-such-python-benchy"}`,
			wantSkip: true, wantErrHas: "no-such-python-benchy cannot be run (executable file not found in $PATH)"},
		{name: "nowhere to write the script", cfg: fmt.Sprintf(`{"rows":100,"implementation":"numpy","python":%q}`, interpreter(t)),
			unwritable: true, wantErrHas: "cannot write the Python worker"},
		{name: "unknown implementation", cfg: `{"rows":100,"implementation":"julia"}`, wantErrHas: `unknown implementation "julia"`},
		{name: "bad sort kind", cfg: `{"rows":100,"implementation":"numpy","sort_kind":"heap"}`, wantErrHas: `unknown sort_kind "heap"`},
		{name: "not JSON", cfg: `{"rows":`, wantErrHas: "decode config"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			isolateCache(t)
			if tc.unwritable {
				t.Setenv("XDG_CACHE_HOME", blocker)
				t.Setenv("TMPDIR", blocker)
			}
			if argv, _, _, ok := spec.External(json.RawMessage(tc.cfg)); ok {
				t.Fatalf("External accepted %s: %q", tc.cfg, argv)
			}
			r := spec.New()
			defer r.Close()
			info, err := r.Setup(context.Background(), runners.Setup{Config: json.RawMessage(tc.cfg), Seed: 1})
			if tc.wantErrHas == "" {
				if err != nil || info["implementation"] != ImplGo {
					t.Fatalf("Setup = %v, %v; want the go runner", info, err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tc.wantErrHas) || runners.IsSkip(err) != tc.wantSkip {
				t.Fatalf("Setup error %v (skip %v); want one containing %q, skip %v", err, runners.IsSkip(err), tc.wantErrHas, tc.wantSkip)
			}
		})
	}
}

// TestExternalNumPyEndToEnd runs the numpy implementation as the harness
// does: External's argv, started from an unrelated directory, fed the
// plan's config through the worker protocol.
func TestExternalNumPyEndToEnd(t *testing.T) {
	needNumPy(t)
	cache, _ := isolateCache(t)
	spec, _ := runners.Lookup("gaussrank")
	raw := decodeJSON(t, `rows = 20000
implementation = "numpy"
distribution = "normal"
sort_kind = "stable"
`)
	argv, env, dir, ok := spec.External(raw)
	if !ok {
		t.Fatalf("External declined %s", raw)
	}
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Env = runners.MergeEnv(os.Environ(), env)
	cmd.Dir = t.TempDir() // nowhere near the repository
	if dir != "" {
		t.Fatalf("dir %q", dir)
	}
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdin, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	lines.Buffer(nil, runners.MaxLine)
	call := func(req runners.Request) runners.Response {
		t.Helper()
		b, _ := json.Marshal(req)
		if _, err := stdin.Write(append(b, '\n')); err != nil {
			t.Fatalf("write %s: %v\nstderr: %s", b, err, stderr.String())
		}
		if !lines.Scan() {
			t.Fatalf("no answer to %s (%v)\nstderr: %s", b, lines.Err(), stderr.String())
		}
		var resp runners.Response
		if err := json.Unmarshal(lines.Bytes(), &resp); err != nil {
			t.Fatalf("answer %q: %v", lines.Text(), err)
		}
		return resp
	}
	setup := call(runners.Request{Op: runners.OpSetup, Config: raw, Seed: 7, SuiteDir: cmd.Dir})
	if !setup.OK {
		t.Fatalf("setup: %+v\nstderr: %s", setup, stderr.String())
	}
	info := setup.Info
	wantInfo := map[string]any{
		"implementation": ImplNumPy, "device": "cpu", "rows": float64(20000), "dtype": DTypeFloat64,
		"distribution": DistNormal, "sort_kind": SortStable, "seed": float64(7),
		"roundtrip_mismatches": float64(0), "script": argv[1], "python_executable": DefaultPython,
	}
	for k, v := range wantInfo {
		if info[k] != v {
			t.Errorf("setup info %s = %v, want %v", k, info[k], v)
		}
	}
	if !strings.HasPrefix(argv[1], cache) {
		t.Errorf("script %s is not under the cache %s", argv[1], cache)
	}
	run := call(runners.Request{Op: runners.OpRun, Warmup: 1, Iterations: 2})
	if !run.OK || len(run.NS) != 2 || run.NS[0] <= 0 || run.NS[1] <= 0 {
		t.Fatalf("run: %+v", run)
	}
	if closed := call(runners.Request{Op: runners.OpClose}); !closed.OK {
		t.Fatalf("close: %+v", closed)
	}
	stdin.Close()
	if _, err := io.Copy(io.Discard, stdout); err != nil {
		t.Fatal(err)
	}
	if err := cmd.Wait(); err != nil {
		t.Fatalf("worker exit: %v\nstderr: %s", err, stderr.String())
	}
}
