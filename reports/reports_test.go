package reports

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"io"
	"math"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/benchy-dev/benchy/csvstats"
	"github.com/benchy-dev/benchy/internal/golden"
	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

func load(t *testing.T, name string) *results.Document {
	t.Helper()
	doc, err := results.ReadFile(filepath.Join("testdata", name+".json"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

var docs = []string{"gpu", "cpu", "xss"}

func TestGoldenText(t *testing.T) {
	for _, name := range docs {
		for _, color := range []bool{false, true} {
			var b bytes.Buffer
			if err := textReport(&b, Analyze(load(t, name)), Options{Color: color}); err != nil {
				t.Fatal(err)
			}
			suffix := ".txt"
			if color {
				suffix = ".color.txt"
			}
			golden.Check(t, filepath.Join("testdata", "golden", name+suffix), b.Bytes())
			if hasANSI := strings.Contains(b.String(), "\x1b["); hasANSI != color {
				t.Errorf("%s: color=%v but ANSI escapes present=%v", name, color, hasANSI)
			}
		}
	}
}

func TestGoldenMarkdown(t *testing.T) {
	for _, name := range docs {
		var b bytes.Buffer
		if err := markdownReport(&b, Analyze(load(t, name)), Options{}); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "golden", name+".md"), b.Bytes())
		checkDetailsBalanced(t, b.String())
	}
}

func TestGoldenJSON(t *testing.T) {
	for _, name := range []string{"gpu", "cpu"} {
		var b bytes.Buffer
		if err := jsonReport(&b, Analyze(load(t, name))); err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join("testdata", "golden", name+".analysis.json"), b.Bytes())
		var v struct {
			Schema string `json:"schema"`
		}
		if err := json.Unmarshal(b.Bytes(), &v); err != nil || v.Schema != analysisSchema {
			t.Errorf("%s: schema %q, err %v", name, v.Schema, err)
		}
	}
}

// outsideCode removes fenced code blocks and inline code spans from
// Markdown, which GitHub shows as literal text.
func outsideCode(md string) string {
	var out []string
	fence := ""
	for _, line := range strings.Split(md, "\n") {
		switch {
		case fence != "":
			if line == fence {
				fence = ""
			}
			continue
		case strings.HasPrefix(line, "```"):
			fence = strings.TrimRight(line, "abcdefghijklmnopqrstuvwxyz")
			continue
		}
		out = append(out, line)
	}
	return regexp.MustCompile("`[^`\n]*`").ReplaceAllString(strings.Join(out, "\n"), "")
}

func checkDetailsBalanced(t *testing.T, md string) {
	t.Helper()
	md = outsideCode(md)
	if o, c := strings.Count(md, "<details>"), strings.Count(md, "</details>"); o != c {
		t.Errorf("%d <details> but %d </details>", o, c)
	}
}

func TestTelemetryAnalysis(t *testing.T) {
	a := Analyze(load(t, "gpu"))
	w1, w2 := a.Workloads[0], a.Workloads[1]
	byName := func(wa *WorkloadAnalysis, name string) *ArmAnalysis {
		for _, arm := range wa.Arms {
			if arm.Name == name {
				return arm
			}
		}
		t.Fatalf("no arm %s in %s", name, wa.Name)
		return nil
	}
	tests := []struct {
		w                           *WorkloadAnalysis
		arm                         string
		telemetry, throttled, eBlks int
		energyVerdict               metric.Verdict
	}{
		{w1, "onnx/precision=fp32", 8, 0, 8, metric.Baseline},
		{w1, "onnx/precision=fp16", 8, 2, 8, metric.Better},
		{w1, "onnx/precision=int8", 8, 1, 8, metric.Better},
		{w2, "onnx/precision=fp16", 8, 0, 7, metric.NoDifference}, // block 3's energy counter failed
		{w2, "onnx/precision=int8", 3, 0, 3, metric.NotCompared},  // failed from block 4 on: a crash gets no verdict
	}
	for _, tc := range tests {
		arm := byName(tc.w, tc.arm)
		if arm.TelemetryBlocks != tc.telemetry || arm.ThrottledBlocks != tc.throttled {
			t.Errorf("%s %s: telemetry %d throttled %d, want %d and %d", tc.w.Name, tc.arm, arm.TelemetryBlocks, arm.ThrottledBlocks, tc.telemetry, tc.throttled)
		}
		if arm.Energy == nil || arm.Energy.Blocks != tc.eBlks || arm.Energy.Verdict != tc.energyVerdict {
			t.Errorf("%s %s: energy %+v, want %d blocks, verdict %q", tc.w.Name, tc.arm, arm.Energy, tc.eBlks, tc.energyVerdict)
		}
	}
	// fp16 at 224x320 runs at 285 W for 2.3 ms: about 0.66 J per iteration,
	// against 310 W × 4.1 ms = 1.27 J for fp32.
	fp16 := byName(w1, "onnx/precision=fp16")
	if m := fp16.Energy.Summary.Median; math.Abs(m-0.655) > 0.03 {
		t.Errorf("fp16 median energy %v J, want about 0.655", m)
	}
	if r := fp16.Energy.Rel; r == nil || !(r.CILo < -0.45 && r.CIHi > -0.51 && r.Estimate < -0.46 && r.Estimate > -0.50) {
		t.Errorf("fp16 energy vs fp32 = %+v, want about -48%%", r)
	}
	if got := strings.Join(fp16.ThrottleReasons, ","); got != "sw_power_cap,sw_thermal_slowdown" {
		t.Errorf("throttle reasons %q", got)
	}
	// Without telemetry nothing is invented.
	for _, wa := range Analyze(load(t, "cpu")).Workloads {
		if wa.HasEnergy() || wa.HasTelemetry() {
			t.Errorf("%s: telemetry reported for a document without any", wa.Name)
		}
	}
}

// decodeTelemetry reads raw as an ArmRun's telemetry and returns what
// reports show of it; ok is false when raw is not telemetry.
func decodeTelemetry(raw []byte) (telemetry, bool) {
	var rt *results.Telemetry
	if len(raw) > 0 && json.Unmarshal(raw, &rt) != nil {
		return telemetry{}, false
	}
	return telemetryOf(rt)
}

