package site

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/chromium"
)

// TestSiteInChromium opens the index, a benchmark page and a run's summary
// page of the fixed history (with a hostile run among it) in headless
// Chromium, every page linking the site's style sheet: no console
// message (the pages have no scripts, so any message is a CSP violation, a
// blocked load or a parse problem), the charts in the parsed DOM with a
// link on every point, and the charts' colours painted in a screenshot.
// BENCHY_SCREENSHOT_DIR keeps the screenshots (docs/img/site-*.png).
func TestSiteInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: starts a browser")
	}
	browser := chromium.Find(t)
	out, h, _ := buildSiteWith(t, Options{FullReports: 3}, historyDir, filepath.Join("testdata", "xss.json"))
	var slower *Benchmark
	for _, b := range benchmarks(h.Runs) {
		if b.Arm == "slower" {
			slower = b
		}
	}
	tests := []struct {
		name, page string
		plots      map[string]int
		links      int
	}{
		{"index", "index.html", nil, 0},
		{"bench", "bench/" + slower.Slug + ".html", map[string]int{"history": 2, "history-rel": 2}, 2 * 15},
		{"summary", "runs/" + h.Runs[0].ID + "/index.html", nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page := filepath.Join(out, filepath.FromSlash(tc.page))
			dom, console := chromium.Browse(t, browser, page, "--dump-dom")
			if len(console) > 0 {
				t.Errorf("console messages while loading %s:\n%s", tc.page, strings.Join(console, "\n"))
			}
			for class, n := range tc.plots {
				if got := strings.Count(dom, `class="plot `+class+`"`); got != n {
					t.Errorf("%d %s charts in the DOM, want %d", got, class, n)
				}
			}
			if got := strings.Count(dom, `<a href="../runs/`); tc.links > 0 && got < tc.links {
				t.Errorf("%d links to runs in the DOM, want at least %d (one per point)", got, tc.links)
			}
			if tc.name == "index" && !strings.Contains(dom, "&lt;h1&gt;host&lt;/h1&gt;") {
				t.Error("the hostile host name is not text in the DOM")
			}
			shot := filepath.Join(t.TempDir(), tc.name+".png")
			if _, console := chromium.Browse(t, browser, page, "--window-size=1280,1800", "--screenshot="+shot); len(console) > 0 {
				t.Errorf("console messages while taking the screenshot:\n%s", strings.Join(console, "\n"))
			}
			img := chromium.ReadPNG(t, shot)
			if tc.name == "summary" {
				// The notice's panel (#f5f7fa): the linked style sheet loaded.
				if n := chromium.CountColor(img, 0xf5, 0xf7, 0xfa); n < 2000 {
					t.Errorf("%d pixels of the panel colour in the screenshot: the style sheet did not apply", n)
				}
			}
			if tc.name == "bench" {
				// The series' blue (#0072b2) and the change point's red (#c43e00).
				for _, c := range []struct {
					name    string
					r, g, b uint8
					min     int
				}{{"series blue", 0x00, 0x72, 0xb2, 200}, {"change red", 0xc4, 0x3e, 0x00, 20}} {
					if n := chromium.CountColor(img, c.r, c.g, c.b); n < c.min {
						t.Errorf("%d pixels of %s in the screenshot, want at least %d: the charts did not render", n, c.name, c.min)
					}
				}
			}
			if dir := os.Getenv("BENCHY_SCREENSHOT_DIR"); dir != "" {
				b, err := os.ReadFile(shot)
				if err != nil {
					t.Fatal(err)
				}
				keep := filepath.Join(dir, "site-"+tc.name+".png")
				if err := os.WriteFile(keep, b, 0o644); err != nil {
					t.Fatal(err)
				}
				t.Logf("screenshot kept in %s", keep)
			}
		})
	}
}
