package reports

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/results"
)

var loadMark = regexp.MustCompile(`<title>block \d+: host load [0-9.]+ on 2 CPUs</title>`)

// A run under load: every report warns, once per workload, and the HTML
// timeline marks the loaded blocks (#15.14); a quiet run says nothing.
func TestLoadWarnings(t *testing.T) {
	values := [][]float64{{100, 101, 99, 100, 102}, {110, 112, 109, 111, 110}}
	for _, tc := range []struct {
		name  string
		loads []float64 // per measured block, on 2 CPUs
		want  []string
	}{
		{"quiet", []float64{0.9, 1.0, 1.1, 1.0, 1.0}, nil},
		{"busy", []float64{1.2, 7.0, 7.1, 6.9, 7.0}, []string{
			"warning: host load high in 4 of 5 measured block(s): 1-minute load average up to 7.10 on 2 CPUs",
			"warning: host load changed during the run: 1-minute load average from 1.20 to 7.10 on 2 CPUs"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := mkDoc("w", "lower", []string{"base", "new"}, values)
			for i, b := range doc.Workloads[0].Blocks[1:] {
				b.Load = &results.LoadSample{Load1: tc.loads[i], CPUs: 2}
			}
			// A loaded warm-up block is neither counted nor warned about.
			doc.Workloads[0].Blocks[0].Load = &results.LoadSample{Load1: 9, CPUs: 2}
			a := Analyze(doc)
			var text, md, html bytes.Buffer
			if err := textReport(&text, a, Options{}); err != nil {
				t.Fatal(err)
			}
			if err := markdownReport(&md, a, Options{}); err != nil {
				t.Fatal(err)
			}
			if err := htmlReport(&html, a); err != nil {
				t.Fatal(err)
			}
			for name, out := range map[string]string{"text": text.String(), "markdown": md.String(), "html": html.String()} {
				if got := strings.Count(out, "warning: host load"); got != len(tc.want) {
					t.Errorf("%s: %d load warnings, want %d:\n%s", name, got, len(tc.want), out)
				}
				for _, w := range tc.want {
					if !strings.Contains(out, w) {
						t.Errorf("%s lacks %q", name, w)
					}
				}
			}
			// Loaded blocks are marked in the timeline, warm-up included:
			// block 0 in both runs, and blocks 2 to 5 in the busy one.
			marks := loadMark.FindAllString(html.String(), -1)
			if want := map[string]int{"quiet": 1, "busy": 5}[tc.name]; len(marks) != want {
				t.Errorf("timeline marks %q, want %d", marks, want)
			}
			if tc.name == "busy" && !strings.Contains(html.String(), "block 2: host load 7.00 on 2 CPUs") {
				t.Error("the timeline's mark has no tooltip")
			}
		})
	}
}
