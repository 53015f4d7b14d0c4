package main

import (
	"github.com/benchy-dev/benchy/internal/golden"

	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

const analyzeTestdata = "testdata/analyze/"

// TestAnalyzeGolden runs benchy analyze and compares its exit code, stdout
// and stderr with testdata/analyze/NAME.golden (go test -run
// go test ./cmd/benchy -run TestAnalyzeGolden -update rewrites them).
func TestAnalyzeGolden(t *testing.T) {
	cases := []struct {
		name string
		args string
	}{
		{"three_arms_text", "three_arms.csv"},
		{"three_arms_json", "three_arms.csv --format json"},
		{"three_arms_ratio_linear", "three_arms.csv --estimator ratio --scale linear --baseline same --confidence 0.9"},
		{"three_arms_groups", "three_arms.csv --groups 4 --format json"},
		{"iterations_hosts", "iterations.csv --group-column host --baseline cpu"},
		{"iterations_json", "iterations.csv --baseline cpu --estimator ratio --format json"},
		{"robotics_text", "robotics.csv"},
		{"robotics_json", "robotics.csv --format json"},
		{"robotics_crude", "robotics.csv --estimator crude"},
		{"robotics_linear_groups", "robotics.csv --scale linear --groups 5 --format json"},
		{"err_nonpositive_value", "zero_value.csv"},
		{"err_zero_denominator", "zero_baseline.csv --estimator ratio"},
		{"err_zero_denominator_replicate", "zero_baseline.csv --estimator ratio --scale linear --format json"},
		{"err_nonpositive_ratio", "zero_arm.csv --estimator ratio"},
		{"ok_zero_ratio_linear", "zero_arm.csv --estimator ratio --scale linear"},
		{"err_insufficient_blocks", "one_block.csv"},
		{"err_ragged", "ragged.csv"},
		{"err_missing_column", "no_columns.csv"},
		{"err_empty", "empty.csv"},
		{"err_moved_host", "moved_host.csv --group-column host"},
		{"err_unknown_group_column", "three_arms.csv --group-column host"},
		{"err_bad_count", "bad_count.csv"},
		{"err_never_succeeds", "never_succeeds.csv"},
		{"ok_never_succeeds_linear", "never_succeeds.csv --scale linear"},
		{"err_unknown_baseline", "three_arms.csv --baseline main"},
		{"err_cmh_on_continuous", "three_arms.csv --estimator cmh"},
		{"err_ratio_on_binary", "robotics.csv --estimator ratio"},
		{"err_logratio_linear", "three_arms.csv --scale linear"},
		{"err_unknown_estimator", "three_arms.csv --estimator median"},
		{"err_confidence", "three_arms.csv --confidence 95"},
		{"err_too_many_groups", "three_arms.csv --groups 9"},
		{"err_groups_and_column", "iterations.csv --groups 2 --group-column host"},
		{"err_format", "three_arms.csv --format yaml"},
		{"err_no_file", "does_not_exist.csv"},
		{"err_no_file_json", "does_not_exist.csv --format json"},
		{"err_go_literal", "go_literal.csv"},
		{"err_inf", "inf_value.csv"},
		{"err_all_arms_degenerate", "two_never_succeed.csv"},
		{"ok_bom_quoted_header", "bom_quoted.csv"},
		{"ok_huge_values_ratio", "huge.csv --estimator ratio"},
		{"ok_huge_values_ratio_json", "huge.csv --estimator ratio --format json"},
		{"partial_one_arm_never_succeeds", "one_never_succeeds.csv"},
		{"partial_one_arm_never_succeeds_json", "one_never_succeeds.csv --format json"},
		{"partial_zero_arm_ratio", "three_arms_zero.csv --estimator ratio"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			args := strings.Fields(tc.args)
			args[0] = analyzeTestdata + args[0]
			var stdout, stderr bytes.Buffer
			code := run(append([]string{"analyze"}, args...), &stdout, &stderr)
			got := fmt.Sprintf("$ benchy analyze %s\nexit %d\n--- stdout\n%s--- stderr\n%s", strings.Join(args, " "), code, stdout.String(), stderr.String())
			golden.Check(t, filepath.Join(analyzeTestdata, tc.name+".golden"), []byte(got))
			// Every error is exit 2 with a plain message on stderr (no
			// internal code), and with --format json {"error": {"code",
			// "message"}} on stdout; some arms not estimated is exit 1;
			// success is exit 0.
			isJSON := strings.Contains(tc.args, "--format json")
			switch {
			case strings.HasPrefix(tc.name, "err_"):
				if code != exitUsage || !strings.HasPrefix(stderr.String(), "benchy: ") || analyzeCodePrefix.MatchString(stderr.String()) {
					t.Errorf("error case: exit %d, stderr %q", code, stderr.String())
				}
				if c := analyzeJSONErrorCode(t, stdout.Bytes()); isJSON != (c != "") || !isJSON && stdout.Len() != 0 {
					t.Errorf("error case: stdout %q", stdout.String())
				}
			case strings.HasPrefix(tc.name, "partial_"):
				if code != exitFailure || !strings.Contains(stderr.String(), "not estimated") {
					t.Errorf("partial case: exit %d, stderr %q", code, stderr.String())
				}
			default:
				if code != exitOK {
					t.Errorf("exit %d: %s", code, stderr.String())
				}
			}
			if isJSON && code != exitUsage {
				var out analyzeJSON
				if err := json.Unmarshal(stdout.Bytes(), &out); err != nil || len(out.Arms) == 0 {
					t.Errorf("invalid JSON (%v): %s", err, stdout.String())
				}
				for _, a := range out.Arms {
					failed := a.Error != nil
					if failed != (a.Estimate == nil) || failed && (a.Error.Code == "" || !strings.HasPrefix(tc.name, "partial_")) {
						t.Errorf("arm %q: estimate %v, error %+v", a.Arm, a.Estimate, a.Error)
					}
				}
			}
		})
	}
}