func TestTelemetryOf(t *testing.T) {
	tests := []struct {
		raw     string
		ok      bool
		reasons string
		clock   float64
	}{
		{``, false, "", 0},
		{`null`, false, "", 0},
		{`{"throttled":true,"reasons":["hw_slowdown"],"before":[{"sm_mhz":1000}],"after":[{"sm_mhz":1200},{"error":"GPU is lost","sm_mhz":0}]}`, true, "hw_slowdown", 1100},
		// A mask recorded as a number reads by name, as a list does.
		{`{"throttled":true,"reasons":12}`, true, "sw_power_cap,hw_slowdown", 0},
		{`{"throttled":true,"reasons":["no_such_reason"]}`, false, "", 0},
		{`{"throttled":`, false, "", 0},
	}
	for _, tc := range tests {
		got, ok := decodeTelemetry([]byte(tc.raw))
		if ok != tc.ok || strings.Join(got.Reasons, ",") != tc.reasons || got.SMClockMHz != tc.clock {
			t.Errorf("decodeTelemetry(%s) = %+v, %v", tc.raw, got, ok)
		}
	}
}

// forbidden matches markup that only a results document could have put
// into a report: benchy's own output never contains it.
var forbidden = regexp.MustCompile(`(?i)<script|<img|<h1>host|<b>|<i>|<svg onload|</td><script|</pre><script`)

func TestHTMLEscapesEverything(t *testing.T) {
	doc := load(t, "xss")
	var b bytes.Buffer
	if err := htmlReport(&b, Analyze(doc)); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	if m := forbidden.FindAllString(out, -1); len(m) > 0 {
		t.Errorf("unescaped markup from the document in the HTML: %q", m)
	}
	for _, want := range []string{
		"&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;",     // workload and arm names
		"&lt;img src=x onerror=alert(1)&gt;&amp;&#34;q&#34;",  // suite path
		"base &#34;quoted&#34; &amp; &lt;b&gt;bold&lt;/b&gt;", // quotes and ampersands
		"arm&#39;single&#39; &amp; amp;",                      // single quotes, a literal "amp;"
		// the published citation and per-arm figures
		"&lt;script&gt;alert(&#34;source&#34;)&lt;/script&gt; &amp; &#34;Pixel 1&#34;",
		"&lt;img src=x onerror=alert(&#34;claim&#34;)&gt; &amp; &#34;32x&#34;",
		"&lt;b&gt;275.3 ms&lt;/b&gt; &amp; 98.1 MB",
		"&lt;/td&gt;&lt;script&gt;alert(&#34;figure&#34;)&lt;/script&gt;",
		// the citation's address, percent-encoded inside href
		`href="https://example.org/x%22%3e%3cscript%3ealert%28%22url%22%29%3c/script%3e%28y%29"`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks the escaped text %q", want)
		}
	}
	checkSVGs(t, out, 3)
}

func TestHTMLEscapesEverythingInMarkdown(t *testing.T) {
	var b bytes.Buffer
	if err := markdownReport(&b, Analyze(load(t, "xss")), Options{}); err != nil {
		t.Fatal(err)
	}
	// Outside code (which GitHub shows as text), no raw markup may survive.
	out := b.String()
	if m := forbidden.FindAllString(outsideCode(out), -1); len(m) > 0 {
		t.Errorf("unescaped markup in the Markdown: %q", m)
	}
	// The source holds a ``` run, so its fence must be longer.
	if !strings.Contains(out, "````hcl\n") {
		t.Error("the suite source's fence is not longer than the ``` inside it")
	}
}

// checkSVGs parses every <svg> of the page as XML and counts them.
func checkSVGs(t *testing.T, page string, atLeast int) {
	t.Helper()
	re := regexp.MustCompile(`(?s)<svg xmlns=.*?</svg>`)
	svgs := re.FindAllString(page, -1)
	if len(svgs) < atLeast {
		t.Errorf("%d plots, want at least %d", len(svgs), atLeast)
	}
	for i, s := range svgs {
		d := xml.NewDecoder(strings.NewReader(s))
		for {
			_, err := d.Token()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("svg %d is not well-formed XML: %v\n%.300s", i, err, s)
				break
			}
		}
	}
}

func TestHTMLPlotsAndSections(t *testing.T) {
	var b bytes.Buffer
	if err := htmlReport(&b, Analyze(load(t, "gpu"))); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, want := range []string{
		`class="plot forest"`, `class="plot timeline"`, `class="plot distribution"`,
		`Content-Security-Policy`, `id="overview"`, `<details><summary>Suite source</summary>`,
		`<details><summary>Environment</summary>`, `class="throttled"`, "energy/iter", "75c5747a9a98",
		"Energy per iteration", "NVIDIA H100 80GB HBM3",
		`<p class="citation">Published (<cite><a href="https://example.org/tao/bodyposenet" rel="noreferrer">NVIDIA TAO BodyPoseNet notebook, GeForce RTX 2080, TensorRT</a></cite>): BodyPoseNet is about 9x faster than OpenPose</p>`,
		`<td class="num">4.09 ms</td><td class="num published">—</td><td class="num">67.2 MB (64.1 MiB)</td>`,
		`<td class="num published">2.27 ms</td><td class="num">33.6 MB (32.1 MiB)</td>`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("HTML lacks %q", want)
		}
	}
	// Three throttled runs in the first workload are ringed on its timeline.
	if n := strings.Count(out, `<circle cx=`) - 0; n == 0 {
		t.Error("no marks")
	}
	if n := strings.Count(out, `r="8" class="throttled"`); n != 3 {
		t.Errorf("%d throttled marks, want 3", n)
	}
	// The only addresses are the SVG namespace and the links a reader may
	// follow to the published source (the suite's url); nothing is loaded.
	offline := regexp.MustCompile(`<a href="https?://[^"]*" rel="noreferrer">`).ReplaceAllString(out, "")
	if strings.Contains(offline, "http://") && strings.Count(offline, "http://") != strings.Count(offline, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("the page refers to the network")
	}
	if strings.Contains(offline, "https://") {
		t.Error("the page refers to the network")
	}
	checkSVGs(t, out, 8)
	// The skipped arm has nothing drawn, so it has no legend entry, but the
	// forest plots say it was skipped.
	if strings.Contains(out, "<span>tensorrt/precision=int8</span>") || !strings.Contains(out, ">skipped</text>") {
		t.Error("the skipped arm is in the legend, or missing from the forest plot")
	}
	// No telemetry, no energy or throttling.
	b.Reset()
	if err := htmlReport(&b, Analyze(load(t, "cpu"))); err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"energy/iter", `class="throttled"`, "Energy per iteration", ">published</th>", ">model size</th>", `class="citation"`} {
		if strings.Contains(b.String(), bad) {
			t.Errorf("CPU report shows %q", bad)
		}
	}
}

