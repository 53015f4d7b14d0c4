package site

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/fleet"
	"github.com/benchy-dev/benchy/internal/golden"
	"github.com/benchy-dev/benchy/results"
)

// historyDir holds the small fixed history of the golden tests: twelve
// base-versus-head runs on host-1 whose "slower" arm got 30% slower from
// the seventh on, and three runs on host-2, generated from the real run by
// TestFixedHistory (which keeps the files in step with the generator).
var historyDir = filepath.Join("testdata", "history")

func fixedHistory(t testing.TB) []*results.Document {
	real := loadReal(t)
	docs := generate(t, real, historySpec{Runs: 12, Instances: 1, Seed: 1, Steps: []step{{Arm: "slower", From: 6, Factor: 1.3}}})
	return append(docs, generate(t, real, historySpec{Runs: 3, Instances: 1, Seed: 2, First: 12, Host: "host-2"})...)
}

func TestFixedHistory(t *testing.T) {
	docs := fixedHistory(t)
	dir := t.TempDir()
	writeHistory(t, dir, docs)
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(dir, e.Name(), "results.json"))
		if err != nil {
			t.Fatal(err)
		}
		golden.Check(t, filepath.Join(historyDir, e.Name(), "results.json"), b)
	}
}

// buildSite loads the inputs and builds the site in a new folder.
func buildSite(t *testing.T, inputs ...string) (string, *History) {
	t.Helper()
	out, h, _ := buildSiteWith(t, Options{}, inputs...)
	return out, h
}

// buildSiteWith builds the site with the options (version and base URL
// set as buildSite sets them).
func buildSiteWith(t *testing.T, opt Options, inputs ...string) (string, *History, Summary) {
	t.Helper()
	h, err := Load(inputs)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "site")
	if err := CheckOutput(out, inputs); err != nil {
		t.Fatal(err)
	}
	opt.Version, opt.BaseURL = "test", "https://example.org/bench"
	sum, err := Build(out, h, opt)
	if err != nil {
		t.Fatal(err)
	}
	return out, h, sum
}