// analyzeCodePrefix matches an internal code at the start of an error line,
// which benchy analyze's messages must not show (#15.15).
var analyzeCodePrefix = regexp.MustCompile(`(?m)^benchy: [a-z]+_[a-z_]+: `)

// analyzeJSONErrorCode returns the code of a {"error": {"code", "message"}}
// document, or "" when data is not one.
func analyzeJSONErrorCode(t *testing.T, data []byte) string {
	t.Helper()
	var e struct {
		Error *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	if json.Unmarshal(data, &e) != nil || e.Error == nil {
		return ""
	}
	if e.Error.Message == "" {
		t.Errorf("error without a message: %s", data)
	}
	return e.Error.Code
}

// analyzeJSON is the contract of `benchy analyze --format json`.
type analyzeJSON struct {
	Estimator  string  `json:"estimator"`
	Confidence float64 `json:"confidence"`
	Units      int     `json:"units"`
	Arms       []struct {
		Arm         string   `json:"arm"`
		Estimate    *float64 `json:"estimate"`
		CILo        *float64 `json:"ci_lo"`
		CIHi        *float64 `json:"ci_hi"`
		SE          *float64 `json:"se"`
		DF          int      `json:"df"`
		Significant bool     `json:"significant"`
		Error       *struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	} `json:"arms"`
}

// TestAnalyzeMatchesOracle turns every jackknife and cmh_jackknife vector of
// the oracle into a CSV, runs benchy analyze --format json on it and checks
// the JSON against the oracle's answer (1e-9 rule), or the error code.
func TestAnalyzeMatchesOracle(t *testing.T) {
	var files []string
	for _, d := range []string{"../../stats/testdata/vectors/shared", "../../stats/testdata/vectors/extra"} {
		m, _ := filepath.Glob(filepath.Join(d, "*.json"))
		files = append(files, m...)
	}
	checked := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var v struct {
			Kind     string          `json:"kind"`
			Input    json.RawMessage `json:"input"`
			Expected json.RawMessage `json:"expected"`
		}
		if err := json.Unmarshal(data, &v); err != nil {
			t.Fatal(err)
		}
		switch v.Kind {
		case "jackknife":
			t.Run(filepath.Base(f), func(t *testing.T) { analyzeJackknifeVector(t, v.Input, v.Expected) })
		case "cmh_jackknife":
			t.Run(filepath.Base(f), func(t *testing.T) { analyzeCMHVector(t, v.Input, v.Expected) })
		default:
			continue
		}
		checked++
	}
	if checked < 30 {
		t.Fatalf("only %d vectors checked", checked)
	}
}

