package reports

import (
	"io"
	"math"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/stats"
)

// analysisSchema is the version tag of the JSON analysis export. Fields are only
// ever added under this tag; a change in meaning gets a new version.
const analysisSchema = "benchy/analysis/v1"

type jsonAnalysis struct {
	Schema      string         `json:"schema"`
	Benchy      string         `json:"benchy"`
	Suite       string         `json:"suite"`
	SuiteSHA256 string         `json:"suite_sha256"`
	Seed        int64          `json:"seed"`
	Order       string         `json:"order"`
	Status      string         `json:"status"`
	StopReason  string         `json:"stop_reason,omitempty"`
	Fingerprint string         `json:"fingerprint"`
	Headline    string         `json:"headline"`
	Workloads   []jsonWorkload `json:"workloads"`
}

type jsonWorkload struct {
	Name       string  `json:"name"`
	Metric     string  `json:"metric"`
	Unit       string  `json:"unit"`
	Better     string  `json:"better"`
	Status     string  `json:"status"`
	StopReason string  `json:"stop_reason,omitempty"`
	Confidence float64 `json:"confidence"`
	Blocks     int     `json:"blocks"`
	Measured   int     `json:"measured_blocks"`
	Headline   string  `json:"headline"`
	// Published is the suite's citation; each arm's figure is on the arm.
	Published *jsonPublished `json:"published,omitempty"`
	Arms      []jsonArm      `json:"arms"`
}

type jsonPublished struct {
	Source string `json:"source"`
	Claim  string `json:"claim,omitempty"`
	URL    string `json:"url,omitempty"`
}

type jsonArm struct {
	Name     string      `json:"name"`
	Baseline bool        `json:"baseline"`
	Runner   string      `json:"runner"`
	Status   string      `json:"status"`
	Reason   string      `json:"reason,omitempty"`
	Summary  jsonSummary `json:"summary"`
	Blocks   []float64   `json:"block_values"`
	// Geomean is the geometric mean of the block values, the statistic
	// that Relative compares; absent without block values.
	Geomean  *float64      `json:"block_geomean,omitempty"`
	Relative *jsonEstimate `json:"relative,omitempty"`
	RelError string        `json:"relative_error,omitempty"`
	Verdict  string        `json:"verdict"`
	Failed   int           `json:"failed_blocks,omitempty"`
	Energy   *jsonMetric   `json:"energy_per_iteration,omitempty"`
	GPU      *jsonGPU      `json:"gpu,omitempty"`
	// Published is the figure the suite's published block gives for the
	// arm; ModelBytes the size of the model it ran (0: unknown).
	Published  string `json:"published,omitempty"`
	ModelBytes int64  `json:"model_bytes,omitempty"`
}

// jsonSummary is stats.Summary with snake_case keys; values are in the
// workload's unit (nanoseconds for time metrics).
type jsonSummary struct {
	N            int     `json:"n"`
	Mean         float64 `json:"mean"`
	Median       float64 `json:"median"`
	P90          float64 `json:"p90"`
	P99          float64 `json:"p99"`
	Min          float64 `json:"min"`
	Max          float64 `json:"max"`
	SD           float64 `json:"sd"`
	MAD          float64 `json:"mad"`
	CV           float64 `json:"cv"`
	Outliers     int     `json:"outliers"`
	OutliersLow  int     `json:"outliers_low"`
	OutliersHigh int     `json:"outliers_high"`
}

type jsonEstimate struct {
	Estimate    float64 `json:"estimate"`
	CILo        float64 `json:"ci_lo"`
	CIHi        float64 `json:"ci_hi"`
	SE          float64 `json:"se"`
	DF          int     `json:"df"`
	Units       int     `json:"units"`
	Significant bool    `json:"significant"`
	Estimator   string  `json:"estimator"`
	Scale       string  `json:"scale"`
}

type jsonMetric struct {
	Unit     string        `json:"unit"`
	Blocks   int           `json:"blocks"`
	Summary  jsonSummary   `json:"summary"`
	Relative *jsonEstimate `json:"relative,omitempty"`
	RelError string        `json:"relative_error,omitempty"`
	Verdict  string        `json:"verdict"`
}

