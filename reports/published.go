package reports

import (
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strings"

	"github.com/benchy-dev/benchy/results"
)

// modelBytesKey is the worker setup information that gives the size of the
// model an arm ran (the onnx runner records it).
const modelBytesKey = "model_bytes"

// modelBytes reads the model size from an arm's setup information; 0 when
// it is absent or not a positive whole number.
func modelBytes(info map[string]any) int64 {
	var f float64
	switch v := info[modelBytesKey].(type) {
	case float64:
		f = v
	case int:
		f = float64(v)
	case int64:
		f = float64(v)
	case json.Number:
		n, err := v.Float64()
		if err != nil {
			return 0
		}
		f = n
	default:
		return 0
	}
	if f <= 0 || f != math.Trunc(f) || f >= math.MaxInt64 {
		return 0
	}
	return int64(f)
}

// formatModelBytes prints a size in decimal megabytes with the binary mebibytes
// beside it ("98.1 MB (93.6 MiB)"), since publications use either for "MB";
// sizes under a megabyte print in kB or bytes.
func formatModelBytes(n int64) string {
	switch {
	case n >= 1e6:
		return fmt.Sprintf("%.1f MB (%.1f MiB)", float64(n)/1e6, float64(n)/(1<<20))
	case n >= 1e3:
		return fmt.Sprintf("%.1f kB", float64(n)/1e3)
	}
	return fmt.Sprintf("%d B", n)
}

// HasPublished reports whether the suite gives a published figure for any
// arm of the workload instance.
func (wa *WorkloadAnalysis) HasPublished() bool {
	return wa.anyArm(func(a *ArmAnalysis) bool { return a.Published != "" })
}

// HasModelSize reports whether any arm of the workload instance recorded
// the size of its model.
func (wa *WorkloadAnalysis) HasModelSize() bool {
	return wa.anyArm(func(a *ArmAnalysis) bool { return a.ModelBytes > 0 })
}

// publishedCells are the optional cells that stand beside an arm's geomean:
// the published figure and the measured model size.
func publishedCells(wa *WorkloadAnalysis, arm *ArmAnalysis) []string {
	var cells []string
	if wa.HasPublished() {
		cells = append(cells, orDash(arm.Published))
	}
	if wa.HasModelSize() {
		size := "—"
		if arm.ModelBytes > 0 {
			size = formatModelBytes(arm.ModelBytes)
		}
		cells = append(cells, size)
	}
	return cells
}

// publishedHeaders are the headers of publishedCells.
func publishedHeaders(wa *WorkloadAnalysis) []string {
	var h []string
	if wa.HasPublished() {
		h = append(h, "published")
	}
	if wa.HasModelSize() {
		h = append(h, "model size")
	}
	return h
}

// besideGeomean inserts cells after a row's second cell (the geomean).
func besideGeomean(row, cells []string) []string {
	if len(cells) == 0 || len(row) < 2 {
		return row
	}
	out := make([]string, 0, len(row)+len(cells))
	out = append(out, row[:2]...)
	out = append(out, cells...)
	return append(out, row[2:]...)
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// publishedLine is the citation in one line: "Published (SOURCE): CLAIM",
// or "Published (SOURCE)" without a claim; "" for nil.
func publishedLine(p *results.Published) string {
	if p == nil {
		return ""
	}
	if p.Claim == "" {
		return "Published (" + p.Source + ")"
	}
	return "Published (" + p.Source + "): " + p.Claim
}

// publishedURL returns the citation's address when it is an absolute http
// or https URL, else "" (a results document is data: a javascript: or
// relative address is never made a link).
func publishedURL(p *results.Published) string {
	if p == nil || p.URL == "" {
		return ""
	}
	u, err := url.Parse(p.URL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return p.URL
}

// mdURL makes an http(s) address safe as a Markdown link destination.
var mdURL = strings.NewReplacer("(", "%28", ")", "%29", " ", "%20", "<", "%3C", ">", "%3E", `"`, "%22",
	"`", "%60", `\`, "%5C", "[", "%5B", "]", "%5D", "|", "%7C", "\n", "%0A", "\r", "%0D")