type analyzeOracleResult struct {
	Arm         int      `json:"arm"`
	Estimate    *float64 `json:"estimate"`
	CILo        *float64 `json:"ci_lo"`
	CIHi        *float64 `json:"ci_hi"`
	SE          *float64 `json:"se_jk"`
	DF          int      `json:"df"`
	Significant bool     `json:"significant"`
	Error       string   `json:"error"`
}

// runAnalyzeJSONFile runs benchy analyze --format json on csvText; it
// returns the report, the exit code, and stderr or, on exit 2, the error
// code of the JSON on stdout followed by ": " and stderr.
func runAnalyzeJSONFile(t *testing.T, csvText string, args ...string) (analyzeJSON, int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "in.csv")
	if err := os.WriteFile(path, []byte(csvText), 0o644); err != nil {
		t.Fatal(err)
	}
	var stdout, stderr bytes.Buffer
	code := run(append([]string{"analyze", path, "--format", "json"}, args...), &stdout, &stderr)
	var out analyzeJSON
	switch code {
	case exitOK, exitFailure:
		if err := json.Unmarshal(stdout.Bytes(), &out); err != nil {
			t.Fatalf("%v: %s", err, stdout.String())
		}
	case exitUsage:
		return out, code, analyzeJSONErrorCode(t, stdout.Bytes()) + ": " + stderr.String()
	}
	return out, code, stderr.String()
}

func analyzeCheckArms(t *testing.T, got analyzeJSON, want []analyzeOracleResult, names []string) {
	t.Helper()
	if len(got.Arms) != len(want) {
		t.Fatalf("%d arms, want %d", len(got.Arms), len(want))
	}
	near := func(name string, g, w *float64) {
		t.Helper()
		switch {
		case g == nil || w == nil:
			if g != w {
				t.Errorf("%s = %v, want %v", name, g, w)
			}
		case math.Abs(*g-*w) > 1e-9*math.Max(1, math.Abs(*w)):
			t.Errorf("%s = %.17g, want %.17g", name, *g, *w)
		}
	}
	units := 0
	for i, w := range want {
		a := got.Arms[i]
		if w.Error != "" {
			// Not estimated, with the oracle's code for this arm alone.
			if a.Arm != names[w.Arm] || a.Error == nil || a.Error.Code != w.Error || a.Estimate != nil {
				t.Errorf("arm %q: error %+v estimate %v, want %q not estimated (%s)", a.Arm, a.Error, a.Estimate, names[w.Arm], w.Error)
			}
			continue
		}
		units = w.DF + 1
		if a.Arm != names[w.Arm] || a.DF != w.DF || a.Significant != w.Significant {
			t.Errorf("arm %q df %d significant %v, want %q %d %v", a.Arm, a.DF, a.Significant, names[w.Arm], w.DF, w.Significant)
		}
		near("estimate", a.Estimate, w.Estimate)
		near("ci_lo", a.CILo, w.CILo)
		near("ci_hi", a.CIHi, w.CIHi)
		near("se", a.SE, w.SE)
	}
	if got.Units != units {
		t.Errorf("units = %d, want %d", got.Units, units)
	}
}

func analyzeWantError(t *testing.T, code int, stderr, want string) {
	t.Helper()
	if code != exitUsage || !strings.HasPrefix(stderr, want+": benchy: ") {
		t.Fatalf("exit %d, stderr %q; want exit 2 and code %s", code, stderr, want)
	}
}

