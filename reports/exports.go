package reports

import (
	"bufio"
	"encoding/csv"
	"fmt"
	"io"
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// benchmarkName is the Go benchmark format name of an arm of a workload
// instance: "Benchmark" + the workload instance name with its first letter
// upper-cased, then "arm=" + the arm instance name, e.g.
// "BenchmarkBodyposenet/resolution=224x320/arm=onnx/precision=fp16", so that
// `benchstat -col /arm` (or /precision) pivots on it. Whitespace becomes "_",
// and a trailing "-N", which benchstat would read as GOMAXPROCS, is kept
// apart with a final "_".
func benchmarkName(workload, arm string) string {
	w := sanitizeName(workload)
	if r, n := utf8.DecodeRuneInString(w); n > 0 {
		w = string(unicode.ToUpper(r)) + w[n:]
	}
	name := "Benchmark" + w + "/arm=" + sanitizeName(arm)
	if procsSuffix.MatchString(name) {
		name += "_"
	}
	return name
}

var procsSuffix = regexp.MustCompile(`-[0-9]+$`)

func sanitizeName(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || !unicode.IsPrint(r) {
			return '_'
		}
		return r
	}, s)
}

// benchUnit is the Go benchmark format unit of a workload's values.
func benchUnit(m string) string {
	if metric.KindOf(m) == metric.Time {
		return "ns/op"
	}
	u := sanitizeName(strings.TrimSpace(m))
	if u == "" {
		return "value"
	}
	return u
}

func configValue(s string) string {
	return strings.Map(func(r rune) rune {
		if r == '\n' || r == '\r' {
			return ' '
		}
		return r
	}, s)
}

// benchfmtExport writes the measured blocks in the Go benchmark format: one line
// per arm per block, block by block, whose value is the block's mean per
// iteration (and, with GPU telemetry, its energy per iteration in J/op).
// Within a block the baseline comes first, then the other arms in the
// suite's order (not the order they ran, which the CSV export keeps), so
// that `benchstat -col /arm report.txt`, which compares with the first
// column it sees, compares with the baseline. Configuration lines record
// the machine, suite and seed.
func benchfmtExport(w io.Writer, doc *results.Document) error {
	bw := bufio.NewWriter(w)
	env := doc.Environment
	cfg := [][2]string{
		{"goos", env.OS}, {"goarch", env.Arch}, {"cpu", env.CPUModel},
		{"benchy", doc.Benchy}, {"benchy-suite", doc.Suite.Path}, {"benchy-suite-sha256", doc.Suite.SHA256},
		{"benchy-seed", strconv.FormatInt(doc.Seed, 10)}, {"benchy-order", doc.Order},
		{"benchy-host", env.Host}, {"benchy-fingerprint", env.Fingerprint()},
	}
	for i, g := range env.GPUs {
		cfg = append(cfg, [2]string{fmt.Sprintf("benchy-gpu-%d", i), g})
	}
	for _, kv := range cfg {
		if v := configValue(kv[1]); v != "" {
			fmt.Fprintf(bw, "%s: %s\n", kv[0], v)
		}
	}
	units := map[string]bool{}
	for _, wl := range doc.Workloads {
		unit := benchUnit(wl.Metric)
		if wl.Better == "higher" && !units[unit] {
			units[unit] = true
			fmt.Fprintf(bw, "Unit %s better=higher\n", unit)
		}
	}
	for _, wl := range doc.Workloads {
		unit := benchUnit(wl.Metric)
		fmt.Fprintf(bw, "\n")
		arms := baselineFirst(wl.Arms)
		for _, b := range wl.Blocks {
			if !b.Measured() {
				continue
			}
			for _, arm := range arms {
				r, _ := b.Run(arm)
				v, ok := b.Value(arm)
				if !ok {
					continue
				}
				fmt.Fprintf(bw, "%s\t%d\t%s %s", benchmarkName(wl.Name, arm), len(r.NS), strconv.FormatFloat(v, 'g', 8, 64), unit)
				if e, ok := energyValue(b, arm); ok {
					fmt.Fprintf(bw, "\t%s J/op", strconv.FormatFloat(e, 'g', 6, 64))
				}
				fmt.Fprintln(bw)
			}
		}
	}
	return bw.Flush()
}

// baselineFirst names the arms in the suite's order with the baseline
// moved to the front: benchstat compares every column with the one it saw
// first.
func baselineFirst(arms []*results.Arm) []string {
	names := make([]string, 0, len(arms))
	for _, a := range arms {
		if a.Baseline {
			names = append(names, a.Name)
		}
	}
	for _, a := range arms {
		if !a.Baseline {
			names = append(names, a.Name)
		}
	}
	return names
}

// csvHeader is the header row of the CSV export.
var csvHeader = []string{"workload", "arm", "baseline", "block", "warmup", "incomplete", "position",
	"iteration", "value", "unit", "energy_per_iteration_j", "throttled", "error"}

