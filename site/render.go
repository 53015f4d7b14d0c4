package site

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strings"
	"sync"

	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/reports/chart"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

//go:embed site.html.tmpl
var templateText string

//go:embed site.css
var siteCSS string

var pages = template.Must(template.New("site").Parse(templateText))

// Marker is the file that marks a folder as a site benchy built, so that a
// rebuild may replace it.
const Marker = ".benchy-site"

const markerText = "This folder is a site built by `benchy site`; the next build replaces all of it.\n"

// DefaultTitle is the site's title when Options gives none.
const DefaultTitle = "benchy: benchmark history"

// ResultsName is the file beside each run's page that holds its results
// document: compact JSON, gzip-compressed (a tenth of the size).
const ResultsName = "results.json.gz"

// StyleName is the site's style sheet, at its root: the report's CSS and
// the site's own.
const StyleName = "style.css"

// DefaultFullReports is how many of the newest runs get their full report
// when Options do not say.
const DefaultFullReports = 30

// Options tune Build.
type Options struct {
	// Title heads every page; "" means DefaultTitle.
	Title string
	// BaseURL, when set, is the absolute http(s) address the site is
	// published at: pages name their canonical address under it.
	BaseURL string
	// Version is the benchy version written in the footer.
	Version string
	// Workers renders that many run reports at once; 0 means GOMAXPROCS.
	Workers int
	// FullReports is how many of the newest runs get their full HTML
	// report as their page; the others get a summary of the run (every
	// instance and arm with its median and difference from the baseline)
	// that says how to render the full report from the results document
	// beside it. Runs at a change point always get their full report. 0
	// means DefaultFullReports; a negative number, every run.
	FullReports int
}

// Summary counts what Build wrote.
type Summary struct {
	Runs, Benchmarks, Series, Changes, Skipped, Files int
	// FullReports counts the runs whose page is their full report.
	FullReports int
	Bytes       int64
}

// CheckOutput refuses an output folder that would lose something: one
// that holds files but is not a site benchy built, or one that holds an
// input. The folders are compared where their symbolic links lead, as
// Load follows an input that is a link.
func CheckOutput(dir string, inputs []string) error {
	abs, err := realPath(dir)
	if err != nil {
		return err
	}
	for _, in := range inputs {
		ai, err := realPath(in)
		if err != nil {
			return err
		}
		if ai == abs || strings.HasPrefix(ai, abs+string(filepath.Separator)) {
			return fmt.Errorf("the input %s is inside the output folder %s, which is replaced on every build: write the site elsewhere", in, dir)
		}
		if strings.HasPrefix(abs, ai+string(filepath.Separator)) {
			return fmt.Errorf("the output folder %s is inside the input folder %s: the site's own results.json copies would be read as runs next time; write the site elsewhere", dir, in)
		}
	}
	st, err := os.Lstat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	if !st.IsDir() {
		return fmt.Errorf("%s exists and is not a folder", dir)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return err
	}
	if len(entries) == 0 {
		return nil
	}
	if _, err := os.Stat(filepath.Join(dir, Marker)); err != nil {
		return fmt.Errorf("%s holds files and is not a site built by benchy site (no %s): give an empty or new folder", dir, Marker)
	}
	return nil
}

// realPath is p made absolute with its symbolic links resolved; for a
// path that does not exist (yet), those of its nearest folder that does.
func realPath(p string) (string, error) {
	abs, err := filepath.Abs(p)
	if err != nil {
		return "", err
	}
	for dir, rest := abs, ""; ; {
		real, err := filepath.EvalSymlinks(dir)
		if err == nil {
			return filepath.Join(real, rest), nil
		}
		parent := filepath.Dir(dir)
		if !errors.Is(err, fs.ErrNotExist) || parent == dir {
			return abs, nil
		}
		dir, rest = parent, filepath.Join(filepath.Base(dir), rest)
	}
}

