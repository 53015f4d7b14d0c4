package reports

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"html/template"
	"io"
	"sort"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/reports/chart"
	"github.com/benchy-dev/benchy/results"
)

//go:embed report.html.tmpl
var htmlTemplateText string

var htmlTemplate = template.Must(template.New("report").Funcs(template.FuncMap{"breakable": breakable}).Parse(htmlTemplateText))

// breakable escapes s and lets the browser break the line after each "/"
// and "=" of an instance name.
func breakable(s string) template.HTML {
	e := template.HTMLEscapeString(s)
	e = strings.ReplaceAll(e, "/", "/<wbr>")
	return template.HTML(e) // escaped above; <wbr> is the only markup added
}

// htmlReport writes a self-contained page: no scripts, no network, no external
// assets (a Content-Security-Policy forbids them), fit for printing. It has
// a header with the suite, seed, stop reason and environment fingerprint,
// an overview forest plot, and per workload instance the verdict table, a
// forest plot of every arm's relative difference with its CI, a timeline
// of per-block values (warm-up shaded, throttled runs ringed), per-arm
// distributions, and an energy forest plot when GPU telemetry recorded
// energy; a workload whose suite cites a published result shows the
// citation and each arm's published figure beside its median, and arms
// that recorded their model's size show it; the environment, the variables,
// the suite source and each arm's
// configuration and stderr are folded away at the end. Every string from the
// results document is escaped, and its control characters are shown as the
// terminal formats show them (termtext), not passed on raw.
func htmlReport(w io.Writer, a *Analysis) error {
	var buf bytes.Buffer
	if err := htmlTemplate.Execute(&buf, htmlView(a)); err != nil {
		return fmt.Errorf("rendering the HTML report: %w", err)
	}
	// The template holds no control character but line breaks, so any
	// other came from the document; its escape is plain ASCII, safe in
	// text, attributes and style alike.
	_, err := io.WriteString(w, termtext.EscapeLines(buf.String()))
	return err
}

type htmlPage struct {
	CSS         template.CSS
	Title       string
	Headline    string
	Verdict     string // good, bad or neutral: the headline's colour
	Meta        [][2]string
	Overview    template.HTML
	Workloads   []htmlWorkload
	Environment [][2]string
	Hardware    string
	Overhead    [][2]string
	Variables   [][3]string
	Source      string
	SourceName  string
	Arms        []htmlArmDetail
	Generated   string
}

type htmlWorkload struct {
	ID, Name, Description, Metric, Better string
	Headline                              string
	Confidence                            string
	HasEnergy, HasTelemetry               bool
	HasPublished, HasModelSize            bool
	Published                             *htmlPublished
	Rows                                  []htmlRow
	Summary                               string
	Notes                                 []string
	Legend                                []htmlLegend
	StatisticsLegend                      string
	Forest, Timeline, Distribution        template.HTML
	Energy                                template.HTML
	// PlotNote says why a plot is missing: none is drawn without data.
	PlotNote   string
	Sequential bool
}

type htmlRow struct {
	Name, Runner, Geomean, Median, P90, P99, N, Blocks, Rel, Verdict, VerdictClass string
	Speedup                                                                        string
	Baseline                                                                       bool
	Energy, EnergyRel, EnergyClass, Throttled                                      string
	// Published and ModelSize are set ("—" when unknown) only when the
	// workload shows that column.
	Published, ModelSize string
}

// htmlPublished is a workload's citation; URL is empty unless it is an
// absolute http(s) address.
type htmlPublished struct {
	Source, Claim, URL string
}

type htmlLegend struct {
	Name, Color string
	Marker      template.HTML
}

type htmlArmDetail struct {
	Workload, Name, Runner, Status, Config, Info, Stderr string
}

