package gaussrank

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/runners"
)

// The reference implementations (numpy, cupy) are the Python worker in
// python/, embedded in the binary; these tests run it through the worker
// protocol with Debian's Python and check that it sees the Go runner's data
// and agrees with its numbers.

const debianPython = DefaultPython

var workerScript = filepath.Join("python", WorkerScriptName)

func needNumPy(t *testing.T) {
	t.Helper()
	if _, err := os.Stat(debianPython); err != nil {
		t.Skipf("skipped: %s not found; the NumPy reference arm needs it", debianPython)
	}
	out, err := exec.Command(debianPython, "-c", "import numpy, scipy, pandas").CombinedOutput()
	if err != nil {
		t.Skipf("skipped: %s cannot import numpy, scipy and pandas (%s); apt-get install -y python3-numpy python3-scipy python3-pandas",
			debianPython, strings.TrimSpace(string(out)))
	}
}

// pyWorker runs the worker script with args and sends it reqs, one per
// line, returning one response per request.
func pyWorker(t *testing.T, args []string, reqs ...runners.Request) []runners.Response {
	t.Helper()
	cmd := exec.Command(debianPython, append([]string{workerScript}, args...)...)
	var in strings.Builder
	for _, r := range reqs {
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatal(err)
		}
		in.Write(b)
		in.WriteByte('\n')
	}
	cmd.Stdin = strings.NewReader(in.String())
	var stderr strings.Builder
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("worker %v: %v\nstderr: %s", args, err, stderr.String())
	}
	var resps []runners.Response
	sc := bufio.NewScanner(strings.NewReader(string(out)))
	sc.Buffer(nil, runners.MaxLine)
	for sc.Scan() {
		var r runners.Response
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("worker %v: bad response line %q: %v", args, sc.Text(), err)
		}
		resps = append(resps, r)
	}
	if len(resps) != len(reqs) {
		t.Fatalf("worker %v: %d responses to %d requests: %s\nstderr: %s", args, len(resps), len(reqs), out, stderr.String())
	}
	return resps
}

func readF64(t *testing.T, path string) []float64 {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	v := make([]float64, len(b)/8)
	for i := range v {
		v[i] = math.Float64frombits(binary.LittleEndian.Uint64(b[8*i:]))
	}
	return v
}

func protocolRun(seed int64) []runners.Request {
	return []runners.Request{
		{Op: runners.OpSetup, Config: json.RawMessage(`{}`), Seed: seed},
		{Op: runners.OpRun, Warmup: 1, Iterations: 3},
		{Op: runners.OpClose},
	}
}

func TestPythonWorkerAgreesWithGo(t *testing.T) {
	needNumPy(t)
	cases := []struct {
		dtype, dist, sortKind string
		rows                  int
	}{
		{"float64", "uniform", "quicksort", 20000}, // the blog's path; no ties
		{"float64", "normal", "stable", 20000},
		{"float64", "lognormal", "stable", 20000},
		{"float64", "champs-like", "stable", 50000}, // four decimals: ties
		{"float32", "uniform", "stable", 20000},
		{"float32", "champs-like", "stable", 20000},
	}
	for _, tc := range cases {
		t.Run(fmt.Sprintf("%s/%s/%s", tc.dtype, tc.dist, tc.sortKind), func(t *testing.T) {
			dir := t.TempDir()
			const seed = 20191101
			resps := pyWorker(t, []string{"--rows", fmt.Sprint(tc.rows), "--dtype", tc.dtype,
				"--distribution", tc.dist, "--sort-kind", tc.sortKind, "--dump-dir", dir}, protocolRun(seed)...)
			setup, run, closed := resps[0], resps[1], resps[2]
			if !setup.OK || !run.OK || !closed.OK {
				t.Fatalf("protocol failed: setup %+v, run %+v, close %+v", setup, run, closed)
			}
			if setup.Info["implementation"] != "numpy" || setup.Info["roundtrip_mismatches"] != float64(0) {
				t.Fatalf("setup info %v", setup.Info)
			}
			if len(run.NS) != 3 {
				t.Fatalf("run returned %d samples, want 3", len(run.NS))
			}
			// Identical input bytes.
			var x []float64
			var m *Model
			var g []float64
			if tc.dtype == "float32" {
				x32 := Generate32(tc.rows, seed, tc.dist)
				for _, v := range x32 {
					x = append(x, float64(v))
				}
				m, g = FitTransform32(x32, DefaultEps)
			} else {
				x = Generate(tc.rows, seed, tc.dist)
				m, g = FitTransform(x, DefaultEps)
			}
			px := readF64(t, filepath.Join(dir, "x.f64"))
			if len(px) != len(x) {
				t.Fatalf("python generated %d values, want %d", len(px), len(x))
			}
			for i := range x {
				if !same(px[i], x[i]) {
					t.Fatalf("input[%d]: python %v, go %v", i, px[i], x[i])
				}
			}
			// Transform within the erfinv tolerance; round trip exact.
			pg := readF64(t, filepath.Join(dir, "g.f64"))
			for i := range g {
				if !close13(pg[i], g[i]) {
					t.Fatalf("transform[%d]: python %v, go %v", i, pg[i], g[i])
				}
			}
			pb := readF64(t, filepath.Join(dir, "back.f64"))
			back := m.Inverse(g)
			for i := range back {
				if !same(pb[i], back[i]) || !same(back[i], x[i]) {
					t.Fatalf("round trip[%d]: python %v, go %v, input %v", i, pb[i], back[i], x[i])
				}
			}
		})
	}
}