func analyzeJackknifeVector(t *testing.T, input, expected json.RawMessage) {
	var in struct {
		Blocks [][]float64 `json:"blocks"`
		Arms   []string    `json:"arms"`
		Method struct {
			Estimator  string   `json:"estimator"`
			Scale      string   `json:"scale"`
			Groups     *int     `json:"groups"`
			Labels     []string `json:"labels"`
			Confidence float64  `json:"confidence"`
		} `json:"method"`
	}
	if err := json.Unmarshal(input, &in); err != nil {
		t.Fatal(err)
	}
	var exp struct {
		Results []analyzeOracleResult `json:"results"`
		Error   string                `json:"error"`
	}
	if err := json.Unmarshal(expected, &exp); err != nil {
		t.Fatal(err)
	}
	// Write the blocks in a shuffled row order, with the baseline renamed so
	// that --baseline has to pick it.
	names := append([]string{"base"}, in.Arms[1:]...)
	var sb strings.Builder
	sb.WriteString("host,arm,value,block\n")
	for b, row := range in.Blocks {
		for j := range row {
			k := (j + b) % len(row)
			host := "h"
			if in.Method.Labels != nil {
				host = in.Method.Labels[b]
			}
			fmt.Fprintf(&sb, "%s,%s,%s,%d\n", host, names[k], strconv.FormatFloat(row[k], 'g', -1, 64), b+1)
		}
	}
	args := []string{"--estimator", in.Method.Estimator, "--scale", in.Method.Scale, "--baseline", "base",
		"--confidence", strconv.FormatFloat(in.Method.Confidence, 'g', -1, 64)}
	if in.Method.Groups != nil {
		args = append(args, "--groups", strconv.Itoa(*in.Method.Groups))
	}
	if in.Method.Labels != nil {
		args = append(args, "--group-column", "host")
	}
	got, code, stderr := runAnalyzeJSONFile(t, sb.String(), args...)
	if exp.Error != "" {
		analyzeWantError(t, code, stderr, exp.Error)
		return
	}
	wantCode := exitOK // exit 1 when some arm is not estimated
	for _, r := range exp.Results {
		if r.Error != "" {
			wantCode = exitFailure
		}
	}
	if code != wantCode {
		t.Fatalf("exit %d, want %d: %s", code, wantCode, stderr)
	}
	if got.Estimator != in.Method.Estimator || got.Confidence != in.Method.Confidence {
		t.Errorf("estimator %q confidence %v", got.Estimator, got.Confidence)
	}
	analyzeCheckArms(t, got, exp.Results, names)
}

func analyzeCMHVector(t *testing.T, input, expected json.RawMessage) {
	var in struct {
		Records []struct {
			Block     int             `json:"block"`
			Stratum   json.RawMessage `json:"stratum"`
			Arm       int             `json:"arm"`
			Successes int             `json:"successes"`
			Trials    int             `json:"trials"`
		} `json:"records"`
	}
	if err := json.Unmarshal(input, &in); err != nil {
		t.Fatal(err)
	}
	var exp map[string]analyzeOracleResult
	if err := json.Unmarshal(expected, &exp); err != nil {
		t.Fatal(err)
	}
	names := []string{"baseline", "treatment"}
	var sb strings.Builder
	sb.WriteString("block,stratum,arm,successes,trials\n")
	// Treatment rows first: the baseline must still be the arm named
	// "baseline", not the first arm seen.
	for pass := 1; pass >= 0; pass-- {
		for _, r := range in.Records {
			if r.Arm == pass {
				fmt.Fprintf(&sb, "%d,%s,%s,%d,%d\n", r.Block, strings.Trim(string(r.Stratum), `"`), names[r.Arm], r.Successes, r.Trials)
			}
		}
	}
	for key, w := range exp {
		est, scale, _ := strings.Cut(key, "_")
		if est == "mh" {
			est = "cmh"
		}
		t.Run(key, func(t *testing.T) {
			got, code, stderr := runAnalyzeJSONFile(t, sb.String(), "--estimator", est, "--scale", scale)
			if w.Error != "" {
				analyzeWantError(t, code, stderr, w.Error)
				return
			}
			if code != 0 {
				t.Fatalf("exit %d: %s", code, stderr)
			}
			w.Arm = 1
			analyzeCheckArms(t, got, []analyzeOracleResult{w}, names)
		})
	}
}

func TestAnalyzeBaselineByName(t *testing.T) {
	in := "block,arm,value\n1,new,2\n1,Baseline,1\n2,new,4\n2,Baseline,2\n3,new,6\n3,Baseline,3\n"
	got, code, stderr := runAnalyzeJSONFile(t, in)
	if code != 0 || len(got.Arms) != 1 || got.Arms[0].Arm != "new" || math.Abs(*got.Arms[0].Estimate-1) > 1e-15 || *got.Arms[0].SE != 0 {
		t.Fatalf("exit %d %s: %+v", code, stderr, got)
	}
	got, code, _ = runAnalyzeJSONFile(t, in, "--baseline", "new")
	if code != 0 || got.Arms[0].Arm != "Baseline" || math.Abs(*got.Arms[0].Estimate+0.5) > 1e-15 {
		t.Fatalf("--baseline new: exit %d %+v", code, got)
	}
}
