package runners

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"strings"
	"testing"
)

type countingRunner struct {
	setupErr error
	closed   bool
}

func (c *countingRunner) Setup(_ context.Context, s Setup) (map[string]any, error) {
	return map[string]any{"seed": s.Seed}, c.setupErr
}

func (c *countingRunner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	ns, err := TimeIterations(ctx, warmup, iterations, func() error { return nil })
	return ns, map[string]float64{"iterations": float64(iterations)}, err
}

func (c *countingRunner) Close() error { c.closed = true; return nil }

func serve(t *testing.T, r Runner, lines ...string) []Response {
	t.Helper()
	var out bytes.Buffer
	if err := Serve(context.Background(), r, strings.NewReader(strings.Join(lines, "\n")+"\n"), &out); err != nil {
		t.Fatalf("Serve: %v", err)
	}
	var resps []Response
	dec := json.NewDecoder(&out)
	for dec.More() {
		var resp Response
		if err := dec.Decode(&resp); err != nil {
			t.Fatalf("decode: %v", err)
		}
		resps = append(resps, resp)
	}
	return resps
}

func TestServe(t *testing.T) {
	r := &countingRunner{}
	got := serve(t, r,
		`{"op":"run","iterations":3}`,
		`{"op":"setup","config":{},"seed":9}`,
		`not json`,
		`{"op":"run","warmup":1,"iterations":3}`,
		`{"op":"run","iterations":0}`,
		`{"op":"dance"}`,
		`{"op":"close"}`,
		`{"op":"run","iterations":3}`,
	)
	if len(got) != 7 {
		t.Fatalf("got %d responses, want 7 (nothing after close): %+v", len(got), got)
	}
	checks := []struct {
		ok   bool
		text string
	}{
		{false, "before a successful setup"},
		{true, ""},
		{false, "bad request"},
		{true, ""},
		{false, "iterations >= 1"},
		{false, `unknown op "dance"`},
		{true, ""},
	}
	for i, c := range checks {
		if got[i].OK != c.ok || !strings.Contains(got[i].Error, c.text) {
			t.Errorf("response %d = %+v, want ok=%v error containing %q", i, got[i], c.ok, c.text)
		}
	}
	if got[1].Info["seed"] != float64(9) {
		t.Errorf("setup info %v", got[1].Info)
	}
	if len(got[3].NS) != 3 || got[3].Metrics["iterations"] != 3 {
		t.Errorf("run response %+v", got[3])
	}
	if !r.closed {
		t.Error("runner not closed")
	}
}

func TestServeSkip(t *testing.T) {
	got := serve(t, &countingRunner{setupErr: Skip("skipped: no NVIDIA GPU detected")}, `{"op":"setup"}`)
	if got[0].OK || !got[0].Skip || got[0].Error != "skipped: no NVIDIA GPU detected" {
		t.Fatalf("got %+v", got[0])
	}
	got = serve(t, &countingRunner{setupErr: errors.New("broken")}, `{"op":"setup"}`)
	if got[0].OK || got[0].Skip {
		t.Fatalf("a plain error must not be a skip: %+v", got[0])
	}
}

func TestMergeEnvAndTail(t *testing.T) {
	env := MergeEnv([]string{"A=1", "B=2"}, map[string]string{"B": "3", "C": "4"})
	joined := strings.Join(env, ",")
	if !strings.Contains(joined, "A=1") || !strings.Contains(joined, "B=3") || strings.Contains(joined, "B=2") || !strings.Contains(joined, "C=4") {
		t.Fatalf("MergeEnv = %v", env)
	}
	var buf bytes.Buffer
	tw := NewTailWriter(&buf, 8)
	tw.Write([]byte("0123456"))
	tw.Write([]byte("789"))
	if buf.String() != "23456789" {
		t.Fatalf("tail = %q", buf.String())
	}
	tw.Write([]byte(strings.Repeat("x", 100) + "END"))
	if buf.String() != "xxxxxEND" {
		t.Fatalf("tail after a big write = %q", buf.String())
	}
}

