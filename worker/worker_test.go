package worker

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

// serve runs Serve for args over the request lines and decodes the responses.
func serve(t *testing.T, arms map[string]Factory, args []string, lines ...string) []map[string]any {
	t.Helper()
	var out bytes.Buffer
	if err := Serve(context.Background(), arms, args, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	var resps []map[string]any
	dec := json.NewDecoder(&out)
	for dec.More() {
		var r map[string]any
		if err := dec.Decode(&r); err != nil {
			t.Fatal(err)
		}
		resps = append(resps, r)
	}
	return resps
}

const setup = `{"op":"setup","protocol":1,"seed":42,"config":{"command":["x"]}}`

func TestServeTimesTheFunction(t *testing.T) {
	calls := 0
	var got *Config
	closed := false
	arms := map[string]Factory{"count": func(c *Config) (*Bench, error) {
		got = c
		n, err := c.Int("n", 1)
		if err != nil {
			return nil, err
		}
		return &Bench{
			Func:    func() error { calls += n; return nil },
			Metrics: func(ns []int64) map[string]float64 { return map[string]float64{"iterations": float64(len(ns))} },
			Info:    map[string]any{"n": n},
			Close:   func() error { closed = true; return nil },
		}, nil
	}}
	r := serve(t, arms, []string{"count", "n=3"}, setup, `{"op":"run","warmup":2,"iterations":4}`, `{"op":"close"}`)
	if len(r) != 3 || r[0]["ok"] != true || r[0]["protocol"] != float64(1) {
		t.Fatalf("responses %v", r)
	}
	info := r[0]["info"].(map[string]any)
	if info["function"] != "count" || info["n"] != float64(3) || info["sdk"] != "go" {
		t.Errorf("info %v", info)
	}
	if got.Seed != 42 || got.Arm != "count" || !strings.Contains(string(got.Block), `"command"`) {
		t.Errorf("config %+v", got)
	}
	if ns := r[1]["ns"].([]any); len(ns) != 4 || r[1]["metrics"].(map[string]any)["iterations"] != float64(4) {
		t.Errorf("run %v", r[1])
	}
	if calls != 3*6 {
		t.Errorf("the function ran %d/3 times, want 2 warm-up + 4 timed", calls/3)
	}
	if !closed || r[2]["ok"] != true {
		t.Errorf("close: %v, closed %v", r[2], closed)
	}
}

func TestServeSetupFailures(t *testing.T) {
	ok := func(c *Config) (*Bench, error) {
		if _, err := c.Int("n", 1); err != nil {
			return nil, err
		}
		return &Bench{Func: func() error { return nil }}, nil
	}
	arms := map[string]Factory{
		"sort":  ok,
		"skip":  func(*Config) (*Bench, error) { return nil, Skip("skipped: no GPU") },
		"fails": func(*Config) (*Bench, error) { return nil, errors.New("model.bin: no such file") },
		"nil":   func(*Config) (*Bench, error) { return &Bench{}, nil },
		"panic": func(*Config) (*Bench, error) { panic("boom") },
	}
	cases := []struct {
		args []string
		skip bool
		want string
	}{
		{nil, false, "no function named: start the program as PROGRAM FUNCTION [NAME=VALUE...] (it serves fails, nil, panic, skip, sort)"},
		{[]string{"sortt"}, false, `no function "sortt" in this program (it serves fails, nil, panic, skip, sort). Did you mean "sort"?`},
		{[]string{"sort", "n"}, false, `sort: argument "n" is not a parameter: write NAME=VALUE`},
		{[]string{"sort", "n=x"}, false, "sort: parameter n=x is not an integer"},
		{[]string{"sort", "m=3"}, false, "sort: unknown parameter(s) m; it reads n"},
		{[]string{"skip"}, true, "skipped: no GPU"},
		{[]string{"fails"}, false, "model.bin: no such file"},
		{[]string{"nil"}, false, "nil: the factory returned no Bench.Func to time"},
		{[]string{"panic"}, false, "panic: setup: panic: boom"},
	}
	for _, c := range cases {
		r := serve(t, arms, c.args, setup)[0]
		skip, _ := r["skip"].(bool)
		if r["ok"] != false || skip != c.skip || r["error"] != c.want {
			t.Errorf("%v: %v, want skip=%v error %q", c.args, r, c.skip, c.want)
		}
	}
}

func TestServeRunFailures(t *testing.T) {
	arms := map[string]Factory{
		"fails": func(*Config) (*Bench, error) {
			return &Bench{Func: func() error { return errors.New("CUDA out of memory") }}, nil
		},
		"panics": func(*Config) (*Bench, error) {
			return &Bench{Func: func() error { panic("index out of range") }}, nil
		},
	}
	for name, want := range map[string]string{"fails": "CUDA out of memory", "panics": "panics: panic: index out of range"} {
		r := serve(t, arms, []string{name}, setup, `{"op":"run","iterations":3}`)
		if r[0]["ok"] != true || r[1]["ok"] != false || r[1]["error"] != want {
			t.Errorf("%s: %v, want the run to fail with %q", name, r, want)
		}
	}
}

// TestServeMetricsFailures: a Metrics that returns a number JSON cannot
// carry, or panics, fails the run with a reason (the Python SDK's words
// for the numbers) instead of breaking the protocol stream.
func TestServeMetricsFailures(t *testing.T) {
	metrics := map[string]func([]int64) map[string]float64{
		"nan":     func([]int64) map[string]float64 { return map[string]float64{"nanm": math.NaN(), "ok": 1} },
		"inf":     func([]int64) map[string]float64 { return map[string]float64{"infm": math.Inf(1)} },
		"neg-inf": func([]int64) map[string]float64 { return map[string]float64{"it's": math.Inf(-1)} },
		"panics":  func([]int64) map[string]float64 { panic("no counters") },
	}
	arms := map[string]Factory{}
	for name, m := range metrics {
		arms[name] = func(*Config) (*Bench, error) {
			return &Bench{Func: func() error { return nil }, Metrics: m}, nil
		}
	}
	for name, want := range map[string]string{
		"nan":     "metric 'nanm' is nan, not a finite number",
		"inf":     "metric 'infm' is inf, not a finite number",
		"neg-inf": `metric "it's" is -inf, not a finite number`,
		"panics":  "panics: metrics: panic: no counters",
	} {
		r := serve(t, arms, []string{name}, setup, `{"op":"run","iterations":3}`, `{"op":"close"}`)
		if len(r) != 3 || r[0]["ok"] != true || r[1]["ok"] != false || r[1]["error"] != want || r[2]["ok"] != true {
			t.Errorf("%s: %v, want the run to fail with %q", name, r, want)
		}
	}
}

// TestServeCloseFailures: an error or a panic in Bench.Close is the close
// answer's error, whether close comes as a request or as the end of stdin.
func TestServeCloseFailures(t *testing.T) {
	arms := map[string]Factory{
		"fails": func(*Config) (*Bench, error) {
			return &Bench{Func: func() error { return nil }, Close: func() error { return errors.New("could not release the device") }}, nil
		},
		"panics": func(*Config) (*Bench, error) {
			return &Bench{Func: func() error { return nil }, Close: func() error { panic("double free") }}, nil
		},
	}
	for name, want := range map[string]string{"fails": "could not release the device", "panics": "panics: panic: double free"} {
		r := serve(t, arms, []string{name}, setup, `{"op":"run","iterations":1}`, `{"op":"close"}`)
		if len(r) != 3 || r[2]["ok"] != false || r[2]["error"] != want {
			t.Errorf("%s: %v, want close to fail with %q", name, r, want)
		}
		var out bytes.Buffer
		err := Serve(context.Background(), arms, []string{name}, strings.NewReader(setup+"\n"), &out)
		if err == nil || err.Error() != want {
			t.Errorf("%s at the end of stdin: Serve returned %v, want %q", name, err, want)
		}
	}
}