// Build writes the site for h into dir, replacing a site built there
// before: it writes a new folder beside dir and swaps it in, so that a
// failed build leaves the old site whole. Call CheckOutput first.
func Build(dir string, h *History, opt Options) (Summary, error) {
	if opt.Title == "" {
		opt.Title = DefaultTitle
	}
	if opt.BaseURL != "" {
		if err := CheckBaseURL(opt.BaseURL); err != nil {
			return Summary{}, err
		}
		opt.BaseURL = strings.TrimSuffix(opt.BaseURL, "/") + "/"
	}
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return Summary{}, err
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".new-")
	if err != nil {
		return Summary{}, err
	}
	defer os.RemoveAll(tmp)
	if err := os.Chmod(tmp, 0o755); err != nil {
		return Summary{}, err
	}
	w := &writer{root: tmp}
	sum, err := build(w, h, opt)
	if err != nil {
		return sum, err
	}
	sum.Files, sum.Bytes = w.files, w.bytes
	old := ""
	if _, err := os.Lstat(dir); err == nil {
		old = tmp + ".old"
		if err := os.Rename(dir, old); err != nil {
			return sum, err
		}
	}
	if err := os.Rename(tmp, dir); err != nil {
		if old != "" {
			_ = os.Rename(old, dir)
		}
		return sum, err
	}
	if old != "" {
		if err := os.RemoveAll(old); err != nil {
			return sum, fmt.Errorf("the new site is in place, but the old one could not be removed: %w", err)
		}
	}
	return sum, nil
}

// CheckBaseURL accepts an absolute http(s) address without query or
// fragment, the form --base-url takes.
func CheckBaseURL(u string) error {
	p, err := url.Parse(u)
	if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" || p.RawQuery != "" || p.Fragment != "" {
		return fmt.Errorf("the base URL %q is not an absolute http(s) address without query or fragment", u)
	}
	return nil
}

// writer writes the site's files and counts them.
type writer struct {
	root  string
	mu    sync.Mutex
	files int
	bytes int64
}

func (w *writer) write(rel string, b []byte) error {
	p := filepath.Join(w.root, filepath.FromSlash(rel))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(p, b, 0o644); err != nil {
		return err
	}
	w.mu.Lock()
	w.files++
	w.bytes += int64(len(b))
	w.mu.Unlock()
	return nil
}

func (w *writer) page(rel, name string, data any) error {
	b, err := pageBytes(name, data)
	if err != nil {
		return fmt.Errorf("rendering %s: %w", rel, err)
	}
	return w.write(rel, b)
}

// pageBytes renders one of the site's templates. Control characters from
// the runs (the templates hold none but line breaks) are shown as escapes,
// as the run reports show them.
func pageBytes(name string, data any) ([]byte, error) {
	var b bytes.Buffer
	if err := pages.ExecuteTemplate(&b, name, data); err != nil {
		return nil, err
	}
	return []byte(termtext.EscapeLines(b.String())), nil
}

func build(w *writer, h *History, opt Options) (Summary, error) {
	sum := Summary{Runs: len(h.Runs), Skipped: len(h.Skipped)}
	if err := w.write(Marker, []byte(markerText)); err != nil {
		return sum, err
	}
	benches := benchmarks(h.Runs)
	sum.Benchmarks = len(benches)
	for _, b := range benches {
		sum.Series += len(b.Series)
		for _, s := range b.Series {
			sum.Changes += len(s.Changes)
		}
	}
	if err := w.write(StyleName, []byte(chart.StyleSheet()+siteCSS)); err != nil {
		return sum, err
	}
	base := pageBase{Title: opt.Title, Style: StyleName, Version: opt.Version, RunCount: len(h.Runs)}
	newest := opt.FullReports
	if newest == 0 {
		newest = DefaultFullReports
	}
	full := fullReports(h.Runs, benches, newest)
	sum.FullReports = len(full)
	failed := renderRuns(w, h.Runs, opt.Workers, func(r *Run) ([]byte, error) {
		if full[r] {
			var b bytes.Buffer
			if err := reports.Render(&b, r.Analysis, reports.HTML, reports.Options{}); err != nil {
				return nil, err
			}
			return b.Bytes(), nil
		}
		return pageBytes("run", runView(base.at("../../", opt, "runs/"+r.ID+"/index.html"), r, newest))
	})
	all := filter{}
	suites, machines := facets(h.Runs)
	if err := w.page("index.html", "index", indexView(base.at("", opt, "index.html"), h, benches, failed, all, suites, machines)); err != nil {
		return sum, err
	}
	for _, f := range suites {
		rel := "suite/" + f.slug + ".html"
		if err := w.page(rel, "index", indexView(base.at("../", opt, rel), h, benches, failed, f.filter, suites, machines)); err != nil {
			return sum, err
		}
	}
	for _, f := range machines {
		rel := "machine/" + f.slug + ".html"
		if err := w.page(rel, "index", indexView(base.at("../", opt, rel), h, benches, failed, f.filter, suites, machines)); err != nil {
			return sum, err
		}
	}
	for _, b := range benches {
		rel := "bench/" + b.Slug + ".html"
		if err := w.page(rel, "bench", benchView(base.at("../", opt, rel), b)); err != nil {
			return sum, err
		}
	}
	return sum, nil
}