func TestPythonWorkerErrors(t *testing.T) {
	needNumPy(t)
	resps := pyWorker(t, []string{"--rows", "1000"},
		runners.Request{Op: runners.OpRun, Iterations: 1},
		runners.Request{Op: runners.OpSetup, Config: json.RawMessage(`{"rows":1}`)},
		runners.Request{Op: "bogus"},
		runners.Request{Op: runners.OpSetup, Config: json.RawMessage(`{"rows":500,"dtype":"float32"}`), Seed: 3},
		runners.Request{Op: runners.OpRun, Iterations: 0},
		runners.Request{Op: runners.OpClose},
	)
	wantErr := []string{"run before a successful setup", "rows must be an integer >= 2", "unknown op", "", "iterations >= 1", ""}
	for i, want := range wantErr {
		r := resps[i]
		if want == "" {
			if !r.OK {
				t.Errorf("response %d: %+v, want ok", i, r)
			}
			continue
		}
		if r.OK || r.Skip || !strings.Contains(r.Error, want) {
			t.Errorf("response %d: %+v, want error containing %q", i, r, want)
		}
	}
	if resps[3].Info["rows"] != float64(500) || resps[3].Info["dtype"] != "float32" {
		t.Errorf("config keys did not override the command line: %v", resps[3].Info)
	}
}

// TestPythonWorkerCUDA checks the CuPy arm: where CuPy and a GPU are
// present it must agree with Go; elsewhere setup must be a clean skip.
func TestPythonWorkerCUDA(t *testing.T) {
	needNumPy(t)
	dir := t.TempDir()
	resps := pyWorker(t, []string{"--device", "cuda", "--rows", "20000", "--dump-dir", dir}, protocolRun(5)...)
	setup := resps[0]
	if !setup.OK {
		if !setup.Skip || setup.Error == "" {
			t.Fatalf("CuPy arm without CuPy or GPU must skip with a reason, got %+v", setup)
		}
		if resps[1].OK || !resps[2].OK {
			t.Fatalf("after a skipped setup: run %+v, close %+v", resps[1], resps[2])
		}
		t.Logf("CuPy arm skipped as expected here: %s", setup.Error)
		return
	}
	if setup.Info["implementation"] != "cupy" || len(resps[1].NS) != 3 {
		t.Fatalf("cupy setup %v, run %+v", setup.Info, resps[1])
	}
	x := Generate(20000, 5, DistUniform)
	m, g := FitTransform(x, DefaultEps)
	pg := readF64(t, filepath.Join(dir, "g.f64"))
	pb := readF64(t, filepath.Join(dir, "back.f64"))
	back := m.Inverse(g)
	for i := range g {
		if !close13(pg[i], g[i]) || !same(pb[i], back[i]) {
			t.Fatalf("element %d: cupy (%v, %v), go (%v, %v)", i, pg[i], pb[i], g[i], back[i])
		}
	}
}