func readSite(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestGoldenSite(t *testing.T) {
	out, h := buildSite(t, historyDir)
	if len(h.Runs) != 15 || len(h.Skipped) != 0 {
		t.Fatalf("%d runs, %d skipped; want 15 and 0", len(h.Runs), len(h.Skipped))
	}
	checkStyle(t, out)
	golden.Check(t, filepath.Join("testdata", "golden", "index.html"), []byte(readSite(t, out, "index.html")))
	benches := benchmarks(h.Runs)
	var slower *Benchmark
	for _, b := range benches {
		if b.Arm == "slower" {
			slower = b
		}
	}
	if slower == nil {
		t.Fatal("no page for the slower arm")
	}
	page := readSite(t, out, "bench/"+slower.Slug+".html")
	golden.Check(t, filepath.Join("testdata", "golden", "bench-slower.html"), []byte(page))
	// Two machines: two series, never one line.
	if len(slower.Series) != 2 {
		t.Fatalf("%d series, want one per machine (2)", len(slower.Series))
	}
	if got := strings.Count(page, `class="plot history"`); got != 2 {
		t.Errorf("%d time charts, want 2", got)
	}
	if got := strings.Count(page, `class="plot history-rel"`); got != 2 {
		t.Errorf("%d relative-difference charts, want 2", got)
	}
	// The step at the seventh run of host-1 is found there, and only there.
	s := slower.Series[0]
	if len(s.Changes) != 1 || s.Changes[0].Index != 6 {
		t.Fatalf("change points %+v, want one at index 6", s.Changes)
	}
	if c := s.Changes[0]; !(c.CILo > 0.2 && c.CIHi < 0.4) {
		t.Errorf("change %+v: the CI does not hold the 30%% step", c)
	}
	index := readSite(t, out, "index.html")
	want := "got <strong class=\"bad\">27.8% slower</strong> at <a href=\"runs/"
	if !strings.Contains(index, want) {
		t.Errorf("the index does not list the change point (%q)", want)
	}
	if !strings.Contains(index, `<link rel="canonical" href="https://example.org/bench/index.html">`) {
		t.Error("no canonical address under --base-url")
	}
	// Newest first.
	first := strings.Index(index, "2026-11-02 17:00:00")
	last := strings.Index(index, "2026-11-01 08:00:00")
	if first < 0 || last < 0 || first > last {
		t.Errorf("runs are not listed newest first (%d, %d)", first, last)
	}
	checkLinks(t, out)
}

// checkStyle checks the site's one style sheet, which every page but the
// reports links to (checkLinks follows the links): it holds the report's
// plot classes and the site's own.
func checkStyle(t *testing.T, dir string) {
	t.Helper()
	css := readSite(t, dir, StyleName)
	if !strings.Contains(css, "svg.plot .change-line") || !strings.Contains(css, "svg.plot .trace") {
		t.Error("the style sheet lacks the site's or the report's plot classes")
	}
	for _, page := range []string{"index.html", "suite/builtin-quickstart-2e3f740b.html"} {
		if !strings.Contains(readSite(t, dir, page), `<link rel="stylesheet" href="`) {
			t.Errorf("%s does not link the style sheet", page)
		}
	}
}

// checkLinks follows every relative href and src of every page.
func checkLinks(t *testing.T, dir string) {
	t.Helper()
	attr := regexp.MustCompile(`(?:href|src)="([^"]*)"`)
	pages := 0
	err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		pages++
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range attr.FindAllStringSubmatch(string(b), -1) {
			ref := strings.ReplaceAll(m[1], "&amp;", "&")
			if strings.HasPrefix(ref, "#") || strings.HasPrefix(ref, "https://") || strings.HasPrefix(ref, "http://") {
				continue
			}
			if strings.Contains(ref, ":") {
				t.Errorf("%s: link %q is neither relative nor http(s)", p, ref)
				continue
			}
			ref, _, _ = strings.Cut(ref, "#")
			if _, err := os.Stat(filepath.Join(filepath.Dir(p), filepath.FromSlash(ref))); err != nil {
				t.Errorf("%s: broken link %q", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if pages == 0 {
		t.Fatal("no pages")
	}
}

func TestBadInputsAreSkipped(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	write("broken.json", `{"schema": "benchy/results/v1", "workloads": [`)
	write("foreign.json", `{"name": "<b>someone else's</b>", "values": [1, 2]}`)
	write("analysis.json", `{"schema": "benchy/analysis/v1"}`)
	write("notes.txt", "not JSON and not .json: ignored")
	// A file that cannot be read (a link to nothing: as root, permissions
	// would not stop the read).
	if err := os.Symlink(filepath.Join(dir, "gone"), filepath.Join(dir, "unreadable.json")); err != nil {
		t.Fatal(err)
	}
	real, err := os.ReadFile(filepath.Join("testdata", "quickstart.json"))
	if err != nil {
		t.Fatal(err)
	}
	write("a/results.json", string(real))
	write("b/copy.json", string(real)) // the same run again
	// A fleet document holding that run and another.
	doc := loadReal(t)
	other := cloneDoc(t, doc)
	other.Environment.Host = "host-9"
	fd := fleet.Document{Schema: fleet.Schema, Runs: []*fleet.Run{{Host: doc.Environment.Host, Document: doc}, {Host: "host-9", Document: other}}}
	fb, err := json.Marshal(fd)
	if err != nil {
		t.Fatal(err)
	}
	write("fleet.json", string(fb))
	out, h := buildSite(t, dir)
	if len(h.Runs) != 2 {
		t.Fatalf("%d runs, want 2 (one from a file, one more from the fleet)", len(h.Runs))
	}
	reasons := map[string]string{}
	for _, s := range h.Skipped {
		reasons[filepath.Base(s.Path)] = s.Reason
	}
	for name, want := range map[string]string{
		"broken.json":                          "not a benchy results document",
		"foreign.json":                         "no schema field",
		"analysis.json":                        `schema "benchy/analysis/v1" is neither`,
		"copy.json":                            "the same run",
		"fleet.json (run 1 of 2, host host-1)": "the same run",
	} {
		if !strings.Contains(reasons[name], want) {
			t.Errorf("%s: skipped with %q, want it to say %q (all: %q)", name, reasons[name], want, reasons)
		}
	}
	index := readSite(t, out, "index.html")
	if !strings.Contains(index, "Skipped inputs") || !strings.Contains(index, "broken.json</code>: ") {
		t.Error("the index does not list the skipped inputs")
	}
	if strings.Contains(index, "<b>someone") {
		t.Error("text from a skipped input reached the page unescaped")
	}
	checkLinks(t, out)
}

// TestSymlinkInputs loads folders named through symbolic links: a link
// named on the command line is followed (benchy-out/latest is benchy's
// own), links met inside a folder are not followed to folders (one here
// leads back up the tree) and are listed as skipped, as is a link to
// nothing. A run read through a link takes its commit from the name of
// the stored run's folder the link leads to.
func TestSymlinkInputs(t *testing.T) {
	dir := t.TempDir()
	const stored = "20261201T101500Z-aca80b57f59d-123"
	real, err := os.ReadFile(filepath.Join("testdata", "quickstart.json"))
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(out, stored), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, stored, "results.json"), real, 0o644); err != nil {
		t.Fatal(err)
	}
	for link, target := range map[string]string{
		"out/latest": stored, // as benchy links the newest run
		"out/loop":   "..",
		"out/gone":   "nowhere",
		"l":          "out",
	} {
		if err := os.Symlink(target, filepath.Join(dir, link)); err != nil {
			t.Fatal(err)
		}
	}
	at := func(rel string) string { return filepath.Join(dir, rel) }
	linksSkipped := func(folder string) map[string]string {
		return map[string]string{
			at(folder + "/latest"): "a symbolic link to the folder " + stored + ", not followed",
			at(folder + "/loop"):   "a symbolic link to the folder .., not followed",
			at(folder + "/gone"):   "a symbolic link to nowhere, which cannot be followed: no such file or directory",
		}
	}
	tests := []struct {
		name    string
		inputs  []string
		runs    []string
		skipped map[string]string // path: what its reason says
	}{
		{"benchy's latest link", []string{at("out/latest")}, []string{at("out/latest/results.json")}, nil},
		{"a link to a folder of links", []string{at("l")}, []string{at("l/" + stored + "/results.json")}, linksSkipped("l")},
		{"the folder of links", []string{at("out")}, []string{at("out/" + stored + "/results.json")}, linksSkipped("out")},
		{"a link and its folder", []string{at("out/latest"), at("out")}, []string{at("out/latest/results.json")},
			func() map[string]string {
				m := linksSkipped("out")
				m[at("out/"+stored+"/results.json")] = "the same run (start time, host, suite and seed) as " + at("out/latest/results.json")
				return m
			}()},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h, err := Load(tc.inputs)
			if err != nil {
				t.Fatal(err)
			}
			var runs []string
			for _, r := range h.Runs {
				runs = append(runs, r.Source)
				if r.Commit != "aca80b57f59d" {
					t.Errorf("%s: commit %q, want the stored folder's aca80b57f59d", r.Source, r.Commit)
				}
			}
			if fmt.Sprint(runs) != fmt.Sprint(tc.runs) {
				t.Errorf("runs %q, want %q", runs, tc.runs)
			}
			got := map[string]string{}
			for _, s := range h.Skipped {
				got[s.Path] = s.Reason
			}
			for p, want := range tc.skipped {
				if !strings.HasPrefix(got[p], want) {
					t.Errorf("%s: skipped with %q, want %q", p, got[p], want)
				}
			}
			if len(got) != len(tc.skipped) {
				t.Errorf("skipped %q, want only %d inputs: %q", got, len(tc.skipped), tc.skipped)
			}
		})
	}
	// The output folder is compared with the inputs where their links
	// lead: the site must not be written into, or over, a run named
	// through a link.
	for _, tc := range []struct{ out, in string }{
		{at("out/" + stored + "/site"), at("out/latest")},
		{at("l/new/site"), at("out")},
		{at("out"), at("l")},
	} {
		if err := CheckOutput(tc.out, []string{tc.in}); err == nil || !strings.Contains(err.Error(), "is inside the") {
			t.Errorf("output %s, input %s: %v, want it refused as inside", tc.out, tc.in, err)
		}
	}
}