// fullReports picks the runs whose page is their full report: the newest
// n (every run when n is negative) and every run at a change point.
func fullReports(runs []*Run, benches []*Benchmark, n int) map[*Run]bool {
	full := map[*Run]bool{}
	for i := len(runs) - 1; i >= 0 && (n < 0 || len(full) < n); i-- {
		full[runs[i]] = true
	}
	for _, b := range benches {
		for _, s := range b.Series {
			for _, c := range s.Changes {
				full[s.Points[c.Index].Run] = true
			}
		}
	}
	return full
}

// renderRuns writes every run's page, made by page, and its results
// document, several at once; it returns, per run ID, why a page could not
// be rendered.
func renderRuns(w *writer, runs []*Run, workers int, page func(*Run) ([]byte, error)) map[string]string {
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var mu sync.Mutex
	failed := map[string]string{}
	jobs := make(chan *Run)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for r := range jobs {
				if err := renderRun(w, r, page); err != nil {
					mu.Lock()
					failed[r.ID] = err.Error()
					mu.Unlock()
				}
			}
		}()
	}
	for _, r := range runs {
		jobs <- r
	}
	close(jobs)
	wg.Wait()
	return failed
}

func renderRun(w *writer, r *Run, page func(*Run) ([]byte, error)) error {
	dir := "runs/" + r.ID + "/"
	if err := w.write(dir+ResultsName, r.gz); err != nil {
		return err
	}
	b, err := page(r)
	if err != nil {
		return err
	}
	return w.write(dir+"index.html", b)
}

// pageBase is what every page shows.
type pageBase struct {
	Title, PageTitle, Root, Canonical, Version string
	// Style is the site's one style sheet, which every page but the
	// reports (which carry their own) links to.
	Style    string
	RunCount int
}

func (p pageBase) at(root string, opt Options, rel string) pageBase {
	p.Root = root
	p.PageTitle = p.Title
	if opt.BaseURL != "" {
		p.Canonical = opt.BaseURL + rel
	}
	return p
}

// filter selects the runs of one suite or one machine fingerprint; the
// zero filter selects every run.
type filter struct {
	suite, fingerprint, label string
}

func (f filter) keeps(r *Run) bool {
	switch {
	case f.suite != "":
		return r.Doc.Suite.Path == f.suite
	case f.fingerprint != "":
		return r.Analysis.Fingerprint == f.fingerprint
	}
	return true
}

// facet is one filter page.
type facet struct {
	filter
	name, slug string
	count      int
}

// facets lists the suites and the machines of the runs, by name.
func facets(runs []*Run) (suites, machines []facet) {
	si, mi := map[string]int{}, map[string]int{}
	for _, r := range runs {
		s := r.Doc.Suite.Path
		if i, ok := si[s]; ok {
			suites[i].count++
		} else {
			si[s] = len(suites)
			suites = append(suites, facet{filter: filter{suite: s, label: "suite " + s}, name: s, slug: slug("suite\x00"+s, s), count: 1})
		}
		fp := r.Analysis.Fingerprint
		if i, ok := mi[fp]; ok {
			machines[i].count++
			machines[i].name = machineName(r) // the newest run's description
		} else {
			mi[fp] = len(machines)
			machines = append(machines, facet{filter: filter{fingerprint: fp}, name: machineName(r), slug: fp, count: 1})
		}
	}
	for i := range machines {
		machines[i].label = "machine " + machines[i].name
	}
	sort.SliceStable(suites, func(i, j int) bool { return suites[i].name < suites[j].name })
	sort.SliceStable(machines, func(i, j int) bool { return machines[i].name < machines[j].name })
	return suites, machines
}

// machineName is a run's machine in a few words: host, device and
// fingerprint.
func machineName(r *Run) string {
	env := r.Doc.Environment
	device := env.CPUModel
	if len(env.GPUs) > 0 {
		device = env.GPUs[0]
	}
	parts := []string{}
	for _, s := range []string{env.Host, device} {
		if s != "" {
			parts = append(parts, s)
		}
	}
	return strings.Join(append(parts, r.Analysis.Fingerprint), " · ")
}

type facetLink struct {
	Name, Href string
	Count      int
	Current    bool
}

type runRow struct {
	Href, JSONHref, SuiteHref, MachineHref    string
	Time, Commit, CommitTitle, Suite, Machine string
	Status, StatusClass, Headline             string
}