func htmlView(a *Analysis) htmlPage {
	d := a.Doc
	p := htmlPage{
		CSS:      template.CSS(chart.StyleSheet()), // a constant of package chart, not user data
		Title:    "benchy: " + d.Suite.Path,
		Headline: a.Headline(),
		Source:   d.Suite.Source, SourceName: d.Suite.Path,
		Generated: fmt.Sprintf("benchy %s · results schema %s · render again with: benchy report results.json --format html",
			d.Benchy, d.Schema),
	}
	// An arm slower than its baseline is a finding, not a failure: the
	// headline is red only when an arm failed.
	p.Verdict = "neutral"
	if a.Counts().Failed > 0 {
		p.Verdict = "bad"
	}
	dur := ""
	if !d.Started.IsZero() && !d.Finished.IsZero() {
		dur = " (ran " + d.Finished.Sub(d.Started).Round(100*time.Millisecond).String() + ")"
	}
	started := ""
	if !d.Started.IsZero() {
		started = d.Started.UTC().Format("2006-01-02 15:04:05 UTC") + dur
	}
	p.Meta = [][2]string{
		{"suite", d.Suite.Path},
		{"sha256", shortHash(d.Suite.SHA256)},
		{"seed", fmt.Sprint(d.Seed)},
		{"order", d.Order},
		{"status", a.Status()},
		{"failed", a.failedList()},
		{"stop reason", d.StopReason},
		{"started", started},
		{"machine", machineLine(d.Environment)},
		{"fingerprint", a.Fingerprint},
	}
	env := d.Environment
	p.Environment = [][2]string{
		{"host", env.Host}, {"OS", env.OS + "/" + env.Arch}, {"kernel", env.Kernel},
		{"CPU", fmt.Sprintf("%s × %d", env.CPUModel, env.CPUCount)}, {"Go", env.GoVersion}, {"benchy", d.Benchy},
		{"suite sha256", d.Suite.SHA256},
	}
	if len(env.GPUs) == 0 {
		p.Environment = append(p.Environment, [2]string{"GPU", "none detected"})
	}
	for i, g := range env.GPUs {
		p.Environment = append(p.Environment, [2]string{fmt.Sprintf("GPU %d", i), g})
	}
	if len(env.Hardware) > 0 {
		var pretty bytes.Buffer
		if json.Indent(&pretty, env.Hardware, "", "  ") == nil {
			p.Hardware = pretty.String()
		} else {
			p.Hardware = string(env.Hardware)
		}
	}
	keys := make([]string, 0, len(env.Overhead))
	for k := range env.Overhead {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		p.Overhead = append(p.Overhead, [2]string{k, FormatValue(env.Overhead[k], "")})
	}
	for _, v := range d.Variables {
		p.Variables = append(p.Variables, [3]string{v.Name, string(v.Value), v.Source})
	}

	var overview []forestRow
	for i, wa := range a.Workloads {
		hw := htmlWorkloadView(wa, i, d)
		p.Workloads = append(p.Workloads, hw)
		for _, arm := range wa.Arms {
			if !arm.Baseline {
				overview = append(overview, forestRow{Group: wa.Name, Label: arm.Name, Est: arm.Rel, Verdict: arm.Verdict, Note: noteFor(arm)})
			}
		}
		for _, arm := range wa.Source.Arms {
			p.Arms = append(p.Arms, htmlArmDetail{Workload: wa.Name, Name: arm.Name, Runner: arm.Runner, Status: arm.Status,
				Config: prettyJSON(arm.Config), Info: prettyAny(arm.Info), Stderr: arm.Stderr})
		}
	}
	if len(a.Workloads) > 1 && len(overview) > 0 {
		p.Overview = forestPlot(overview, a.Workloads[0].Confidence, 0, "every arm's relative difference from its baseline")
	}
	return p
}

func noteFor(arm *ArmAnalysis) string {
	if arm.Status != results.ArmOK {
		return arm.Status
	}
	return "not compared"
}

