package reports

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzTelemetryOf: any bytes either decode as a run's telemetry or are
// refused; never a panic, and a decoded record describes itself.
func FuzzTelemetryOf(f *testing.F) {
	f.Add([]byte(`{"throttled":true,"reasons":["sw_power_cap"],"before":[{"sm_mhz":1410,"power_w":300}],"energy_per_iteration_j":0.5}`))
	f.Add([]byte(`{"reasons":12}`))
	f.Add([]byte(`null`))
	f.Add([]byte(`{"before":[{"error":"GPU is lost"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		tel, ok := decodeTelemetry(b)
		if ok {
			_ = tel.Describe()
		}
	})
}

// FuzzHTMLNames: whatever a suite calls its workloads and arms, the HTML
// report shows it as text. The fuzzer mutates the names; a raw "<" from a
// name would open an element.
func FuzzHTMLNames(f *testing.F) {
	f.Add("w", "a<script>alert(1)</script>", "b\"'&")
	f.Add("<img src=x onerror=alert(1)>", "</svg><svg onload=alert(1)>", "]]><!--")
	f.Add("w\x1b]0;t\x07", "a\u009b2J", "b\r\x00")
	f.Fuzz(func(t *testing.T, workload, a, b string) {
		// Ω, which benchy's own markup never uses, fences each name so that
		// a raw occurrence can only be the name itself.
		workload, a, b = "Ω"+workload+"Ω", "Ω"+a+"Ω", "Ω"+b+"Ω"
		if a == b {
			return
		}
		doc := mkDoc(workload, "lower", []string{a, b}, [][]float64{{100, 101, 99}, {110, 111, 109}})
		var out bytes.Buffer
		if err := htmlReport(&out, Analyze(doc)); err != nil {
			t.Fatal(err)
		}
		for _, name := range []string{workload, a, b} {
			if strings.ContainsAny(name, "<>&\"'") && strings.Contains(out.String(), name) {
				t.Fatalf("name %q appears unescaped", name)
			}
		}
		if i := strings.IndexFunc(out.String(), func(r rune) bool {
			return (r < 0x20 && r != '\n' && r != '\t') || r == 0x7f || (r >= 0x80 && r <= 0x9f)
		}); i >= 0 {
			t.Fatalf("a raw control character in the page at %d: %q", i, out.String()[max(0, i-20):min(out.Len(), i+10)])
		}
		var md bytes.Buffer
		if err := markdownReport(&md, Analyze(doc), Options{}); err != nil {
			t.Fatal(err)
		}
		if md.Len() > maxMarkdownBytes {
			t.Fatalf("markdown of %d bytes", md.Len())
		}
	})
}

// FuzzMarkdownMaxBytes: any cap gives a report of at most that many bytes,
// in valid UTF-8, without a panic.
func FuzzMarkdownMaxBytes(f *testing.F) {
	for _, n := range []int{1, 24, 150, 299, 300, 1000} {
		f.Add(n, "w", "a")
	}
	f.Fuzz(func(t *testing.T, limit int, workload, arm string) {
		if limit <= 0 || arm == "base" {
			return
		}
		doc := mkDoc(workload, "lower", []string{"base", arm}, [][]float64{{100, 101, 99}, {110, 111, 109}})
		var md bytes.Buffer
		if err := markdownReport(&md, Analyze(doc), Options{MaxBytes: limit}); err != nil {
			t.Fatal(err)
		}
		if md.Len() > limit || !utf8.Valid(md.Bytes()) && utf8.ValidString(workload) && utf8.ValidString(arm) {
			t.Fatalf("limit %d: %d bytes, valid UTF-8 %v", limit, md.Len(), utf8.Valid(md.Bytes()))
		}
	})
}