// TestServeNegotiatesVersion: setup answers the version both sides speak,
// the lower of the one asked for and ProtocolVersion; a request without a
// version (an older benchy) gets 1; a version below what the worker speaks
// fails setup naming both versions.
func TestServeNegotiatesVersion(t *testing.T) {
	cases := []struct {
		req  string
		ok   bool
		want string // protocol field, or error text
	}{
		{`{"op":"setup","protocol":1}`, true, "1"},
		{`{"op":"setup"}`, true, "1"},
		{`{"op":"setup","protocol":7}`, true, "1"},
		{`{"op":"setup","protocol":-1}`, false, "benchy asked for protocol -1; this worker speaks protocol 1 to 1"},
	}
	for _, c := range cases {
		got := serve(t, &countingRunner{}, c.req)[0]
		if got.OK != c.ok {
			t.Errorf("%s: %+v", c.req, got)
			continue
		}
		if c.ok && string(got.Protocol) != c.want {
			t.Errorf("%s: protocol %s, want %s", c.req, got.Protocol, c.want)
		}
		if !c.ok && !strings.Contains(got.Error, c.want) {
			t.Errorf("%s: error %q, want %q", c.req, got.Error, c.want)
		}
	}
}

func TestResponseVersion(t *testing.T) {
	cases := []struct {
		protocol string
		want     int
		err      string
	}{
		{"", 1, ""},
		{"1", 1, ""},
		{"2", 2, "worker speaks protocol 2; this benchy speaks 1 — upgrade benchy"},
		{"0", 0, "worker answered protocol 0, which is not a version"},
		{"1.5", 0, "worker answered protocol 1.5, which is not a version"},
		{`"1"`, 0, `worker answered protocol "1", which is not a version`},
	}
	for _, c := range cases {
		n, err := Response{OK: true, Protocol: json.RawMessage(c.protocol)}.Version(ProtocolVersion)
		if c.err == "" && (err != nil || n != c.want) || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("protocol %s: %d, %v; want %d, %q", c.protocol, n, err, c.want, c.err)
		}
	}
}

func TestCheckRun(t *testing.T) {
	req := Request{Op: OpRun, Iterations: 2}
	cases := []struct {
		ns  []int64
		err string
	}{
		{[]int64{0, 5}, ""},
		{[]int64{5}, "returned 1 duration(s) for 2 iteration(s)"},
		{[]int64{5, 6, 7}, "returned 3 duration(s) for 2 iteration(s)"},
		{[]int64{5, -1}, "negative duration, ns[1] = -1"},
	}
	for _, c := range cases {
		err := Response{OK: true, NS: c.ns}.CheckRun(req)
		if c.err == "" && err != nil || c.err != "" && (err == nil || !strings.Contains(err.Error(), c.err)) {
			t.Errorf("ns %v: %v, want %q", c.ns, err, c.err)
		}
	}
}

// metricRunner returns one metric of the value v.
type metricRunner struct {
	countingRunner
	v float64
}

func (m *metricRunner) Run(ctx context.Context, warmup, iterations int) ([]int64, map[string]float64, error) {
	ns, err := TimeIterations(ctx, warmup, iterations, func() error { return nil })
	return ns, map[string]float64{"ok": 1, "score": m.v}, err
}

// TestServeRefusesNonFiniteMetrics: a metric that JSON cannot carry fails
// that run with the Python SDK's words, and the worker goes on answering
// (it used to die on the encoder's "unsupported value").
func TestServeRefusesNonFiniteMetrics(t *testing.T) {
	for v, word := range map[float64]string{math.NaN(): "nan", math.Inf(1): "inf", math.Inf(-1): "-inf"} {
		got := serve(t, &metricRunner{v: v}, `{"op":"setup","config":{}}`, `{"op":"run","iterations":2}`, `{"op":"close"}`)
		if len(got) != 3 || !got[0].OK || got[2].OK == false {
			t.Fatalf("%v: responses %+v", v, got)
		}
		if want := "metric 'score' is " + word + ", not a finite number"; got[1].OK || got[1].Error != want {
			t.Errorf("%v: run answered %+v, want the error %q", v, got[1], want)
		}
	}
	if err := CheckMetrics(map[string]float64{"a": 1, "b": -2.5e300, "it's": 0}); err != nil {
		t.Errorf("finite metrics refused: %v", err)
	}
}