func TestMarkdownSizeCap(t *testing.T) {
	doc := load(t, "cpu")
	// Many copies of the workloads make a report far beyond the cap.
	base := doc.Workloads
	for i := range 60 {
		for _, w := range base {
			c := *w
			c.Name = fmt.Sprintf("%s/copy=%d", w.Name, i)
			doc.Workloads = append(doc.Workloads, &c)
		}
	}
	var full bytes.Buffer
	if err := markdownReport(&full, Analyze(doc), Options{MaxBytes: 1 << 30}); err != nil {
		t.Fatal(err)
	}
	for _, limit := range []int{maxCommentBytes, 20000, 3000} {
		var b bytes.Buffer
		if err := markdownReport(&b, Analyze(doc), Options{MaxBytes: limit}); err != nil {
			t.Fatal(err)
		}
		if b.Len() > limit {
			t.Errorf("limit %d: %d bytes", limit, b.Len())
		}
		if !strings.Contains(b.String(), "Left out to stay within") {
			t.Errorf("limit %d: no note says what was left out", limit)
		}
		if !strings.HasPrefix(b.String(), "## benchy: ") {
			t.Errorf("limit %d: the headline went", limit)
		}
		checkDetailsBalanced(t, b.String())
	}
	if full.Len() <= maxCommentBytes {
		t.Fatalf("the test document is too small (%d bytes) to test the cap", full.Len())
	}
	if strings.Contains(full.String(), "Left out") {
		t.Error("nothing should be left out without a cap")
	}
}

func TestBenchfmt(t *testing.T) {
	var b bytes.Buffer
	if err := benchfmtExport(&b, load(t, "gpu")); err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "gpu.bench.txt"), b.Bytes())
	lines := strings.Split(b.String(), "\n")
	n := 0
	re := regexp.MustCompile(`^BenchmarkBodyposenet/resolution=(224x320|288x384)/arm=onnx/precision=(fp32|fp16|int8)\t\d+\t[0-9.e+]+ ns/op(\t[0-9.e+-]+ J/op)?$`)
	for _, l := range lines {
		if strings.HasPrefix(l, "Benchmark") {
			n++
			if !re.MatchString(l) {
				t.Errorf("bad line %q", l)
			}
		}
	}
	// 8 measured blocks × 3 arms, then 8 × 2 + 3 measured blocks before
	// int8 failed.
	if n != 24+19 {
		t.Errorf("%d benchmark lines, want 43", n)
	}
	for _, cfg := range []string{"goos: linux", "goarch: amd64", "benchy-seed: 42", "benchy-gpu-0: NVIDIA H100"} {
		if !strings.Contains(b.String(), cfg) {
			t.Errorf("no %q configuration line", cfg)
		}
	}
	b.Reset()
	if err := benchfmtExport(&b, load(t, "cpu")); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), "Unit rows/s better=higher\n") || !strings.Contains(b.String(), " rows/s\n") {
		t.Errorf("throughput metric not declared higher-is-better:\n%s", b.String())
	}
}

func TestBenchmarkName(t *testing.T) {
	tests := []struct{ w, a, want string }{
		{"bodyposenet/resolution=224x320", "onnx/precision=fp16", "BenchmarkBodyposenet/resolution=224x320/arm=onnx/precision=fp16"},
		{"sleep", "slower", "BenchmarkSleep/arm=slower"},
		{"two words", "a\tb", "BenchmarkTwo_words/arm=a_b"},
		{"w", "v-2", "BenchmarkW/arm=v-2_"}, // not GOMAXPROCS
		{"", "a", "Benchmark/arm=a"},
	}
	for _, tc := range tests {
		if got := benchmarkName(tc.w, tc.a); got != tc.want {
			t.Errorf("BenchmarkName(%q, %q) = %q, want %q", tc.w, tc.a, got, tc.want)
		}
	}
}

func TestCSV(t *testing.T) {
	doc := load(t, "gpu")
	var b bytes.Buffer
	if err := csvExport(&b, doc); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&b).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if strings.Join(rows[0], ",") != strings.Join(csvHeader, ",") {
		t.Fatalf("header %v", rows[0])
	}
	samples, failed := 0, 0
	for _, w := range doc.Workloads {
		for _, blk := range w.Blocks {
			for _, r := range blk.Runs {
				samples += len(r.NS)
				if r.Error != "" {
					failed++
				}
			}
		}
	}
	if len(rows)-1 != samples+failed {
		t.Errorf("%d rows, want %d samples + %d failed runs", len(rows)-1, samples, failed)
	}
	col := map[string]int{}
	for i, h := range csvHeader {
		col[h] = i
	}
	var sum float64
	var errs, throttled int
	for _, r := range rows[1:] {
		if r[col["error"]] != "" {
			errs++
			if r[col["value"]] != "" {
				t.Errorf("failed run with a value: %v", r)
			}
			continue
		}
		var v float64
		fmt.Sscan(r[col["value"]], &v)
		sum += v
		if r[col["throttled"]] == "true" {
			throttled++
		}
	}
	var want float64
	for _, w := range doc.Workloads {
		for _, blk := range w.Blocks {
			for _, r := range blk.Runs {
				for _, ns := range r.NS {
					want += float64(ns)
				}
			}
		}
	}
	if sum != want || errs != failed {
		t.Errorf("sum %v want %v; %d error rows want %d", sum, want, errs, failed)
	}
	if throttled != 3*5 { // three throttled runs of five iterations
		t.Errorf("%d throttled sample rows, want 15", throttled)
	}
}