type changeRow struct {
	BenchHref, Bench, Words, Class, Commit, RunHref, Time, Machine, FromTo, CI string
	when                                                                       int64
}

type benchRow struct {
	Href, Suite, Name, Latest, LatestRel, LatestClass string
	Machines, Points, Changes                         int
}

type indexPage struct {
	pageBase
	Heading, Summary, EmptyText string
	Empty, Filtered             bool
	Alpha                       float64
	Suites, Machines            []facetLink
	Changes                     []changeRow
	Benchmarks                  []benchRow
	Runs                        []runRow
	Skipped                     []Skipped
}

func runHref(root string, r *Run) string { return root + "runs/" + r.ID + "/index.html" }

func shortCommit(c string) string {
	sha, dirty, _ := strings.Cut(c, "-")
	if len(sha) > 10 {
		sha = sha[:10]
	}
	if dirty != "" {
		return sha + "-" + dirty
	}
	return sha
}

func indexView(base pageBase, h *History, benches []*Benchmark, failed map[string]string, f filter, suites, machines []facet) indexPage {
	p := indexPage{pageBase: base, Heading: base.Title, Alpha: changeAlpha, Skipped: h.Skipped, Filtered: f != filter{}}
	if p.Filtered {
		p.Heading = base.Title + ": " + f.label
		p.PageTitle = p.Heading
	}
	for _, s := range suites {
		p.Suites = append(p.Suites, facetLink{Name: s.name, Href: base.Root + "suite/" + s.slug + ".html", Count: s.count, Current: s.filter == f})
	}
	for _, m := range machines {
		p.Machines = append(p.Machines, facetLink{Name: m.name, Href: base.Root + "machine/" + m.slug + ".html", Count: m.count, Current: m.filter == f})
	}
	suiteSlug, machineSlug := map[string]string{}, map[string]string{}
	for _, s := range suites {
		suiteSlug[s.suite] = s.slug
	}
	for _, m := range machines {
		machineSlug[m.fingerprint] = m.slug
	}
	for i := len(h.Runs) - 1; i >= 0; i-- {
		r := h.Runs[i]
		if !f.keeps(r) {
			continue
		}
		row := runRow{
			Href: runHref(base.Root, r), JSONHref: base.Root + "runs/" + r.ID + "/" + ResultsName,
			SuiteHref: base.Root + "suite/" + suiteSlug[r.Doc.Suite.Path] + ".html", MachineHref: base.Root + "machine/" + machineSlug[r.Analysis.Fingerprint] + ".html",
			Time: r.Doc.Started.UTC().Format("2006-01-02 15:04:05"), Commit: shortCommit(r.Commit), Suite: r.Doc.Suite.Path,
			Machine: machineName(r), Status: r.Analysis.Status(), StatusClass: "neutral", Headline: r.Analysis.Headline(),
		}
		if r.Commit != "" {
			row.CommitTitle = "commit " + r.Commit
			if r.BaseCommit != "" {
				row.CommitTitle = "head " + r.Commit + " against base " + r.BaseCommit
			}
		}
		if r.Doc.Status == results.StatusFailed || len(r.Analysis.FailedArms()) > 0 {
			row.StatusClass = "bad"
		}
		if why, ok := failed[r.ID]; ok {
			row.Headline = "the report could not be rendered: " + why
			row.StatusClass = "bad"
		}
		p.Runs = append(p.Runs, row)
	}
	for _, b := range benches {
		row := benchRow{Href: base.Root + "bench/" + b.Slug + ".html", Suite: b.Suite, Name: b.Instance + " · " + b.Arm}
		var latest *Point
		for _, s := range b.Series {
			kept := false
			for i := range s.Points {
				pt := &s.Points[i]
				if !f.keeps(pt.Run) {
					continue
				}
				kept = true
				row.Points++
				if latest == nil || pt.Run.Doc.Started.After(latest.Run.Doc.Started) {
					latest = pt
				}
			}
			if !kept {
				continue
			}
			row.Machines++
			for _, c := range changeRows(base.Root, b, s) {
				row.Changes++
				p.Changes = append(p.Changes, c)
			}
		}
		if latest == nil {
			continue
		}
		row.Latest = reports.FormatValue(latest.Median, b.Metric)
		row.LatestRel, row.LatestClass = "—", "neutral"
		if latest.Rel != nil {
			row.LatestRel, row.LatestClass = reports.FormatRel(latest.Rel), chart.VerdictClass(latest.Verdict)
		}
		p.Benchmarks = append(p.Benchmarks, row)
	}
	sort.SliceStable(p.Changes, func(i, j int) bool { return p.Changes[i].when > p.Changes[j].when })
	nMachines := len(machines)
	if p.Filtered {
		nMachines = len(p.machinesOf())
	}
	p.Summary = fmt.Sprintf("%d run(s) of %d benchmark(s) on %d machine(s); %d change point(s)", len(p.Runs), len(p.Benchmarks), nMachines, len(p.Changes))
	if len(h.Skipped) > 0 {
		p.Summary += fmt.Sprintf("; %d input(s) skipped", len(h.Skipped))
	}
	if len(h.Runs) == 0 {
		p.Empty = true
		p.EmptyText = "No runs yet: the inputs hold no benchy results documents."
		if len(h.Skipped) > 0 {
			p.EmptyText = "No runs: none of the inputs is a results document this benchy can read (see the skipped inputs below)."
		}
	}
	return p
}

