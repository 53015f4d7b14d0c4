package gaussrank

import (
	"bytes"
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/runners"
)

func setupJSON(t *testing.T, cfg string) runners.Setup {
	t.Helper()
	return runners.Setup{Config: json.RawMessage(cfg), Seed: 42}
}

func TestRunnerSetupRunClose(t *testing.T) {
	cases := []struct {
		name, cfg string
		inverse   bool
	}{
		{"float64 uniform", `{"rows":5000}`, true},
		{"float32 normal", `{"rows":3000,"dtype":"float32","distribution":"normal","threads":1}`, true},
		{"lognormal transform only", `{"rows":2000,"distribution":"lognormal","inverse":false}`, false},
		{"champs-like plateau", `{"rows":70000,"distribution":"champs-like","eps":0.0001,"threads":2}`, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var r Runner
			info, err := r.Setup(context.Background(), setupJSON(t, tc.cfg))
			if err != nil {
				t.Fatalf("setup: %v", err)
			}
			if info["implementation"] != "go" || info["inverse"] != tc.inverse || info["seed"] != int64(42) {
				t.Fatalf("info = %v", info)
			}
			ns, _, err := r.Run(context.Background(), 1, 3)
			if err != nil {
				t.Fatalf("run: %v", err)
			}
			if len(ns) != 3 {
				t.Fatalf("got %d samples, want 3", len(ns))
			}
			for _, v := range ns {
				if v <= 0 {
					t.Fatalf("non-positive duration in %v", ns)
				}
			}
			// The timed iterations computed the real thing.
			var x []float64
			if r.x32 != nil {
				for _, v := range r.x32 {
					x = append(x, float64(v))
				}
			} else {
				x = r.x64
			}
			wg, _, _ := naive(x, r.eps)
			for i := range wg {
				if !same(r.g[i], wg[i]) {
					t.Fatalf("g[%d] = %v, want %v", i, r.g[i], wg[i])
				}
			}
			// The fit keeps per-row answers only for an inverse.
			if kept := len(r.m.rows) == len(x); kept != tc.inverse {
				t.Fatalf("inverse = %v, but the model keeps %d row answers for %d rows", tc.inverse, len(r.m.rows), len(x))
			}
			if err := r.Close(); err != nil {
				t.Fatalf("close: %v", err)
			}
			if _, _, err := r.Run(context.Background(), 0, 1); err == nil {
				t.Fatal("run after close succeeded")
			}
		})
	}
}

func TestRunnerSeedsData(t *testing.T) {
	var a, b Runner
	cfg := `{"rows":100}`
	if _, err := a.Setup(context.Background(), runners.Setup{Config: json.RawMessage(cfg), Seed: 1}); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Setup(context.Background(), runners.Setup{Config: json.RawMessage(cfg), Seed: 2}); err != nil {
		t.Fatal(err)
	}
	if a.x64[0] != 0.5665615751722809 {
		t.Fatalf("seed 1 first value %v, want the oracle's 0.5665615751722809", a.x64[0])
	}
	if a.x64[0] == b.x64[0] {
		t.Fatal("different seeds gave the same data")
	}
}

func TestRunnerSetupErrors(t *testing.T) {
	cases := map[string]string{
		`{"rows":1}`:                         "rows must be between",
		`{"rows":10,"dtype":"int8"}`:         "unknown dtype",
		`{"rows":10,"distribution":"gamma"}`: "unknown distribution",
		`{"rows":10,"eps":0}`:                "eps must lie",
		`{"rows":10,"threads":-2}`:           "threads must not be negative",
		`{"rows":"many"}`:                    "decode config",
	}
	for cfg, want := range cases {
		var r Runner
		_, err := r.Setup(context.Background(), setupJSON(t, cfg))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v, want %q", cfg, err, want)
		}
	}
}

func TestRunnerCancelled(t *testing.T) {
	var r Runner
	if _, err := r.Setup(context.Background(), setupJSON(t, `{"rows":100}`)); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := r.Run(ctx, 0, 5); err == nil {
		t.Fatal("cancelled run succeeded")
	}
}

// TestRunnerProtocol drives the runner through the worker protocol, as
// `benchy worker gaussrank` serves it.
func TestRunnerProtocol(t *testing.T) {
	spec, ok := runners.Lookup("gaussrank")
	if !ok || spec.New == nil {
		t.Fatal("gaussrank is not registered as a built-in runner")
	}
	in := strings.NewReader(`{"op":"setup","config":{"rows":1000,"dtype":"float32"},"seed":7}
{"op":"run","warmup":1,"iterations":4}
{"op":"close"}
`)
	var out bytes.Buffer
	if err := runners.Serve(context.Background(), spec.New(), in, &out); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 3 {
		t.Fatalf("got %d response lines: %q", len(lines), out.String())
	}
	var setup, run, closed runners.Response
	for i, dst := range []*runners.Response{&setup, &run, &closed} {
		if err := json.Unmarshal([]byte(lines[i]), dst); err != nil {
			t.Fatal(err)
		}
		if !dst.OK {
			t.Fatalf("response %d not ok: %s", i, lines[i])
		}
	}
	if setup.Info["dtype"] != "float32" || setup.Info["roundtrip_mismatches"] != float64(0) {
		t.Fatalf("setup info %v", setup.Info)
	}
	if len(run.NS) != 4 {
		t.Fatalf("run gave %d samples, want 4", len(run.NS))
	}
}
