package reports

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/internal/chromium"
)

// The HTML report is opened in a real browser: headless Chromium (Debian's
// chromium package). The test loads the page, fails on any console message
// (the page has no scripts, so any message is a CSP violation, a blocked
// load or a parse problem), checks the parsed DOM for the plots and for any
// element a results document smuggled in, and saves a PNG screenshot whose
// pixels must show the plots' colours. Set BENCHY_CHROMIUM to the browser's
// path, and BENCHY_SCREENSHOT_DIR to keep the screenshots.

func writeHTML(t *testing.T, name string) string {
	t.Helper()
	var b bytes.Buffer
	if err := htmlReport(&b, Analyze(load(t, name))); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), name+".html")
	if err := os.WriteFile(path, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestHTMLInChromium(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: starts a browser")
	}
	browser := chromium.Find(t)
	tests := []struct {
		doc   string
		plots map[string]int
	}{
		{"gpu", map[string]int{"forest": 5, "timeline": 2, "distribution": 2}}, // overview + 2 + 2 energy
		{"xss", map[string]int{"forest": 1, "timeline": 1, "distribution": 1}},
	}
	for _, tc := range tests {
		t.Run(tc.doc, func(t *testing.T) {
			page := writeHTML(t, tc.doc)
			dom, console := chromium.Browse(t, browser, page, "--dump-dom")
			if len(console) > 0 {
				t.Errorf("console messages while loading the report:\n%s", strings.Join(console, "\n"))
			}
			for class, n := range tc.plots {
				if got := strings.Count(dom, `class="plot `+class+`"`); got != n {
					t.Errorf("%d %s plots in the DOM, want %d", got, class, n)
				}
			}
			// Elements that only a results document could have put there.
			if m := regexp.MustCompile(`(?i)<(script|img|iframe|object|embed)\b|<svg onload|<h1>host|<b>bold`).FindAllString(dom, -1); len(m) > 0 {
				t.Errorf("the browser parsed injected elements: %q", m)
			}
			if tc.doc == "xss" && !strings.Contains(dom, `&lt;script&gt;alert("x")&lt;/script&gt;`) {
				t.Error("the workload name is not shown as text")
			}
			shot := filepath.Join(t.TempDir(), tc.doc+".png")
			if _, console := chromium.Browse(t, browser, page, "--window-size=1280,4000", "--screenshot="+shot); len(console) > 0 {
				t.Errorf("console messages while taking the screenshot:\n%s", strings.Join(console, "\n"))
			}
			img := chromium.ReadPNG(t, shot)
			// The forest plot's squares and the timeline's arm colours must
			// have been painted: Okabe-Ito blue (#0072b2, arm 1) and the
			// "good" green (#007a5a) of a faster verdict.
			for _, c := range []struct {
				name    string
				r, g, b uint8
				min     int
			}{{"arm blue", 0x00, 0x72, 0xb2, 40}, {"verdict green", 0x00, 0x7a, 0x5a, 20}} {
				if tc.doc == "xss" && c.name == "verdict green" {
					continue // nothing is faster there
				}
				if n := chromium.CountColor(img, c.r, c.g, c.b); n < c.min {
					t.Errorf("%d pixels of %s in the screenshot, want at least %d: the plots did not render", n, c.name, c.min)
				}
			}
			if dir := os.Getenv("BENCHY_SCREENSHOT_DIR"); dir != "" {
				keep := filepath.Join(dir, "report-"+tc.doc+".png")
				if b, err := os.ReadFile(shot); err == nil {
					if err := os.WriteFile(keep, b, 0o644); err != nil {
						t.Error(err)
					}
					t.Logf("screenshot kept in %s", keep)
				}
			}
		})
	}
}

// TestChromiumConsoleDetection shows that the console check can fail: a
// page that breaks the report's Content-Security-Policy logs a message.
func TestChromiumConsoleDetection(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: starts a browser")
	}
	browser := chromium.Find(t)
	page := filepath.Join(t.TempDir(), "bad.html")
	bad := `<!DOCTYPE html><html><head><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head>` +
		`<body><p>x</p><script>document.title = "ran"</script></body></html>`
	if err := os.WriteFile(page, []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, console := chromium.Browse(t, browser, page, "--dump-dom")
	if len(console) == 0 {
		t.Fatal("a blocked inline script logged nothing: the console check cannot see errors")
	}
	if !strings.Contains(strings.Join(console, "\n"), "Content Security Policy") {
		t.Errorf("unexpected console output: %q", console)
	}
}

// TestHTMLFiveArmsStayInColumn opens a five-arm report (one arm 30.9×
// slower, whose CI text is the longest) in Chromium at 1280 pixels and
// checks that nothing is painted right of the content column: the forest
// plot's value labels used to run out of it.
func TestHTMLFiveArmsStayInColumn(t *testing.T) {
	if testing.Short() {
		t.Skip("skipped in -short mode: starts a browser")
	}
	browser := chromium.Find(t)
	var b bytes.Buffer
	if err := htmlReport(&b, Analyze(fiveArmDoc())); err != nil {
		t.Fatal(err)
	}
	page := filepath.Join(t.TempDir(), "five.html")
	if err := os.WriteFile(page, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	shot := filepath.Join(t.TempDir(), "five.png")
	if _, console := chromium.Browse(t, browser, page, "--window-size=1280,2400", "--screenshot="+shot); len(console) > 0 {
		t.Errorf("console messages:\n%s", strings.Join(console, "\n"))
	}
	img := chromium.ReadPNG(t, shot)
	// body: max-width 1080px, centred, 28px padding: the content column
	// ends at x = 100 + 1080 - 28 = 1152 in a 1280-pixel window.
	const columnEnd = 1152
	bounds := img.Bounds()
	bg := img.At(bounds.Max.X-1, bounds.Min.Y)
	painted := 0
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := columnEnd + 4; x < bounds.Max.X; x++ {
			if img.At(x, y) != bg {
				painted++
			}
		}
	}
	if painted > 0 {
		t.Errorf("%d pixels painted right of the content column", painted)
	}
	if dir := os.Getenv("BENCHY_SCREENSHOT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, "report-five-arms.png"), readFile(t, shot), 0o644); err != nil {
			t.Error(err)
		}
	}
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
