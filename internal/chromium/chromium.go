// Package chromium opens pages in headless Chromium for tests: it finds
// the browser, runs it on a file and returns what the page logged to the
// console, the DOM it parsed, or a screenshot. Only test code imports it.
//
// Set BENCHY_CHROMIUM to the browser's path; without one, tests that need
// it skip with a message saying how to install it.
package chromium

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// Flags are the launch flags verified on the build machines, plus logging
// of console messages to stderr.
var Flags = []string{
	"--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
	"--disable-background-networking", "--disable-component-update", "--disable-sync",
	"--hide-scrollbars", "--enable-logging=stderr", "--v=0", "--force-color-profile=srgb",
}

// Find returns the browser's path, or skips the test.
func Find(t testing.TB) string {
	t.Helper()
	if p := os.Getenv("BENCHY_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "headless_shell"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("skipped: no Chromium found (Debian: apt-get install -y chromium; or set BENCHY_CHROMIUM); the page was not opened in a browser")
	return ""
}

// Browse runs the browser on the file with extra arguments (--dump-dom,
// --screenshot=FILE, --window-size=W,H) and returns its stdout and the
// console messages it logged.
func Browse(t testing.TB, browser, file string, args ...string) (stdout string, console []string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 120*time.Second)
	defer cancel()
	argv := append(append(append([]string{}, Flags...), "--user-data-dir="+t.TempDir()), args...)
	argv = append(argv, "file://"+file)
	cmd := exec.CommandContext(ctx, browser, argv...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		t.Fatalf("%s: %v\n%s", browser, err, Tail(errb.String(), 2000))
	}
	for _, line := range strings.Split(errb.String(), "\n") {
		if strings.Contains(line, ":CONSOLE") {
			console = append(console, line)
		}
	}
	return out.String(), console
}

// Tail is the last n bytes of s.
func Tail(s string, n int) string {
	if len(s) > n {
		return s[len(s)-n:]
	}
	return s
}

// ReadPNG decodes a screenshot.
func ReadPNG(t testing.TB, path string) image.Image {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatalf("no screenshot: %v", err)
	}
	defer f.Close()
	img, err := png.Decode(f)
	if err != nil {
		t.Fatalf("screenshot: %v", err)
	}
	return img
}

// CountColor counts the pixels within a small distance of the colour.
func CountColor(img image.Image, r, g, b uint8) int {
	n := 0
	bounds := img.Bounds()
	for y := bounds.Min.Y; y < bounds.Max.Y; y++ {
		for x := bounds.Min.X; x < bounds.Max.X; x++ {
			pr, pg, pb, _ := img.At(x, y).RGBA()
			if near(pr>>8, r) && near(pg>>8, g) && near(pb>>8, b) {
				n++
			}
		}
	}
	return n
}

func near(a uint32, b uint8) bool {
	d := int(a) - int(b)
	return d >= -12 && d <= 12
}