func TestBencher(t *testing.T) {
	a := Analyze(load(t, "gpu"))
	var b bytes.Buffer
	if err := bencherExport(&b, a); err != nil {
		t.Fatal(err)
	}
	var got map[string]map[string]struct {
		Value      float64  `json:"value"`
		LowerValue *float64 `json:"lower_value"`
		UpperValue *float64 `json:"upper_value"`
	}
	if err := json.Unmarshal(b.Bytes(), &got); err != nil {
		t.Fatal(err)
	}
	// 3 + 3 arms with values (the skipped arm has none).
	if len(got) != 6 {
		t.Errorf("%d benchmarks, want 6: %v", len(got), got)
	}
	fp16 := got["bodyposenet/resolution=224x320/arm=onnx/precision=fp16"]
	arm := a.Workloads[0].Arms[1]
	var mean float64
	for _, v := range arm.BlockValues {
		mean += v / float64(len(arm.BlockValues))
	}
	lat := fp16["latency"]
	if math.Abs(lat.Value-mean) > 1e-6*mean || lat.LowerValue == nil || !(*lat.LowerValue < mean && *lat.UpperValue > mean) {
		t.Errorf("latency %+v, want mean %v inside its CI", lat, mean)
	}
	rel := fp16["relative-difference"]
	if math.Abs(rel.Value-100*arm.Rel.Estimate) > 1e-9 || *rel.LowerValue != 100*arm.Rel.CILo {
		t.Errorf("relative-difference %+v vs %+v", rel, arm.Rel)
	}
	if _, ok := fp16["energy-per-iteration"]; !ok {
		t.Error("no energy measure")
	}
	if _, ok := got["bodyposenet/resolution=224x320/arm=onnx/precision=fp32"]["relative-difference"]; ok {
		t.Error("the baseline has a relative difference")
	}
	b.Reset()
	if err := bencherExport(&b, Analyze(load(t, "cpu"))); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(b.String(), `"rows-s"`) {
		t.Errorf("throughput measure not named after the metric: %s", b.String())
	}
}

func TestHeadline(t *testing.T) {
	tests := []struct{ doc, want string }{
		{"gpu", "3 comparisons in 2 workload instances: 2 faster, 1 no significant difference, 2 not compared (1 arm failed, 1 arm skipped)"},
		{"xss", "1 comparison in 1 workload instance: 1 slower, 1 not compared (1 arm failed)"},
		{"cpu", "3 comparisons in 2 workload instances: 2 faster, 1 worse"},
	}
	for _, tc := range tests {
		if got := Analyze(load(t, tc.doc)).Headline(); got != tc.want {
			t.Errorf("%s: %q\nwant %q", tc.doc, got, tc.want)
		}
	}
	// One comparison is told in words.
	doc := load(t, "cpu")
	doc.Workloads = doc.Workloads[1:]
	want := "v2 is worse than v1 by 8.2% (95% CI -8.7% to -7.6%)" // 1.1e6 vs 1.2e6 rows/s, higher is better
	if got := Analyze(doc).Headline(); got != want {
		t.Errorf("single comparison: %q\nwant %q", got, want)
	}
}

func TestTukey(t *testing.T) {
	b := tukey([]float64{1, 2, 3, 4, 5, 6, 7, 8, 9, 100})
	if b.med != 5.5 || b.hi != 9 || len(b.outliers) != 1 {
		t.Errorf("tukey = %+v", b)
	}
}