// machinesOf lists the distinct machines of the page's runs.
func (p indexPage) machinesOf() map[string]bool {
	m := map[string]bool{}
	for _, r := range p.Runs {
		m[r.Machine] = true
	}
	return m
}

// changeRows lists a series' change points, newest first.
func changeRows(root string, b *Benchmark, s *Series) []changeRow {
	var out []changeRow
	for i := len(s.Changes) - 1; i >= 0; i-- {
		c := s.Changes[i]
		p := s.Points[c.Index]
		words, class := changeWords(c.Rel, b.Metric, b.Better)
		out = append(out, changeRow{
			BenchHref: root + "bench/" + b.Slug + ".html", Bench: b.Suite + " · " + b.Instance + " · " + b.Arm,
			Words: words, Class: class, Commit: shortCommit(p.Run.Commit), RunHref: runHref(root, p.Run),
			Time: p.Run.Doc.Started.UTC().Format("2006-01-02 15:04"), Machine: s.Machine,
			FromTo: reports.FormatValue(c.Before, b.Metric) + " → " + reports.FormatValue(c.After, b.Metric),
			CI:     fmt.Sprintf("%s (%g%% CI, Welch, between the segments)", reports.FormatRel(relEstimate(c)), 100*p.Confidence),
			when:   p.Run.Doc.Started.UnixNano(),
		})
	}
	return out
}

func relEstimate(c ChangePoint) *stats.Estimate {
	return &stats.Estimate{Estimate: c.Rel, CILo: c.CILo, CIHi: c.CIHi}
}

type benchPage struct {
	pageBase
	Name, Suite, Metric, Better, Baseline string
	Series                                []seriesView
}

type seriesView struct {
	Machine, Fingerprint, Confidence string
	Points                           int
	// Dense is set when the charts have too many runs to mark each.
	Dense     bool
	Time, Rel template.HTML
	Changes   []changeRow
	Rows      []pointRow
}

type pointRow struct {
	Href, Time, Commit, Median, CI, Blocks, RelClass string
	Rel                                              template.HTML
}

func benchView(base pageBase, b *Benchmark) benchPage {
	p := benchPage{pageBase: base, Name: b.Instance + " · " + b.Arm, Suite: b.Suite, Metric: metric.Title(b.Metric), Better: b.Better.Word(), Baseline: b.Baseline}
	p.PageTitle = b.Instance + " · " + b.Arm + " — " + base.Title
	for _, s := range b.Series {
		conf := 0.95
		if n := len(s.Points); n > 0 {
			conf = s.Points[n-1].Confidence
		}
		v := seriesView{Machine: s.Machine, Fingerprint: s.Fingerprint, Confidence: fmt.Sprintf("%g%%", 100*conf), Points: len(s.Points), Dense: dense(len(s.Points)),
			Time: timeChart(b, s, base.Root), Changes: changeRows(base.Root, b, s)}
		if b.Baseline != "" {
			v.Rel = relChart(b, s, base.Root)
		}
		for i := len(s.Points) - 1; i >= 0; i-- {
			pt := s.Points[i]
			row := pointRow{Href: runHref(base.Root, pt.Run), Time: pt.Run.Doc.Started.UTC().Format("2006-01-02 15:04:05"),
				Commit: shortCommit(pt.Run.Commit), Median: reports.FormatValue(pt.Median, b.Metric),
				CI:     ciText(pt.Lo, pt.Hi, pt.Exact, b.Metric),
				Blocks: fmt.Sprint(pt.Blocks), Rel: "—", RelClass: "neutral"}
			if pt.Rel != nil {
				row.Rel, row.RelClass = plainHTML(reports.FormatRel(pt.Rel)), chart.VerdictClass(pt.Verdict)
			}
			v.Rows = append(v.Rows, row)
		}
		p.Series = append(p.Series, v)
	}
	return p
}