// csvExport writes the tidy export: one row per timed iteration (sample) of every
// block, warm-up and incomplete blocks included and marked. position is the
// arm's 0-based place in the block's order; energy and throttling are the
// run's (repeated on each of its samples). A failed run is one row with an
// empty iteration and value and the error. Names and errors show control
// characters as escapes (termtext), as the terminal report does.
func csvExport(w io.Writer, doc *results.Document) error {
	cw := csv.NewWriter(w)
	if err := cw.Write(csvHeader); err != nil {
		return err
	}
	for _, wl := range doc.Workloads {
		unit := unitOf(wl.Metric)
		base := map[string]bool{}
		for _, a := range wl.Arms {
			base[a.Name] = a.Baseline
		}
		for _, b := range wl.Blocks {
			for _, r := range b.Runs {
				pos := ""
				for i, o := range b.Order {
					if o == r.Arm {
						pos = strconv.Itoa(i)
						break
					}
				}
				energy, throttled := "", ""
				if t, ok := telemetryOf(r.Telemetry); ok {
					throttled = strconv.FormatBool(t.Throttled)
					if e, ok := energyValue(b, r.Arm); ok {
						energy = strconv.FormatFloat(e, 'g', -1, 64)
					}
				}
				row := []string{termSafe(wl.Name), termSafe(r.Arm), strconv.FormatBool(base[r.Arm]), strconv.Itoa(b.Index),
					strconv.FormatBool(b.Warmup), strconv.FormatBool(b.Incomplete), pos, "", "", unit, energy, throttled, termSafe(r.Error)}
				if r.Error != "" || len(r.NS) == 0 {
					if err := cw.Write(row); err != nil {
						return err
					}
					continue
				}
				for i, ns := range r.NS {
					row[7], row[8] = strconv.Itoa(i), strconv.FormatInt(ns, 10)
					if err := cw.Write(row); err != nil {
						return err
					}
				}
			}
		}
	}
	cw.Flush()
	return cw.Error()
}

// bmfMetric is one Bencher Metric Format measurement.
type bmfMetric struct {
	Value      float64  `json:"value"`
	LowerValue *float64 `json:"lower_value,omitempty"`
	UpperValue *float64 `json:"upper_value,omitempty"`
}

// bencherExport writes the Bencher Metric Format (BMF) JSON: one benchmark per
// arm of every workload instance, named "<workload>/arm=<arm>", with
//   - "latency" (ns; time metrics) or a measure named after the metric
//     ("rows/s" becomes "rows-s", which Bencher creates): the mean of
//     the per-block values with lower_value and upper_value its t confidence
//     interval over blocks;
//   - "relative-difference" (percent vs the baseline, non-baseline arms):
//     the jackknife estimate and CI of the text report;
//   - "energy-per-iteration" (J) when GPU telemetry recorded energy.
func bencherExport(w io.Writer, a *Analysis) error {
	out := map[string]map[string]bmfMetric{}
	for _, wa := range a.Workloads {
		measure := "latency"
		if metric.KindOf(wa.Metric) != metric.Time {
			measure = kebab(wa.Metric)
		}
		for _, arm := range wa.Arms {
			if len(arm.BlockValues) == 0 {
				continue
			}
			m := map[string]bmfMetric{measure: meanCI(arm.BlockValues, wa.Confidence)}
			if e := arm.Rel; e != nil {
				lo, hi := 100*e.CILo, 100*e.CIHi
				m["relative-difference"] = bmfMetric{Value: 100 * e.Estimate, LowerValue: &lo, UpperValue: &hi}
			}
			if e := arm.Energy; e != nil {
				var vals []float64
				for _, b := range wa.Source.Blocks {
					if v, ok := energyValue(b, arm.Name); ok && b.Measured() {
						vals = append(vals, v)
					}
				}
				m["energy-per-iteration"] = meanCI(vals, wa.Confidence)
			}
			out[wa.Name+"/arm="+arm.Name] = m
		}
	}
	return writeJSON(w, out)
}

// meanCI is the mean of xs with its Student-t confidence interval.
func meanCI(xs []float64, conf float64) bmfMetric {
	s := stats.Summarize(xs)
	m := bmfMetric{Value: s.Mean}
	if s.N >= 2 {
		h := stats.TCritical(s.N-1, conf) * s.SD / math.Sqrt(float64(s.N))
		lo, hi := s.Mean-h, s.Mean+h
		m.LowerValue, m.UpperValue = &lo, &hi
	}
	return m
}

// kebab turns a metric name into a Bencher measure slug ("rows/s" → "rows-s").
func kebab(s string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			b.WriteRune(r)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.TrimSuffix(b.String(), "-")
	if out == "" {
		return "value"
	}
	return out
}
