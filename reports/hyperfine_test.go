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

// TestHyperfineFailedArms: an arm that failed, even partway through with
// blocks it finished, is no row of the JSON and CSV exports but is listed
// in benchy.failed, and the Markdown table shows it with its reason and
// still names the baseline; a run in which every arm failed still gets a
// table.
func TestHyperfineFailedArms(t *testing.T) {
	for _, tc := range []struct {
		mode     string
		rows     []string // the JSON and CSV rows
		failed   []string // benchy.failed
		baseline string
	}{
		{"some", []string{"base"}, []string{"a", "b"}, "base"}, // b ran 2 blocks before it failed
		{"every", nil, []string{"base", "a", "b"}, "base"},
	} {
		t.Run(tc.mode, func(t *testing.T) {
			h := &Hyperfine{Analysis: Analyze(failedDoc(tc.mode))}
			var js, cs, md bytes.Buffer
			for f, b := range map[Format]*bytes.Buffer{JSON: &js, CSV: &cs, Markdown: &md} {
				if err := Render(b, h, f, Options{}); err != nil {
					t.Fatal(err)
				}
			}
			var doc struct {
				Results []struct{ Command string }
				Benchy  struct {
					Failed []struct{ Command, Reason string }
				}
			}
			if err := json.Unmarshal(js.Bytes(), &doc); err != nil {
				t.Fatal(err)
			}
			var rows, failed []string
			for _, r := range doc.Results {
				rows = append(rows, r.Command)
			}
			for _, f := range doc.Benchy.Failed {
				failed = append(failed, f.Command)
				if !strings.Contains(f.Reason, "exit status 1") {
					t.Errorf("benchy.failed %s: reason %q", f.Command, f.Reason)
				}
			}
			if strings.Join(rows, ",") != strings.Join(tc.rows, ",") || strings.Join(failed, ",") != strings.Join(tc.failed, ",") {
				t.Errorf("JSON rows %q, failed %q; want %q and %q", rows, failed, tc.rows, tc.failed)
			}
			recs, err := csv.NewReader(&cs).ReadAll()
			if err != nil {
				t.Fatal(err)
			}
			var csvRows []string
			for _, r := range recs[1:] {
				csvRows = append(csvRows, r[0])
			}
			if strings.Join(csvRows, ",") != strings.Join(tc.rows, ",") {
				t.Errorf("CSV rows %q, want %q", csvRows, tc.rows)
			}
			for _, name := range tc.failed {
				if !strings.Contains(md.String(), "| `"+name+"` | — | — | — | — | failed: exit status 1 |") {
					t.Errorf("the Markdown table does not show %s failed:\n%s", name, md.String())
				}
			}
			if !strings.Contains(md.String(), "to the baseline `"+tc.baseline+"`") {
				t.Errorf("the Markdown does not name the baseline:\n%s", md.String())
			}
		})
	}
}
