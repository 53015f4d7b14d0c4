package site

import (
	"crypto/sha256"
	"encoding/hex"
	"sort"
	"strings"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/reports/chart"
	"github.com/benchy-dev/benchy/stats"
)

// Benchmark is one workload instance and arm of one suite across the runs:
// one page of the site.
type Benchmark struct {
	Suite, Instance, Arm string
	Metric               string
	Better               metric.Direction
	// Baseline names the arm the relative differences compare with ("" for
	// the baseline arm itself).
	Baseline string
	// Slug names the page: bench/SLUG.html.
	Slug string
	// Series holds one series per machine fingerprint, in order of first run.
	Series []*Series
}

// Series is a benchmark's points on one machine fingerprint, in run order.
type Series struct {
	Fingerprint string
	// Machine describes the machine of the newest point.
	Machine string
	Points  []Point
	Changes []ChangePoint
}

// Point is one run's value of a benchmark.
type Point struct {
	Run *Run
	// Median is the median of the arm's per-block values (mean time per
	// iteration in each measured block); Lo and Hi bound its
	// distribution-free confidence interval (order statistics), or are the
	// smallest and largest value when too few blocks give one (Exact false).
	Median, Lo, Hi float64
	Exact          bool
	Blocks         int
	Confidence     float64
	// Rel is the arm's relative difference from its baseline in this run,
	// with its jackknife CI; nil for the baseline or when not compared.
	Rel     *stats.Estimate
	Verdict metric.Verdict
}

// benchmarks groups the runs' workload instances and arms into pages, and
// detects the change points of every series.
func benchmarks(runs []*Run) []*Benchmark {
	byKey := map[string]*Benchmark{}
	var out []*Benchmark
	for _, r := range runs {
		for _, wa := range r.Analysis.Workloads {
			base := ""
			if b := wa.Baseline(); b != nil {
				base = b.Name
			}
			for _, arm := range wa.Arms {
				if len(arm.BlockValues) == 0 {
					continue
				}
				key := benchKey(r.Doc.Suite.Path, wa.Name, arm.Name)
				b, ok := byKey[key]
				if !ok {
					b = &Benchmark{Suite: r.Doc.Suite.Path, Instance: wa.Name, Arm: arm.Name, Slug: benchSlug(key, wa.Name, arm.Name)}
					byKey[key] = b
					out = append(out, b)
				}
				b.Metric, b.Better = wa.Metric, wa.Better
				if !arm.Baseline {
					b.Baseline = base
				}
				s := b.series(r.Analysis.Fingerprint)
				s.Machine = r.Analysis.MachineLine()
				p := Point{Run: r, Blocks: len(arm.BlockValues), Confidence: wa.Confidence, Rel: arm.Rel, Verdict: arm.Verdict}
				p.Median, p.Lo, p.Hi, p.Exact = medianCI(arm.BlockValues, wa.Confidence)
				s.Points = append(s.Points, p)
			}
		}
	}
	for _, b := range out {
		for _, s := range b.Series {
			xs := make([]float64, len(s.Points))
			for i, p := range s.Points {
				xs[i] = p.Median
			}
			conf := 0.95
			if n := len(s.Points); n > 0 {
				conf = s.Points[n-1].Confidence
			}
			s.Changes = detectChanges(xs, conf)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if a.Suite != b.Suite {
			return a.Suite < b.Suite
		}
		if a.Instance != b.Instance {
			return a.Instance < b.Instance
		}
		return a.Arm < b.Arm
	})
	return out
}

func (b *Benchmark) series(fp string) *Series {
	for _, s := range b.Series {
		if s.Fingerprint == fp {
			return s
		}
	}
	s := &Series{Fingerprint: fp}
	b.Series = append(b.Series, s)
	return s
}

// medianCI is the median of xs with its distribution-free confidence
// interval from order statistics: [x₍ₖ₎, x₍ₙ₋ₖ₊₁₎] with k the largest such
// that P(Binomial(n, ½) < k) <= (1 − conf)/2, whose coverage is at least
// conf. When no k qualifies (fewer than 6 values at 95%), it returns the
// smallest and largest value and exact false.
func medianCI(xs []float64, conf float64) (median, lo, hi float64, exact bool) {
	s := append([]float64(nil), xs...)
	sort.Float64s(s)
	n := len(s)
	median = stats.Quantile(s, 0.5)
	k := stats.BinomialQuantile(n, 0.5, (1-conf)/2) // smallest k with P(X <= k) >= α/2
	if k < 1 {
		return median, s[0], s[n-1], false
	}
	return median, s[k-1], s[n-k], true
}

// benchKey identifies one arm of one workload instance of a suite across
// runs: the history of a Benchmark.
func benchKey(suite, instance, arm string) string {
	return strings.Join([]string{suite, instance, arm}, "\x00")
}

// benchSlug is the file name of the Benchmark page of key (from benchKey).
func benchSlug(key, instance, arm string) string {
	return slug(key, instance+"-"+arm)
}

// slug makes a file name from a readable part and a digest of key, so
// that any name (slashes, quotes, markup) gives a safe, unique one.
func slug(key, readable string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(readable) {
		ok := r >= 'a' && r <= 'z' || r >= '0' && r <= '9'
		switch {
		case ok:
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
		if b.Len() >= 48 {
			break
		}
	}
	sum := sha256.Sum256([]byte(key))
	return strings.TrimSuffix(b.String(), "-") + "-" + hex.EncodeToString(sum[:4])
}

// changeWords says what a change did, for time metrics "12.0% slower",
// in the words of metric.Judge (the run reports' verdict rule).
func changeWords(rel float64, unit string, better metric.Direction) (words, class string) {
	by := strings.TrimPrefix(strings.TrimPrefix(reports.FormatPercent(rel), "+"), "-")
	v := metric.Judge(true, rel, metric.KindOf(unit), better)
	return by + " " + string(v), chart.VerdictClass(v)
}
