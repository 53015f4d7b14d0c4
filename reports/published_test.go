package reports

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/results"
)

func TestModelBytes(t *testing.T) {
	for _, tc := range []struct {
		info map[string]any
		want int64
	}{
		{map[string]any{"model_bytes": float64(98100000)}, 98100000}, // as JSON decodes it
		{map[string]any{"model_bytes": 40333568}, 40333568},          // as the runner records it
		{map[string]any{"model_bytes": int64(7)}, 7},
		{map[string]any{"model_bytes": json.Number("123")}, 123},
		{map[string]any{"model_bytes": json.Number("x")}, 0},
		{map[string]any{"model_bytes": "98.1 MB"}, 0},
		{map[string]any{"model_bytes": -5.0}, 0},
		{map[string]any{"model_bytes": 1.5}, 0},
		{map[string]any{"model": "replica:trill"}, 0},
		{nil, 0},
	} {
		if got := modelBytes(tc.info); got != tc.want {
			t.Errorf("modelBytes(%v) = %d, want %d", tc.info, got, tc.want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	for n, want := range map[int64]string{
		98_098_000: "98.1 MB (93.6 MiB)", // TRILL's replica: the paper's 98.1 MB is decimal
		40_333_568: "40.3 MB (38.5 MiB)", // FRILL's replica: the paper's 38.5 MB is MiB
		1_500:      "1.5 kB",
		999:        "999 B",
	} {
		if got := formatModelBytes(n); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPublishedLine(t *testing.T) {
	for _, tc := range []struct {
		p    *results.Published
		want string
	}{
		{nil, ""},
		{&results.Published{Source: "Peplinski et al. (2021)", Claim: "32x faster"}, "Published (Peplinski et al. (2021)): 32x faster"},
		{&results.Published{Source: "TAO notebook", Arms: map[string]string{"a": "1.33 ms"}}, "Published (TAO notebook)"},
	} {
		if got := publishedLine(tc.p); got != tc.want {
			t.Errorf("PublishedLine(%+v) = %q, want %q", tc.p, got, tc.want)
		}
	}
}

// TestPublishedURLNeverALink: a results document is data, so an address
// that is not absolute http(s) is shown as no link at all, in HTML and
// Markdown, however the document got it.
func TestPublishedURLNeverALink(t *testing.T) {
	for _, u := range []string{"javascript:alert(1)", "JAVASCRIPT:alert(1)", "data:text/html,<script>alert(1)</script>", "//evil.example/x", "/relative", "https://", "vbscript:x"} {
		doc := load(t, "gpu")
		doc.Workloads[0].Published.URL = u
		doc.Workloads[1].Published = nil
		a := Analyze(doc)
		var h, md, txt, js bytes.Buffer
		if err := htmlReport(&h, a); err != nil {
			t.Fatal(err)
		}
		if err := jsonReport(&js, a); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(js.String(), `"url"`) {
			t.Errorf("%q: the analysis JSON passes the address on", u)
		}
		if err := markdownReport(&md, a, Options{}); err != nil {
			t.Fatal(err)
		}
		if err := textReport(&txt, a, Options{}); err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`<a href="[^#]`).MatchString(h.String()) || strings.Contains(h.String(), "evil.example") {
			t.Errorf("%q: the HTML links the address", u)
		}
		if !strings.Contains(h.String(), "<cite>NVIDIA TAO BodyPoseNet notebook") {
			t.Errorf("%q: the HTML lost the citation", u)
		}
		if strings.Contains(md.String(), "](") || strings.Contains(txt.String(), " — "+u) {
			t.Errorf("%q: the Markdown or text shows the address", u)
		}
	}
}

// TestPublishedOnlyWhereCited: the columns and the citation appear only
// in workload instances that have them, and an arm without a figure or a
// model size shows a dash.
func TestPublishedOnlyWhereCited(t *testing.T) {
	doc := load(t, "gpu")
	doc.Workloads[1].Published = nil
	for _, arm := range doc.Workloads[1].Arms {
		arm.Info = nil
	}
	a := Analyze(doc)
	if !a.Workloads[0].HasPublished() || !a.Workloads[0].HasModelSize() || a.Workloads[1].HasPublished() || a.Workloads[1].HasModelSize() {
		t.Fatal("HasPublished/HasModelSize do not follow the document")
	}
	var b bytes.Buffer
	if err := markdownReport(&b, a, Options{}); err != nil {
		t.Fatal(err)
	}
	md := b.String()
	if n := strings.Count(md, "| published | model size |"); n != 1 {
		t.Errorf("%d tables with the published columns, want 1", n)
	}
	if n := strings.Count(md, "\nPublished ("); n != 1 {
		t.Errorf("%d citations, want 1", n)
	}
	if !strings.Contains(md, "| `onnx/precision=fp32` (baseline) | 4.09 ms | — | 67.2 MB (64.1 MiB) | 4.09 ms | 4.16 ms |") {
		t.Errorf("the baseline row lacks its dash and model size:\n%s", md)
	}
	b.Reset()
	if err := jsonReport(&b, a); err != nil {
		t.Fatal(err)
	}
	var v struct {
		Workloads []struct {
			Published *struct{ Source, Claim, URL string }
			Arms      []struct {
				Published  string
				ModelBytes int64 `json:"model_bytes"`
			}
		}
	}
	if err := json.Unmarshal(b.Bytes(), &v); err != nil {
		t.Fatal(err)
	}
	w0, w1 := v.Workloads[0], v.Workloads[1]
	if w0.Published == nil || w0.Published.Claim != "BodyPoseNet is about 9x faster than OpenPose" || w0.Arms[2].Published != "1.33 ms" || w0.Arms[2].ModelBytes != 16921730 {
		t.Errorf("analysis JSON of the cited workload: %+v", w0)
	}
	if w1.Published != nil || w1.Arms[1].Published != "" || w1.Arms[1].ModelBytes != 0 {
		t.Errorf("analysis JSON of the uncited workload: %+v", w1)
	}
}