func htmlWorkloadView(wa *WorkloadAnalysis, i int, d *results.Document) htmlWorkload {
	hw := htmlWorkload{
		ID: fmt.Sprintf("w%d", i+1), Name: wa.Name, Description: wa.Source.Description,
		Metric: metric.Title(wa.Metric), Better: wa.Better.Word(), Headline: wa.Headline(),
		Confidence: fmt.Sprintf("%g%%", 100*wa.Confidence), HasEnergy: wa.HasEnergy(), HasTelemetry: wa.HasTelemetry(),
		Summary: fmt.Sprintf("%s; %s: %s", wa.BlockCounts(), wa.Status, wa.StopReason),
		Notes:   armNotes(wa), StatisticsLegend: statisticsLegend,
		HasPublished: wa.HasPublished(), HasModelSize: wa.HasModelSize(),
	}
	if p := wa.Published; p != nil {
		hw.Published = &htmlPublished{Source: p.Source, Claim: p.Claim, URL: publishedURL(p)}
	}
	hw.Sequential = wa.Source.Sequential() || (wa.Source.Run == nil && d.Order == string(results.OrderSequential))
	var forest, energy []forestRow
	for k, arm := range wa.Arms {
		row := htmlRow{Name: arm.Name, Runner: arm.Runner, Baseline: arm.Baseline, Geomean: FormatValue(arm.Geomean, wa.Metric), Median: "—", P90: "—", P99: "—",
			N: fmt.Sprint(arm.Summary.N), Blocks: fmt.Sprint(len(arm.BlockValues)), Rel: FormatRel(arm.Rel),
			Verdict: string(arm.Verdict), VerdictClass: chart.VerdictClass(arm.Verdict)}
		if arm.Summary.N > 0 {
			row.Median, row.P90, row.P99 = FormatValue(arm.Summary.Median, wa.Metric), FormatValue(arm.Summary.P90, wa.Metric), FormatValue(arm.Summary.P99, wa.Metric)
			if arm.failed() {
				row.Verdict, row.VerdictClass = arm.Status, "bad"
			}
		} else {
			row.Verdict, row.VerdictClass = arm.noDataVerdict(), "neutral"
			if arm.Status == results.ArmFailed {
				row.VerdictClass = "bad"
			}
		}
		if arm.Baseline {
			row.Rel = "—"
		}
		if hw.HasEnergy {
			cells := energyCells(arm)
			row.Energy, row.EnergyRel = cells[0], cells[1]
			if arm.Energy != nil {
				row.EnergyClass = chart.VerdictClass(arm.Energy.Verdict)
			}
		}
		if hw.HasTelemetry {
			row.Throttled = throttleCell(arm)
		}
		if hw.HasPublished {
			row.Published = orDash(arm.Published)
		}
		if hw.HasModelSize {
			row.ModelSize = "—"
			if arm.ModelBytes > 0 {
				row.ModelSize = formatModelBytes(arm.ModelBytes)
			}
		}
		row.Speedup = armSpeedFactor(wa, arm)
		hw.Rows = append(hw.Rows, row)
		if len(arm.BlockValues) > 0 || arm.FailedBlocks > 0 { // arms with nothing drawn stay out of the legend
			hw.Legend = append(hw.Legend, htmlLegend{Name: arm.Name, Color: chart.ArmColor(k), Marker: chart.Swatch(k)})
		}
		if !arm.Baseline {
			forest = append(forest, forestRow{Label: arm.Name, Est: arm.Rel, Verdict: arm.Verdict, Note: noteFor(arm)})
			if arm.Energy != nil {
				energy = append(energy, forestRow{Label: arm.Name, Est: arm.Energy.Rel, Verdict: arm.Energy.Verdict, Note: "not compared"})
			}
		}
	}
	if len(forest) > 0 {
		hw.Forest = forestPlot(forest, wa.Confidence, 0, "relative difference from the baseline of "+wa.Name)
	}
	hw.Timeline = timelinePlot(wa, "per-block values of "+wa.Name)
	hw.Distribution = distributionPlot(wa, "distribution of every timed iteration of "+wa.Name)
	switch {
	case hw.Timeline == "" && hw.Distribution == "":
		hw.PlotNote = "No plots: no arm has a value in a measured block."
	case hw.Forest == "" && len(forest) > 0:
		hw.PlotNote = "No forest plot: no arm could be compared with the baseline."
	}
	if len(energy) > 0 {
		hw.Energy = forestPlot(energy, wa.Confidence, 0, "energy per iteration relative to the baseline of "+wa.Name)
	}
	return hw
}

func prettyJSON(raw json.RawMessage) string {
	if len(raw) == 0 {
		return ""
	}
	var b bytes.Buffer
	if json.Indent(&b, raw, "", "  ") != nil {
		return string(raw)
	}
	return b.String()
}

func prettyAny(v map[string]any) string {
	if len(v) == 0 {
		return ""
	}
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return fmt.Sprint(v)
	}
	return strings.TrimSpace(string(b))
}