type jsonGPU struct {
	TelemetryBlocks int      `json:"telemetry_blocks"`
	ThrottledBlocks int      `json:"throttled_blocks"`
	ThrottleReasons []string `json:"throttle_reasons,omitempty"`
	MaxTempC        float64  `json:"max_temp_c,omitempty"`
}

func summaryJSON(s stats.Summary) jsonSummary {
	return jsonSummary{N: s.N, Mean: finite(s.Mean), Median: finite(s.Median), P90: finite(s.P90), P99: finite(s.P99),
		Min: finite(s.Min), Max: finite(s.Max), SD: finite(s.SD), MAD: finite(s.MAD), CV: finite(s.CV),
		Outliers: s.Outliers, OutliersLow: s.OutliersLow, OutliersHigh: s.OutliersHigh}
}

func estimateJSON(e *stats.Estimate) *jsonEstimate {
	if e == nil {
		return nil
	}
	return &jsonEstimate{Estimate: e.Estimate, CILo: e.CILo, CIHi: e.CIHi, SE: e.SE, DF: e.DF, Units: e.Units,
		Significant: e.Significant, Estimator: e.Estimator.String(), Scale: e.Scale.String()}
}

// finite maps NaN and ±Inf, which JSON cannot hold, to 0.
func finite(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// unitOf is the unit a workload's values are recorded in.
func unitOf(m string) string {
	if metric.KindOf(m) == metric.Time {
		return "ns"
	}
	return m
}

// jsonReport writes the versioned analysis: summaries, per-block values, relative
// differences with their CIs, energy and throttling, and the suite's
// published citation with each arm's published figure and model size.
func jsonReport(w io.Writer, a *Analysis) error {
	d := a.Doc
	out := jsonAnalysis{Schema: analysisSchema, Benchy: d.Benchy, Suite: d.Suite.Path, SuiteSHA256: d.Suite.SHA256, Seed: d.Seed,
		Order: d.Order, Status: d.Status, StopReason: d.StopReason, Fingerprint: a.Fingerprint, Headline: a.Headline(),
		Workloads: []jsonWorkload{}}
	for _, wa := range a.Workloads {
		jw := jsonWorkload{Name: wa.Name, Metric: wa.Metric, Unit: unitOf(wa.Metric), Better: string(wa.Better), Status: wa.Status,
			StopReason: wa.StopReason, Confidence: wa.Confidence, Blocks: wa.Blocks, Measured: wa.Measured,
			Headline: wa.Headline(), Arms: []jsonArm{}}
		if p := wa.Published; p != nil {
			jw.Published = &jsonPublished{Source: p.Source, Claim: p.Claim, URL: publishedURL(p)}
		}
		for _, arm := range wa.Arms {
			ja := jsonArm{Name: arm.Name, Baseline: arm.Baseline, Runner: arm.Runner, Status: arm.Status, Reason: arm.Reason,
				Summary: summaryJSON(arm.Summary), Blocks: arm.BlockValues, Relative: estimateJSON(arm.Rel),
				RelError: arm.RelError, Verdict: string(arm.Verdict), Failed: arm.FailedBlocks,
				Published: arm.Published, ModelBytes: arm.ModelBytes}
			if ja.Blocks == nil {
				ja.Blocks = []float64{}
			}
			ja.Geomean = ptr(arm.Geomean)
			if e := arm.Energy; e != nil {
				ja.Energy = &jsonMetric{Unit: e.Unit, Blocks: e.Blocks, Summary: summaryJSON(e.Summary),
					Relative: estimateJSON(e.Rel), RelError: e.RelError, Verdict: string(e.Verdict)}
			}
			if arm.TelemetryBlocks > 0 {
				ja.GPU = &jsonGPU{TelemetryBlocks: arm.TelemetryBlocks, ThrottledBlocks: arm.ThrottledBlocks,
					ThrottleReasons: arm.ThrottleReasons, MaxTempC: arm.MaxTempC}
			}
			jw.Arms = append(jw.Arms, ja)
		}
		out.Workloads = append(out.Workloads, jw)
	}
	return writeJSON(w, out)
}