func TestEmptyInputs(t *testing.T) {
	out, h := buildSite(t, t.TempDir())
	if len(h.Runs) != 0 {
		t.Fatal(h.Runs)
	}
	index := readSite(t, out, "index.html")
	if !strings.Contains(index, "No runs yet: the inputs hold no benchy results documents.") {
		t.Errorf("the empty site does not say so:\n%s", index)
	}
	checkLinks(t, out)
	if _, err := Load([]string{filepath.Join(t.TempDir(), "missing")}); err == nil {
		t.Error("a missing input path is not an error")
	}
}

// TestHostileNames builds a site from a run whose suite, workload, arm and
// host names, stderr and variables are markup, and checks that none of it
// reaches any page as markup.
func TestHostileNames(t *testing.T) {
	for _, full := range []int{0, 1} {
		t.Run(fmt.Sprintf("full reports %d", full), func(t *testing.T) { testHostileNames(t, full) })
	}
}

// testHostileNames builds the fixed history with the hostile run; with
// full 1, a run newer than the hostile one makes its page a summary.
func testHostileNames(t *testing.T, full int) {
	inputs := []string{filepath.Join("testdata", "xss.json"), historyDir}
	if full > 0 {
		newer := t.TempDir()
		writeHistory(t, newer, generate(t, loadReal(t), historySpec{Runs: 1, Instances: 1, Seed: 3, First: 400}))
		inputs = append(inputs, newer)
	}
	out, h, sum := buildSiteWith(t, Options{FullReports: full}, inputs...)
	if len(h.Runs) != 16+full {
		t.Fatalf("%d runs", len(h.Runs))
	}
	if full > 0 {
		xss := h.Runs[len(h.Runs)-2]
		page := readSite(t, out, "runs/"+xss.ID+"/index.html")
		if !strings.Contains(page, `<p class="notice">`) || !strings.Contains(page, "&lt;h1&gt;host&lt;/h1&gt;") {
			t.Errorf("the hostile run's page is not a summary showing its host as text (%d full reports)", sum.FullReports)
		}
	}
	injected := regexp.MustCompile(`(?i)<(script|img|iframe|object|embed)\b|<svg onload|<h1>host|<b>bold`)
	err := filepath.Walk(out, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || !strings.HasSuffix(p, ".html") {
			return err
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		if m := injected.FindAllString(string(b), -1); len(m) > 0 {
			t.Errorf("%s: injected markup %q", p, m)
		}
		if i := strings.IndexFunc(string(b), rawControl); i >= 0 {
			t.Errorf("%s: a raw control character: %q", p, b[max(0, i-30):min(len(b), i+10)])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	index := readSite(t, out, "index.html")
	if !strings.Contains(index, "&lt;h1&gt;host&lt;/h1&gt;") || !strings.Contains(index, `\x1b]0;pwned\x07\u009b2J`) {
		t.Error("the hostile host name is not shown as text on the index, its control characters as escapes")
	}
	checkLinks(t, out)
}

// rawControl reports a control character that a page must not carry raw
// (line breaks and tabs aside).
func rawControl(r rune) bool {
	return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f)
}

func TestOutputFolder(t *testing.T) {
	dir := t.TempDir()
	foreign := filepath.Join(dir, "foreign")
	if err := os.MkdirAll(foreign, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(foreign, "keep.txt"), []byte("mine"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckOutput(foreign, []string{historyDir}); err == nil || !strings.Contains(err.Error(), "not a site built by benchy site") {
		t.Errorf("a folder of other files: %v", err)
	}
	if err := CheckOutput(filepath.Join(historyDir, "site"), []string{historyDir}); err == nil {
		t.Error("an output folder inside the inputs is accepted")
	}
	if err := CheckOutput(filepath.Dir(historyDir), []string{historyDir}); err == nil {
		t.Error("an output folder holding the inputs is accepted")
	}
	// A rebuild replaces the whole earlier site.
	out := filepath.Join(dir, "site")
	h, err := Load([]string{historyDir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Build(out, h, Options{}); err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(out, "runs", "stale.html")
	if err := os.WriteFile(stale, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := CheckOutput(out, []string{historyDir}); err != nil {
		t.Fatalf("a site built before is refused: %v", err)
	}
	if _, err := Build(out, h, Options{}); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(stale); err == nil {
		t.Error("the rebuild kept a file of the old site")
	}
	if err := CheckBaseURL("javascript:alert(1)"); err == nil {
		t.Error("a javascript: base URL is accepted")
	}
}

func TestMedianCI(t *testing.T) {
	xs := []float64{10, 3, 7, 1, 9, 2, 8, 4, 6, 5}
	m, lo, hi, exact := medianCI(xs, 0.95)
	// n = 10 at 95%: the 2nd and 9th order statistics (coverage 97.9%).
	if m != 5.5 || lo != 2 || hi != 9 || !exact {
		t.Errorf("got %v [%v, %v] %v, want 5.5 [2, 9] true", m, lo, hi, exact)
	}
	m, lo, hi, exact = medianCI([]float64{4, 1, 3, 2, 5}, 0.95)
	if m != 3 || lo != 1 || hi != 5 || exact {
		t.Errorf("n = 5: got %v [%v, %v] %v, want the range and exact false", m, lo, hi, exact)
	}
}

func TestDetectChanges(t *testing.T) {
	// noise is a fixed ±2% pattern, so that the tests are deterministic.
	noise := func(i int) float64 { return 1 + 0.02*math.Sin(float64(i)*2.3) }
	series := func(n int, level func(i int) float64) []float64 {
		xs := make([]float64, n)
		for i := range xs {
			xs[i] = level(i) * noise(i)
		}
		return xs
	}
	tests := []struct {
		name string
		xs   []float64
		want []int
	}{
		{"flat", series(40, func(int) float64 { return 100 }), nil},
		{"one step", series(40, func(i int) float64 { return map[bool]float64{true: 100, false: 112}[i < 25] }), []int{25}},
		{"two steps", series(60, func(i int) float64 {
			switch {
			case i < 20:
				return 100
			case i < 40:
				return 90
			}
			return 120
		}), []int{20, 40}},
		{"one outlier", series(40, func(i int) float64 { return map[bool]float64{true: 300, false: 100}[i == 17] }), nil},
		{"too short", []float64{1, 1, 1, 2, 2}, nil},
		{"constant", []float64{5, 5, 5, 5, 5, 5, 5, 5}, nil},
		{"constant step", []float64{5, 5, 5, 5, 6, 6, 6, 6}, []int{4}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var got []int
			for _, c := range detectChanges(tc.xs, 0.95) {
				got = append(got, c.Index)
			}
			if len(got) != len(tc.want) {
				t.Fatalf("change points %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Fatalf("change points %v, want %v", got, tc.want)
				}
			}
		})
	}
}

// TestJournalInput reads the journal of a killed run, in a folder without
// results.json, as a run; beside a results.json the journal is not read.
func TestJournalInput(t *testing.T) {
	doc := loadReal(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "killed"), 0o755); err != nil {
		t.Fatal(err)
	}
	j, err := results.CreateJournal(filepath.Join(dir, "killed", "journal.jsonl"), doc, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := doc.Workloads[0]
	if err := j.Workload(w); err != nil {
		t.Fatal(err)
	}
	for _, b := range w.Blocks[:5] {
		if err := j.Block(w.Name, b); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.Close(); err != nil {
		t.Fatal(err)
	}
	h, err := Load([]string{dir})
	if err != nil {
		t.Fatal(err)
	}
	if len(h.Runs) != 1 || h.Runs[0].Doc.Status != results.StatusInterrupted || len(h.Skipped) != 0 {
		t.Fatalf("%d runs (%+v), %d skipped: want the killed run, interrupted", len(h.Runs), h.Runs, len(h.Skipped))
	}
	if err := results.WriteFile(filepath.Join(dir, "killed", "results.json"), doc); err != nil {
		t.Fatal(err)
	}
	if h, err = Load([]string{dir}); err != nil || len(h.Runs) != 1 || h.Runs[0].Doc.Status != doc.Status {
		t.Fatalf("with results.json beside the journal: %v, %+v", err, h)
	}
	out, _ := buildSite(t, dir)
	checkLinks(t, out)
}

// TestRunCommits reads the commits of a run from what --arm-from-git
// records (var.base and var.head name the builds base-SHA and head-SHA;
// these values are from a real run) and else from bench-gpu.yml's folder
// names.
func TestRunCommits(t *testing.T) {
	vars := func(base, head string) []results.Variable {
		return []results.Variable{{Name: "base", Value: jsonString(base)}, {Name: "head", Value: jsonString(head)}}
	}
	tests := []struct {
		name       string
		vars       []results.Variable
		file       string
		base, head string
	}{
		{"arm-from-git", vars("/tmp/benchy-git-3983149987/base-393573fb1914", "/tmp/benchy-git-3983149987/head-aca80b57f59d"),
			"out/ab/results.json", "393573fb1914", "aca80b57f59d"},
		{"dirty head", vars("/tmp/g/base-393573fb1914", "/tmp/g/head-aca80b57f59d-dirty"), "r.json", "393573fb1914", "aca80b57f59d-dirty"},
		{"swapped names are not builds", vars("/tmp/g/head-393573fb1914", "/tmp/g/base-aca80b57f59d"), "r.json", "", ""},
		{"ordinary variables", vars("main", "<b>x</b>"), "r.json", "", ""},
		{"stored run folder", nil, "runs/20261201T101500Z-aca80b57f59d-123/results.json", "", "aca80b57f59d"},
		{"other folder", nil, "runs/latest/results.json", "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r, err := newRun(tc.file, tc.file, &results.Document{Variables: tc.vars}, nil)
			if err != nil {
				t.Fatal(err)
			}
			if r.BaseCommit != tc.base || r.Commit != tc.head {
				t.Errorf("base %q, head %q; want %q, %q", r.BaseCommit, r.Commit, tc.base, tc.head)
			}
		})
	}
}

// TestChangeDetectionOnHistories runs the change detection on generated
// histories of the real run: 20 series of 80 runs with nothing changed
// (every change point found would be a false one) and a 10% step in one
// instance's slower arm at run 50, which must be found there and nowhere
// else. The seed is fixed, so the outcome is too.
func TestChangeDetectionOnHistories(t *testing.T) {
	docs := generate(t, loadReal(t), historySpec{Runs: 80, Instances: 10, Seed: 11,
		Steps: []step{{Instance: "sleep/n=4", Arm: "slower", From: 50, Factor: 1.10}}})
	runs := newRuns(t, docs)
	found := 0
	for _, b := range benchmarks(runs) {
		for _, s := range b.Series {
			for _, c := range s.Changes {
				found++
				if b.Instance != "sleep/n=4" || b.Arm != "slower" || c.Index != 50 {
					t.Errorf("false change point in %s · %s at run %d: %+v", b.Instance, b.Arm, c.Index, c)
				}
			}
		}
	}
	if found != 1 {
		t.Errorf("%d change points, want the planted one", found)
	}
}

// TestCompactValue checks the copy of a results document beside its
// report against json.Compact: the real run, white space inside strings
// and escaped quotes kept, and anything after the document dropped.
func TestCompactValue(t *testing.T) {
	real, err := os.ReadFile(filepath.Join("testdata", "quickstart.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, in, want string }{
		{"strings", "{\n  \"a b\": \"x \\\" }\\n\\\\\",\n  \"c\": [ 1, { \"d\" : null } ]\n}\n", `{"a b":"x \" }\n\\","c":[1,{"d":null}]}`},
		{"trailing data", `{"a": 1} {"b": 2}`, `{"a":1}`},
		{"empty", " {\t} \n", `{}`},
	}
	for _, tc := range tests {
		if got := string(compactValue([]byte(tc.in))); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.name, got, tc.want)
		}
	}
	var want bytes.Buffer
	if err := json.Compact(&want, real); err != nil {
		t.Fatal(err)
	}
	if got := compactValue(real); !bytes.Equal(got, want.Bytes()) {
		t.Errorf("the real run compacts to %d bytes, json.Compact to %d", len(got), want.Len())
	}
}

// TestSummaryPages builds the fixed history keeping three full reports:
// the newest three runs and the run at the change point get theirs, the
// others a summary (golden for the oldest run) that links its results
// document and its arms' history pages; every run's results.json.gz holds
// its input document, compacted.
func TestSummaryPages(t *testing.T) {
	out, h, sum := buildSiteWith(t, Options{FullReports: 3}, historyDir)
	if sum.FullReports != 4 {
		t.Errorf("%d full reports, want 4 (the newest 3 and the change point's run)", sum.FullReports)
	}
	full := map[string]bool{}
	for _, r := range h.Runs[len(h.Runs)-3:] {
		full[r.ID] = true
	}
	full[h.Runs[6].ID] = true // the change point: the seventh run of host-1
	for i, r := range h.Runs {
		page := readSite(t, out, "runs/"+r.ID+"/index.html")
		if isSummary := strings.Contains(page, `<p class="notice">`); isSummary == full[r.ID] {
			t.Errorf("run %d (%s): summary %v, want %v", i, r.ID, isSummary, !full[r.ID])
		}
		if i == 0 {
			golden.Check(t, filepath.Join("testdata", "golden", "run-summary.html"), []byte(page))
		}
		zr, err := gzip.NewReader(strings.NewReader(readSite(t, out, "runs/"+r.ID+"/"+ResultsName)))
		if err != nil {
			t.Fatal(err)
		}
		copied, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		in, err := os.ReadFile(r.Source)
		if err != nil {
			t.Fatal(err)
		}
		var want bytes.Buffer
		if err := json.Compact(&want, in); err != nil {
			t.Fatal(err)
		}
		want.WriteByte('\n')
		if !bytes.Equal(copied, want.Bytes()) {
			t.Errorf("%s: %s is not the input document, compacted", r.ID, ResultsName)
		}
	}
	checkLinks(t, out)
}

// TestDenseHistory draws a series of more runs than its chart can mark one
// by one (240: under 3 units apart): the charts draw lines and bands with
// no per-point link, the captions say so, and the table links every run.
func TestDenseHistory(t *testing.T) {
	docs := generate(t, loadReal(t), historySpec{Runs: 240, Instances: 1, Seed: 5})
	for _, b := range benchmarks(newRuns(t, docs)) {
		page, err := pageBytes("bench", benchView(pageBase{Root: "../"}, b))
		if err != nil {
			t.Fatal(err)
		}
		charts := regexp.MustCompile(`(?s)<svg.*?</svg>`).FindAllString(string(page), -1)
		want := 2
		if b.Baseline == "" {
			want = 1 // the baseline has no difference from itself
		}
		if len(charts) != want {
			t.Fatalf("%s: %d charts, want %d", b.Arm, len(charts), want)
		}
		for _, c := range charts {
			if n := strings.Count(c, "<a "); n > 0 || !strings.Contains(c, `class="band"`) || !strings.Contains(c, `class="trace"`) {
				t.Errorf("%s: a dense chart with %d links, band %v, trace %v", b.Arm, n, strings.Contains(c, `class="band"`), strings.Contains(c, `class="trace"`))
			}
		}
		if n := strings.Count(string(page), `<tr><td><a href="../runs/`); n != 240 {
			t.Errorf("%s: the table links %d runs, want 240", b.Arm, n)
		}
		if !strings.Contains(string(page), "Too many runs to mark one by one") {
			t.Errorf("%s: the caption does not say why the points are not marked", b.Arm)
		}
	}
}

// newRuns analyses generated documents as runs, without their files.
func newRuns(t *testing.T, docs []*results.Document) []*Run {
	t.Helper()
	var runs []*Run
	for i, d := range docs {
		r, err := newRun(fmt.Sprint(i), "", d, nil)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, r)
	}
	return runs
}
