package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/golden"
)

// execCommands are the command lines benchy exec gave the arms of
// testdata/exec.json (benchy exec -L d 0.02,0.03 'sleep {d}' 'sleep 0.025'
// -n 'sleep d' --blocks 3 --seed 5, with the values in place).
var execCommands = map[string]string{
	"sleep_d/d=0.02": "sleep 0.02",
	"sleep_d/d=0.03": "sleep 0.03",
	"sleep_0.025":    "sleep 0.025",
}

func TestHyperfineGolden(t *testing.T) {
	a := Analyze(load(t, "exec"))
	for _, tc := range []struct {
		ext   string
		write func(*bytes.Buffer) error
	}{
		{"json", func(b *bytes.Buffer) error {
			return Render(b, &Hyperfine{Analysis: a, Commands: execCommands}, JSON, Options{})
		}},
		{"csv", func(b *bytes.Buffer) error {
			return Render(b, &Hyperfine{Analysis: a, Commands: execCommands}, CSV, Options{})
		}},
		{"md", func(b *bytes.Buffer) error {
			return Render(b, &Hyperfine{Analysis: a, Commands: execCommands}, Markdown, Options{})
		}},
		{"us.md", func(b *bytes.Buffer) error {
			return Render(b, &Hyperfine{Analysis: a, Commands: execCommands, TimeUnit: "microsecond"}, Markdown, Options{})
		}},
	} {
		t.Run(tc.ext, func(t *testing.T) {
			var b bytes.Buffer
			if err := tc.write(&b); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "exec.hyperfine."+tc.ext), b.Bytes())
		})
	}
}

// TestHyperfineShapes reads the exports as a hyperfine script would and
// checks them against the analysis.
func TestHyperfineShapes(t *testing.T) {
	doc := load(t, "exec")
	a := Analyze(doc)
	var b bytes.Buffer
	if err := Render(&b, &Hyperfine{Analysis: a, Commands: execCommands}, JSON, Options{}); err != nil {
		t.Fatal(err)
	}
	var hj struct {
		Results []map[string]json.RawMessage `json:"results"`
	}
	if err := json.Unmarshal(b.Bytes(), &hj); err != nil {
		t.Fatal(err)
	}
	if len(hj.Results) != 3 {
		t.Fatalf("%d results", len(hj.Results))
	}
	for i, r := range hj.Results {
		for _, k := range []string{"command", "mean", "stddev", "median", "user", "system", "min", "max", "times", "exit_codes"} {
			if _, ok := r[k]; !ok {
				t.Errorf("result %d has no %q", i, k)
			}
		}
		var median float64
		var times []float64
		json.Unmarshal(r["median"], &median)
		json.Unmarshal(r["times"], &times)
		arm := a.Workloads[0].Arms[i]
		if want := arm.Summary.Median / 1e9; median != want || len(times) != arm.Summary.N {
			t.Errorf("result %d: median %g want %g; %d times want %d", i, median, want, len(times), arm.Summary.N)
		}
	}

	b.Reset()
	if err := Render(&b, &Hyperfine{Analysis: a}, CSV, Options{}); err != nil {
		t.Fatal(err)
	}
	recs, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(recs[0][:9], ","); got != "command,mean,stddev,median,user,system,min,max,parameter_d" {
		t.Errorf("CSV header %s", got)
	}
	// Without command lines, the arm names stand in.
	if recs[1][0] != "sleep_d/d=0.02" || recs[1][8] != "0.02" || recs[3][8] != "" {
		t.Errorf("CSV rows %v", recs[1:])
	}
}

func TestHyperfineRefusesOtherMetrics(t *testing.T) {
	doc := load(t, "exec")
	doc.Workloads[0].Metric = "frames/s"
	if err := Render(&bytes.Buffer{}, &Hyperfine{Analysis: Analyze(doc)}, JSON, Options{}); err == nil || !strings.Contains(err.Error(), "not a time") {
		t.Errorf("err = %v", err)
	}
	// hyperfine has no terminal table: Render says which formats it has.
	err := Render(&bytes.Buffer{}, &Hyperfine{Analysis: Analyze(load(t, "exec"))}, Text, Options{})
	if err == nil || err.Error() != "a hyperfine export renders as json, csv or markdown, not text" {
		t.Errorf("text: err = %v", err)
	}
}