func TestSpeedFactor(t *testing.T) {
	for rel, want := range map[float64]string{-0.867: "7.52×", -0.5: "2×", -0.4: "", 0: "", 0.99: "", 1: "2×", 24: "25×", -1: ""} {
		if got := speedFactor(rel); got != want {
			t.Errorf("speedFactor(%v) = %q, want %q", rel, got, want)
		}
	}
	wa := &WorkloadAnalysis{Metric: "ns/op"}
	cases := []struct {
		name   string
		metric string
		rel    *stats.Estimate
		want   string
	}{
		{"significant, 4× faster", "ns/op", &stats.Estimate{Estimate: -0.75, CILo: -0.8, CIHi: -0.7, Significant: true}, "faster (4×)"},
		{"significant, 3× slower", "ns/op", &stats.Estimate{Estimate: 2, CILo: 1.5, CIHi: 2.5, Significant: true}, "slower (3×)"},
		{"not significant", "ns/op", &stats.Estimate{Estimate: -0.75, CILo: -0.95, CIHi: 0.1}, "faster"},
		{"not a time", "images/s", &stats.Estimate{Estimate: -0.75, CILo: -0.8, CIHi: -0.7, Significant: true}, "faster"},
		{"baseline", "ns/op", nil, "faster"},
	}
	for _, tc := range cases {
		wa.Metric = tc.metric
		if got := verdictWithFactor(wa, &ArmAnalysis{Rel: tc.rel}, strings.Fields(tc.want)[0]); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

// TestTextEscapesControlCharacters: recorded text (a failing command's
// coloured stderr, names, reasons) cannot drive the terminal; benchy's own
// colour codes stay.
func TestTextEscapesControlCharacters(t *testing.T) {
	doc := load(t, "cpu")
	w := doc.Workloads[0]
	w.Name = "w\x1b]0;pwned\x07"
	w.Arms[1].Status, w.Arms[1].Reason = results.ArmFailed, "exec: tool: exit status 1: \x1b[31merror:\x1b[0m bad\n\tsecond line\u009b2J"
	var b bytes.Buffer
	if err := textReport(&b, Analyze(doc), Options{Color: true}); err != nil {
		t.Fatal(err)
	}
	out := b.String()
	for _, bad := range []string{"\x1b]0;", "\x07", "\x1b[31merror", "\u009b"} {
		if strings.Contains(out, bad) {
			t.Errorf("raw control sequence %q reached the terminal:\n%s", bad, out)
		}
	}
	for _, want := range []string{`w\x1b]0;pwned\x07`, `\x1b[31merror:\x1b[0m bad` + "\n    \tsecond line" + `\u009b2J`, "\x1b[32mfaster\x1b[0m"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
}

// TestMarkdownAnyMaxBytes: whatever the cap, the report is never longer,
// never a panic, and stays valid UTF-8. Caps from 150 to 299 used to slice
// out of range.
func TestMarkdownAnyMaxBytes(t *testing.T) {
	limits := []int{1, 2, 3, 10, 23, 24, 25, 26, 100}
	for n := 140; n <= 320; n++ {
		limits = append(limits, n)
	}
	limits = append(limits, 500, 1000, 1500, 2000, 4096, 10000)
	for _, name := range docs {
		a := Analyze(load(t, name))
		var full bytes.Buffer
		if err := markdownReport(&full, a, Options{MaxBytes: 1 << 30}); err != nil {
			t.Fatal(err)
		}
		for _, limit := range limits {
			var b bytes.Buffer
			if err := markdownReport(&b, a, Options{MaxBytes: limit}); err != nil {
				t.Fatalf("%s, limit %d: %v", name, limit, err)
			}
			if b.Len() > limit {
				t.Errorf("%s, limit %d: %d bytes", name, limit, b.Len())
			}
			if !utf8.Valid(b.Bytes()) {
				t.Errorf("%s, limit %d: cut inside a character", name, limit)
			}
			if limit >= full.Len() && b.String() != full.String() {
				t.Errorf("%s, limit %d: a report that fits was changed", name, limit)
			}
			if b.Len() < full.Len() && limit > 100 && !strings.Contains(b.String(), "truncated") && !strings.Contains(b.String(), "Left out") {
				t.Errorf("%s, limit %d: shortened without saying so:\n%s", name, limit, b.String())
			}
		}
	}
}

// TestBenchfmtBaselineFirst: whichever arm ran first, each block's lines
// start with the baseline, so that benchstat (which compares with the first
// column it sees) compares with it; the other arms follow the suite's order.
func TestBenchfmtBaselineFirst(t *testing.T) {
	doc := mkDoc("w", "lower", []string{"ref", "fast", "slow"}, [][]float64{{100, 101}, {50, 51}, {200, 201}})
	w := doc.Workloads[0]
	w.Arms[0].Baseline, w.Arms[1].Baseline = false, true // "fast" is the baseline, declared second
	for _, b := range w.Blocks {
		slices.Reverse(b.Runs) // "slow" ran first, the baseline second
		b.Order = []string{"slow", "fast", "ref"}
	}
	var b bytes.Buffer
	if err := benchfmtExport(&b, doc); err != nil {
		t.Fatal(err)
	}
	var arms []string
	for _, l := range strings.Split(b.String(), "\n") {
		if name, _, ok := strings.Cut(l, "\t"); ok && strings.HasPrefix(name, "Benchmark") {
			arms = append(arms, strings.TrimPrefix(name, "BenchmarkW/arm="))
		}
	}
	if want := []string{"fast", "ref", "slow", "fast", "ref", "slow"}; !slices.Equal(arms, want) {
		t.Errorf("arms in the order %v, want %v", arms, want)
	}
}

// TestRunReportsSpeakNoGateLanguage: a plain run is an exploratory
// comparison: its reports say faster/slower (better/worse), never the
// gate's "regressed"/"improved", and an arm slower than its baseline does
// not paint the HTML headline red; a failed arm does.
func TestRunReportsSpeakNoGateLanguage(t *testing.T) {
	slower := mkDoc("w", "lower", []string{"base", "a", "b"}, [][]float64{{100, 101, 99, 100}, {150, 151, 149, 150}, {160, 161, 159, 160}})
	failed := mkDoc("w", "lower", []string{"base", "a", "b"}, [][]float64{{100, 101, 99, 100}, {150, 151, 149, 150}, {160, 161, 159, 160}})
	failed.Workloads[0].Arms[2].Status, failed.Workloads[0].Arms[2].Reason = results.ArmFailed, "exit status 1"
	tests := []struct {
		name     string
		doc      *results.Document
		headline string
		class    string
	}{
		{"two slower arms", slower, "2 comparisons in 1 workload instance: 2 slower", "neutral"},
		{"a failed arm", failed, "1 comparison in 1 workload instance: 1 slower, 1 not compared (1 arm failed)", "bad"},
	}
	for _, tc := range tests {
		a := Analyze(tc.doc)
		if got := a.Headline(); got != tc.headline {
			t.Errorf("%s: headline %q, want %q", tc.name, got, tc.headline)
		}
		var md, page, js, text bytes.Buffer
		for _, err := range []error{markdownReport(&md, a, Options{}), htmlReport(&page, a), jsonReport(&js, a), textReport(&text, a, Options{})} {
			if err != nil {
				t.Fatal(err)
			}
		}
		for format, out := range map[string]string{"markdown": md.String(), "html": page.String(), "json": js.String(), "text": text.String()} {
			if strings.Contains(out, "regressed") || strings.Contains(out, "improved") {
				t.Errorf("%s: the %s report speaks of regressed/improved", tc.name, format)
			}
		}
		if want := `<p class="headline ` + tc.class + `">`; !strings.Contains(page.String(), want) {
			t.Errorf("%s: HTML headline is not %q", tc.name, want)
		}
	}
}

// TestGeomeanAgreesWithEstimate: the table's geomean column is the
// statistic the estimate compares, so that where an arm ran in every block
// the baseline ran in, geomean ÷ baseline geomean − 1 is the estimate
// (the +61% medians beside a +21.7% estimate a user saw cannot recur
// unlabelled); the paired comparison's base and head columns agree too.
func TestGeomeanAgreesWithEstimate(t *testing.T) {
	checked := 0
	for _, name := range []string{"cpu", "gpu"} {
		doc := load(t, name)
		a := Analyze(doc)
		c, err := ComparePaired(doc, CompareOptions{Uncorrected: true})
		if err != nil {
			t.Fatal(err)
		}
		rows := map[string]*CompareRow{}
		for _, r := range c.Rows {
			rows[r.Workload+"/"+r.Arm] = r
		}
		for _, wa := range a.Workloads {
			base := wa.Baseline()
			for _, arm := range wa.Arms {
				if arm.Rel == nil || len(arm.BlockValues) != len(base.BlockValues) {
					continue
				}
				if got := arm.Geomean/base.Geomean - 1; !closeTo(got, arm.Rel.Estimate) {
					t.Errorf("%s %s: geomeans give %v, the estimate is %v", wa.Name, arm.Name, got, arm.Rel.Estimate)
				}
				if r := rows[wa.Name+"/"+arm.Name]; r == nil || !closeTo(r.BaseValue, base.Geomean) || !closeTo(r.HeadValue, arm.Geomean) ||
					!closeTo(r.HeadValue/r.BaseValue-1, r.Change) {
					t.Errorf("%s %s: compare row %+v disagrees with geomeans %v, %v", wa.Name, arm.Name, r, base.Geomean, arm.Geomean)
				}
				checked++
			}
		}
	}
	if checked < 4 {
		t.Fatalf("only %d arms checked", checked)
	}
	// Each format labels the column and says what it is.
	a := Analyze(load(t, "cpu"))
	var text, md, page, js bytes.Buffer
	for _, err := range []error{textReport(&text, a, Options{}), markdownReport(&md, a, Options{}), htmlReport(&page, a), jsonReport(&js, a)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	for format, want := range map[string][]string{
		"text":     {"│ geomean │", "geomean: geometric mean of the per-block means"},
		"markdown": {"| arm | geomean | median |", "geometric mean of the per-block means"},
		"html":     {">geomean</th>", "geometric mean of the per-block means"},
		"json":     {`"block_geomean": 85467397.6`},
	} {
		out := map[string]string{"text": text.String(), "markdown": md.String(), "html": page.String(), "json": js.String()}[format]
		for _, w := range want {
			if !strings.Contains(out, w) {
				t.Errorf("%s report lacks %q", format, w)
			}
		}
	}
}

// failedDoc is a run in which arms failed: "a" in every block (so it has
// no value and no estimate), "b" only after its second block ("some"), or
// in every block ("others"); with "every" the baseline fails too.
func failedDoc(mode string) *results.Document {
	everyFailed := mode == "every"
	doc := mkDoc("w", "lower", []string{"base", "a", "b"}, [][]float64{{100, 101, 99, 100}, {150, 151, 149, 150}, {160, 161, 159, 160}})
	w := doc.Workloads[0]
	for _, blk := range w.Blocks[1:] {
		for _, r := range blk.Runs {
			if r.Arm == "a" || everyFailed || (r.Arm == "b" && (blk.Index > 2 || mode == "others")) {
				r.NS, r.Error = nil, "exit status 1"
			}
		}
	}
	for _, arm := range w.Arms {
		if arm.Name != "base" || everyFailed {
			arm.Status, arm.Reason = results.ArmFailed, "failed: exit status 1"
		}
	}
	doc.StopReason = "1 workload(s) finished"
	return doc
}

// TestFailedArmsReported: a run with failed arms says so in the header and
// the final line of every format, and the HTML draws no plot without data
// (it used to draw an empty forest plot with a ±0.005% axis).
func TestFailedArmsReported(t *testing.T) {
	tests := []struct {
		name        string
		mode        string
		status      string
		plots       map[string]int
		plotNote    string
		failedNames string
	}{
		// b failed after 2 blocks: they are drawn, but it is not compared.
		{"some arms failed", "some", "complete; 2 of 3 arms failed", map[string]int{"forest": 0, "timeline": 1, "distribution": 1},
			"No forest plot: no arm could be compared with the baseline.", "w · a, w · b"},
		{"every arm but the baseline failed", "others", "complete; 2 of 3 arms failed", map[string]int{"forest": 0, "timeline": 1, "distribution": 1},
			"No forest plot: no arm could be compared with the baseline.", "w · a, w · b"},
		{"every arm failed", "every", "complete; 3 of 3 arms failed", map[string]int{"forest": 0, "timeline": 0, "distribution": 0}, "No plots: no arm has a value in a measured block.", "w · base, w · a, w · b"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := Analyze(failedDoc(tc.mode))
			if got := a.Status(); got != tc.status {
				t.Errorf("status %q, want %q", got, tc.status)
			}
			var text, md, page bytes.Buffer
			for _, err := range []error{textReport(&text, a, Options{}), markdownReport(&md, a, Options{}), htmlReport(&page, a)} {
				if err != nil {
					t.Fatal(err)
				}
			}
			if !strings.Contains(text.String(), "· "+tc.status+"\n") || !strings.Contains(text.String(), "run complete: 1 workload(s) finished; failed: "+tc.failedNames+"\n") {
				t.Errorf("text does not say what failed:\n%s", text.String())
			}
			if !strings.Contains(md.String(), "status **"+tc.status+"**") {
				t.Errorf("markdown does not say what failed:\n%s", md.String())
			}
			h := page.String()
			for _, want := range []string{"<dt>status</dt><dd>" + tc.status + "</dd>", "<dt>failed</dt><dd>" + tc.failedNames + "</dd>"} {
				if !strings.Contains(h, want) {
					t.Errorf("HTML lacks %q", want)
				}
			}
			for class, n := range tc.plots {
				if got := strings.Count(h, `class="plot `+class+`"`); got != n {
					t.Errorf("%d %s plots, want %d", got, class, n)
				}
			}
			if tc.plotNote != "" && !strings.Contains(h, tc.plotNote) {
				t.Errorf("HTML does not say why there are no plots")
			}
			if strings.Contains(h, "0.005%") || strings.Contains(h, "no measured samples") || strings.Contains(h, "no block has a value") {
				t.Error("HTML draws a plot without data")
			}
			// The stylesheet (chart/style.css) is left out of the golden file, so
			// that a change of style does not rewrite it.
			styled := regexp.MustCompile(`(?s)<style>.*?</style>`).ReplaceAll(page.Bytes(), []byte("<style>/* report.css */</style>"))
			golden.Check(t, filepath.Join("testdata", "golden", "failed-"+tc.mode+".html"), styled)
		})
	}
}

// fiveArmDoc is five arms of one workload instance, two of them far from
// the baseline (30.9× slower, 33× faster), with long instance names.
func fiveArmDoc() *results.Document {
	base := []float64{1000, 1010, 990, 1005, 995, 1002, 1001, 999}
	doc := mkDoc("bodyposenet/resolution=288x384", "lower",
		[]string{"onnx/precision=fp32", "onnx/precision=fp16", "onnx/precision=int8", "tensorrt/precision=int8", "python/numpy-reference"},
		[][]float64{base, scaled(base, 0.5), scaled(base, 0.1), scaled(base, 0.03), scaled(base, 30.9)})
	doc.StopReason = "1 workload(s) finished"
	doc.Workloads[0].StopReason = "every arm's 95% CI half-width is within ±2% after 8 blocks"
	return doc
}

// TestForestValuesFit: every forest plot's value column (estimate and CI)
// ends inside the figure's viewBox, however long the text.
func TestForestValuesFit(t *testing.T) {
	value := regexp.MustCompile(`<text x="([0-9.]+)"[^>]*class="value[^"]*">([^<]*)</text>`)
	for name, doc := range map[string]*results.Document{"five arms": fiveArmDoc(), "gpu": load(t, "gpu"), "xss": load(t, "xss")} {
		var b bytes.Buffer
		if err := htmlReport(&b, Analyze(doc)); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, svg := range regexp.MustCompile(`(?s)<svg[^>]*class="plot forest".*?</svg>`).FindAllString(b.String(), -1) {
			for _, m := range value.FindAllStringSubmatch(svg, -1) {
				var x float64
				fmt.Sscan(m[1], &x)
				text := html.UnescapeString(m[2])
				if end := x + valueCharWidth*float64(utf8.RuneCountInString(text)); end > 760 {
					t.Errorf("%s: %q ends at %.0f, beyond the plot's 760", name, text, end)
				}
				n++
			}
		}
		if n == 0 {
			t.Errorf("%s: no forest plot values found", name)
		}
	}
}

// TestLargeDifferencesAsRatios: from +1000% on, relative differences are
// ratios to the baseline, the estimate and both bounds alike, and nothing
// is ever in e-notation.
func TestLargeDifferencesAsRatios(t *testing.T) {
	tests := []struct {
		est, lo, hi float64
		want        string
	}{
		{0.031, 0.012, 0.05, "+3.1% [+1.2%, +5.0%]"},
		{-0.709, -0.714, -0.704, "-70.9% [-71.4%, -70.4%]"},
		{9.5, 8.0, 9.99, "+950.0% [+800.0%, +999.0%]"},
		{8.0, 6.0, 11.0, "9× [7×, 12×]"},
		{29.9, 27.1, 33.0, "30.9× [28.1×, 34×]"},
		{1519, 1400, 1650, "1520× [1401×, 1651×]"},
		{998.7, 990, 1000, "1000× [991×, 1001×]"},
		{-0.99997, -0.99999, -0.9999, "-100.0% [-100.0%, -100.0%]"},
	}
	for _, tc := range tests {
		e := &stats.Estimate{Estimate: tc.est, CILo: tc.lo, CIHi: tc.hi}
		got := FormatRel(e)
		if got != tc.want {
			t.Errorf("FormatRel(%v [%v, %v]) = %q, want %q", tc.est, tc.lo, tc.hi, got, tc.want)
		}
	}
	// Every rendering of the five-arm run, whose slowest arm is 30.9×.
	a := Analyze(fiveArmDoc())
	var text, md, page bytes.Buffer
	for _, err := range []error{textReport(&text, a, Options{Width: 200}), markdownReport(&md, a, Options{}), htmlReport(&page, a)} {
		if err != nil {
			t.Fatal(err)
		}
	}
	eNotation := regexp.MustCompile(`[0-9]e[+-][0-9]`)
	for format, out := range map[string]string{"text": text.String(), "markdown": md.String(), "html": page.String()} {
		if m := eNotation.FindString(out); m != "" {
			t.Errorf("%s report has e-notation %q", format, m)
		}
		if !regexp.MustCompile(`30\.9× \\?\[`).MatchString(out) {
			t.Errorf("%s report does not show the 30.9× ratio with its CI", format)
		}
	}
	if got := a.Workloads[0].Headline(); !strings.Contains(got, "python/numpy-reference slower by 30.9×") {
		t.Errorf("headline %q", got)
	}
}

// twoArmDoc is the quickstart's shape: a baseline and one arm 35% slower.
func twoArmDoc() *results.Document {
	base := []float64{14.8e6, 15.1e6, 14.6e6, 14.9e6, 15.3e6, 14.7e6}
	doc := mkDoc("sleep", "lower", []string{"baseline", "slower"}, [][]float64{base, scaled(base, 1.35)})
	doc.Benchy, doc.Suite.Path, doc.Seed = "v0.1.0-test", "builtin:quickstart", 7
	doc.StopReason = "1 workload(s) finished"
	doc.Workloads[0].StopReason = "precision reached after 6 blocks: widest 95% CI half-width ±0.00% (slower), target ±5%"
	return doc
}

// TestTextFitsWidth: the terminal report fits 80 and 120 columns for two
// and five arms (golden files), and at any width from 50 to 200 no line is
// wider: p99, then p90, then the median are left out (and named), and a
// table that still does not fit is stacked, one paragraph per arm.
func TestTextFitsWidth(t *testing.T) {
	for name, doc := range map[string]*results.Document{"2arms": twoArmDoc(), "5arms": fiveArmDoc()} {
		a := Analyze(doc)
		for _, width := range []int{80, 120} {
			var b bytes.Buffer
			if err := textReport(&b, a, Options{Width: width}); err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", fmt.Sprintf("text-%s-%d.txt", name, width)), b.Bytes())
		}
		for width := 50; width <= 200; width++ {
			var b bytes.Buffer
			if err := textReport(&b, a, Options{Width: width, Color: width%2 == 0}); err != nil {
				t.Fatal(err)
			}
			for _, line := range strings.Split(b.String(), "\n") {
				// The tables and stacked paragraphs fit; prose lines (the
				// heading with the suite's names, the stop reason) are the
				// terminal's to wrap.
				if !slices.ContainsFunc([]string{"┌", "│", "├", "└", "  ", "("}, func(p string) bool { return strings.HasPrefix(line, p) }) {
					continue
				}
				if w := visibleWidth(line); w > width {
					t.Errorf("%s at %d columns: a line of %d: %q", name, width, w, line)
				}
			}
			if !strings.Contains(b.String(), "vs baseline") || !strings.Contains(b.String(), "geomean") {
				t.Errorf("%s at %d columns: the estimate or its statistic is missing:\n%s", name, width, b.String())
			}
		}
	}
}

// TestTextFormatsEscapeControlCharacters: whatever a results document
// recorded (names, a description, a published claim, a failing arm's
// stderr, the suite path, the host), the formats that end up on a terminal
// (text, Markdown, CSV, and the comparison and calibration tables) and the
// HTML page show control characters as escapes and never pass them on raw.
func TestTextFormatsEscapeControlCharacters(t *testing.T) {
	const evil = "\x1b]0;pwned\x07\x1b[2J\u009b1m\r"
	doc := load(t, "cpu")
	doc.Suite.Path += evil
	doc.Environment.Host += evil
	w := doc.Workloads[0]
	w.Name += evil
	w.Description = "about" + evil
	w.Published = &results.Published{Source: "source" + evil, Claim: "claim" + evil, Arms: map[string]string{w.Arms[0].Name: "1 ms" + evil}}
	failed := w.Arms[slices.IndexFunc(w.Arms, func(a *results.Arm) bool { return !a.Baseline })]
	failed.Status, failed.Reason = results.ArmFailed, "exit status 1: "+evil
	for _, b := range w.Blocks { // it failed in every block, so the comparison gives its reason
		b.Runs = slices.DeleteFunc(b.Runs, func(r *results.ArmRun) bool { return r.Arm == failed.Name })
	}
	raw := func(r rune) bool {
		return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f)
	}
	check := func(what string, render func(io.Writer) error) {
		t.Helper()
		var b bytes.Buffer
		if err := render(&b); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
		if i := strings.IndexFunc(b.String(), raw); i >= 0 {
			t.Errorf("%s passes a raw control character on: %q", what, b.String()[max(0, i-40):min(b.Len(), i+20)])
		}
		if !strings.Contains(b.String(), `x1b`) { // Markdown doubles the backslash and escapes "]"
			t.Errorf("%s does not show the escaped text:\n%s", what, b.String())
		}
	}
	for _, f := range []Format{Text, Markdown, CSV, HTML} {
		check(string(f), func(w io.Writer) error { return Render(w, doc, f, Options{}) })
	}
	c, err := ComparePaired(doc, CompareOptions{})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range []Format{Text, Markdown} {
		check("comparison "+string(f), func(w io.Writer) error { return Render(w, c, f, Options{}) })
	}
	rep := &csvstats.Report{Input: "runs.csv" + evil, Estimator: "logratio", Scale: "log", Baseline: "a" + evil, Confidence: 0.95,
		Arms: []csvstats.Arm{{Arm: "b" + evil}}}
	check("csv analysis text", func(w io.Writer) error { return Render(w, rep, Text, Options{}) })
	cal := &Calibration{Suite: doc.Suite.Path, Order: doc.Order, Arms: 2}
	cal.AddRun(doc, "d")
	for _, f := range []Format{Text, Markdown} {
		check("calibration "+string(f), func(w io.Writer) error { return Render(w, cal, f, Options{}) })
	}
}

// TestSummaryKeepsTurnsOfIncompleteBlocks: an interrupted sequential run
// has only incomplete blocks (the baseline's turns finished, the other
// arm's never came); the baseline's summary still counts its iterations,
// nothing is compared, and an interrupted run is not a failed block.
func TestSummaryKeepsTurnsOfIncompleteBlocks(t *testing.T) {
	doc := load(t, "cpu")
	w := doc.Workloads[0]
	base := w.Arms[slices.IndexFunc(w.Arms, func(a *results.Arm) bool { return a.Baseline })]
	want := 0
	for _, b := range w.Blocks {
		b.Incomplete = true
		b.Runs = slices.DeleteFunc(b.Runs, func(r *results.ArmRun) bool { return r.Arm != base.Name })
		if !b.Warmup && len(b.Runs) == 1 {
			want += len(b.Runs[0].NS)
		}
		b.Runs = append(b.Runs, &results.ArmRun{Arm: w.Arms[1].Name, Error: "interrupted: benchy was stopped during this run"})
	}
	wa := Analyze(doc).Workloads[0]
	for _, aa := range wa.Arms {
		switch {
		case aa.Name == base.Name && (aa.Summary.N != want || want == 0):
			t.Errorf("baseline summary over %d iterations, want %d", aa.Summary.N, want)
		case aa.FailedBlocks != 0:
			t.Errorf("%s: %d failed blocks from interrupted runs", aa.Name, aa.FailedBlocks)
		case !aa.Baseline && aa.Rel != nil:
			t.Errorf("%s compared without a complete block", aa.Name)
		}
	}
}

// TestCSVAnalysisAlignsEscapedNames: an arm name with control characters
// is escaped before the columns are aligned, so every row's change starts
// under the header's.
func TestCSVAnalysisAlignsEscapedNames(t *testing.T) {
	rep := &csvstats.Report{Input: "runs.csv", Estimator: "logratio", Scale: "log", Baseline: "base", Confidence: 0.95,
		Arms: []csvstats.Arm{{Arm: "b\x1b[31m", Estimate: 0.1, CILo: 0.05, CIHi: 0.15, SE: 0.02, DF: 9}, {Arm: "plain", Estimate: -0.2, CILo: -0.3, CIHi: -0.1, SE: 0.03, DF: 9}}}
	var b bytes.Buffer
	if err := Render(&b, rep, Text, Options{}); err != nil {
		t.Fatal(err)
	}
	col := -1
	rows := 0
	for _, line := range strings.Split(b.String(), "\n") {
		switch {
		case strings.HasPrefix(line, "arm "):
			col = strings.Index(line, "change")
		case strings.HasPrefix(line, `b\x1b[31m `), strings.HasPrefix(line, "plain "):
			rows++
			if i := strings.IndexAny(line, "+-"); i != col {
				t.Errorf("the change starts at column %d, the header's at %d:\n%s", i, col, b.String())
			}
		}
	}
	if col < 0 || rows != 2 {
		t.Fatalf("header at %d, %d rows:\n%s", col, rows, b.String())
	}
}