// runPage is the summary page of a run whose full report the site does
// not keep.
type runPage struct {
	pageBase
	Heading, Headline, HeadlineClass string
	Meta                             [][2]string
	ResultsHref, Command             string
	FullReports                      int
	Workloads                        []runWorkload
}

type runWorkload struct {
	Name, Confidence string
	Rows             []runArmRow
}

type runArmRow struct {
	Href, Arm, Median, CI, Blocks, RelClass, Verdict string
	Rel                                              template.HTML
	Baseline                                         bool
}

// runView summarizes a run: what its report's header and verdict tables
// say, with each arm linked to its history page. full is how many of the
// newest runs got their full report.
func runView(base pageBase, r *Run, full int) runPage {
	d := r.Doc
	p := runPage{pageBase: base, Heading: "Run of " + d.Suite.Path, Headline: r.Analysis.Headline(), HeadlineClass: "neutral",
		ResultsHref: ResultsName, FullReports: full,
		Command: "gunzip -k " + ResultsName + " && benchy report results.json --format html -o report.html"}
	p.PageTitle = p.Heading + " at " + d.Started.UTC().Format("2006-01-02 15:04") + " — " + base.Title
	if d.Status == results.StatusFailed || len(r.Analysis.FailedArms()) > 0 {
		p.HeadlineClass = "bad"
	}
	commit := "—"
	if r.Commit != "" {
		commit = r.Commit
		if r.BaseCommit != "" {
			commit = "head " + r.Commit + " against base " + r.BaseCommit
		}
	}
	p.Meta = [][2]string{
		{"started", d.Started.UTC().Format("2006-01-02 15:04:05 UTC")},
		{"commit", commit},
		{"suite", d.Suite.Path},
		{"machine", machineName(r)},
		{"status", r.Analysis.Status() + ": " + d.StopReason},
		{"seed", fmt.Sprint(d.Seed)},
		{"run by", "benchy " + d.Benchy},
	}
	for _, wa := range r.Analysis.Workloads {
		w := runWorkload{Name: wa.Name, Confidence: fmt.Sprintf("%g%%", 100*wa.Confidence)}
		for _, arm := range wa.Arms {
			row := runArmRow{Arm: arm.Name, Baseline: arm.Baseline, Median: "—", CI: "—", Blocks: fmt.Sprint(len(arm.BlockValues)),
				Rel: "—", RelClass: "neutral", Verdict: string(arm.Verdict)}
			if len(arm.BlockValues) > 0 {
				row.Href = base.Root + "bench/" + benchSlug(benchKey(d.Suite.Path, wa.Name, arm.Name), wa.Name, arm.Name) + ".html"
				med, lo, hi, exact := medianCI(arm.BlockValues, wa.Confidence)
				row.Median = reports.FormatValue(med, wa.Metric)
				row.CI = ciText(lo, hi, exact, wa.Metric)
			}
			if arm.Rel != nil {
				row.Rel, row.RelClass = plainHTML(reports.FormatRel(arm.Rel)), chart.VerdictClass(arm.Verdict)
			} else if arm.RelError != "" && !arm.Baseline {
				row.Rel = plainHTML(arm.RelError)
			}
			if arm.Status != "" && arm.Status != results.ArmOK {
				row.Verdict = strings.TrimSpace(arm.Status + " " + arm.Reason)
				row.RelClass = "bad"
			}
			w.Rows = append(w.Rows, row)
		}
		p.Workloads = append(p.Workloads, w)
	}
	return p
}

// plainHTML escapes text for HTML as html/template would, but leaves "+"
// as it is (html/template writes &#43;, five bytes for one, in every
// signed number of a table).
func plainHTML(s string) template.HTML {
	return template.HTML(template.HTMLEscapeString(s)) // escaped: <, >, &, ' and " become entities
}

// ciText is a median's confidence interval as the tables show it, marked
// " (range)" where too few blocks gave the sample's range instead.
func ciText(lo, hi float64, exact bool, metric string) string {
	s := reports.FormatValue(lo, metric) + " to " + reports.FormatValue(hi, metric)
	if !exact {
		s += " (range)"
	}
	return s
}
