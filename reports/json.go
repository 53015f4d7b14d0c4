package reports

import (
	"encoding/json"
	"io"
)

// JSONSchema is the version tag of the JSON analysis export.
const JSONSchema = "benchy/analysis/v1"

type jsonAnalysis struct {
	Schema     string         `json:"schema"`
	Suite      string         `json:"suite"`
	Seed       int64          `json:"seed"`
	Status     string         `json:"status"`
	StopReason string         `json:"stop_reason,omitempty"`
	Workloads  []jsonWorkload `json:"workloads"`
}

type jsonWorkload struct {
	Name       string    `json:"name"`
	Metric     string    `json:"metric"`
	Better     string    `json:"better"`
	Status     string    `json:"status"`
	StopReason string    `json:"stop_reason,omitempty"`
	Confidence float64   `json:"confidence"`
	Blocks     int       `json:"blocks"`
	Measured   int       `json:"measured_blocks"`
	Headline   string    `json:"headline"`
	Arms       []jsonArm `json:"arms"`
}

type jsonArm struct {
	Name     string         `json:"name"`
	Baseline bool           `json:"baseline"`
	Runner   string         `json:"runner"`
	Status   string         `json:"status"`
	Reason   string         `json:"reason,omitempty"`
	Summary  any            `json:"summary"`
	Relative *jsonEstimate  `json:"relative,omitempty"`
	RelError string         `json:"relative_error,omitempty"`
	Verdict  string         `json:"verdict"`
	Extra    map[string]any `json:"extra,omitempty"`
}

type jsonEstimate struct {
	Estimate    float64 `json:"estimate"`
	CILo        float64 `json:"ci_lo"`
	CIHi        float64 `json:"ci_hi"`
	SE          float64 `json:"se"`
	DF          int     `json:"df"`
	Units       int     `json:"units"`
	Significant bool    `json:"significant"`
}

// JSON writes the versioned analysis: summaries and relative differences.
func JSON(w io.Writer, a *Analysis) error {
	out := jsonAnalysis{Schema: JSONSchema, Suite: a.Doc.Suite.Path, Seed: a.Doc.Seed, Status: a.Doc.Status, StopReason: a.Doc.StopReason, Workloads: []jsonWorkload{}}
	for _, wa := range a.Workloads {
		jw := jsonWorkload{Name: wa.Name, Metric: wa.Metric, Better: wa.Better, Status: wa.Status, StopReason: wa.StopReason,
			Confidence: wa.Confidence, Blocks: wa.Blocks, Measured: wa.Measured, Headline: wa.Headline(), Arms: []jsonArm{}}
		for _, arm := range wa.Arms {
			ja := jsonArm{Name: arm.Name, Baseline: arm.Baseline, Runner: arm.Runner, Status: arm.Status, Reason: arm.Reason,
				Summary: arm.Summary, RelError: arm.RelError, Verdict: arm.Verdict}
			if e := arm.Rel; e != nil {
				ja.Relative = &jsonEstimate{Estimate: e.Estimate, CILo: e.CILo, CIHi: e.CIHi, SE: e.SE, DF: e.DF, Units: e.Units, Significant: e.Significant}
			}
			jw.Arms = append(jw.Arms, ja)
		}
		out.Workloads = append(out.Workloads, jw)
	}
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
