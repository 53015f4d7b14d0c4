package site

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestScale measures a large history: BENCHY_SITE_SCALE=RUNSxINSTANCES
// (e.g. 1000x20) generates that many runs of that many workload instances
// each from the real run, with a 15% step in one instance's "slower" arm
// half-way, and logs the time Load and Build take, the site's size, the
// CPU and the load average. It asserts what was built, never how fast.
//
//	BENCHY_SITE_SCALE=1000x20 go test ./site -run TestScale -v -timeout 30m
//
// BENCHY_SITE_KEEP=DIR builds the site in DIR (new, or built before) and
// leaves it there.
func TestScale(t *testing.T) {
	spec := os.Getenv("BENCHY_SITE_SCALE")
	if spec == "" {
		t.Skip("set BENCHY_SITE_SCALE=RUNSxINSTANCES (e.g. 1000x20) to measure a large history")
	}
	var runs, instances int
	if _, err := fmt.Sscanf(spec, "%dx%d", &runs, &instances); err != nil || runs < 1 || instances < 1 {
		t.Fatalf("BENCHY_SITE_SCALE=%q is not RUNSxINSTANCES", spec)
	}
	real := loadReal(t)
	genStart := time.Now()
	docs := generate(t, real, historySpec{Runs: runs, Instances: instances, Seed: 7,
		Steps: []step{{Instance: "sleep/n=3", Arm: "slower", From: runs / 2, Factor: 1.15}}})
	in := t.TempDir()
	writeHistory(t, in, docs)
	docs = nil
	inBytes := dirBytes(t, in)
	t.Logf("generated %d runs × %d workload instances in %s: %.1f MB of results", runs, instances, time.Since(genStart).Round(time.Millisecond), float64(inBytes)/1e6)

	load0 := loadavg()
	cpu0 := cpuTime()
	start := time.Now()
	h, err := Load([]string{in})
	if err != nil {
		t.Fatal(err)
	}
	loaded, loadCPU := time.Since(start), cpuTime()-cpu0
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	t.Logf("after Load: heap %.0f MB, %d GC cycles, GC CPU fraction %.2f", float64(ms.HeapAlloc)/1e6, ms.NumGC, ms.GCCPUFraction)
	out := filepath.Join(t.TempDir(), "site")
	if keep := os.Getenv("BENCHY_SITE_KEEP"); keep != "" {
		out = keep // to look at the site afterwards
	}
	sum, err := Build(out, h, Options{Version: "scale"})
	if err != nil {
		t.Fatal(err)
	}
	total := time.Since(start)
	cpu := cpuTime() - cpu0
	if sum.Runs != runs || len(h.Skipped) != 0 {
		t.Fatalf("%d runs, %d skipped", sum.Runs, len(h.Skipped))
	}
	if want := 2 * instances; sum.Benchmarks != want {
		t.Errorf("%d benchmark pages, want %d", sum.Benchmarks, want)
	}
	k := sizeByKind(t, out)
	t.Logf("built in %s (load and analysis %s, %d workers): %d files, %.1f MB: %d full run reports %.1f MB, %d run summaries %.1f MB, %s copies %.1f MB, history pages %.1f MB, index and filter pages %.1f MB; %d change point(s)",
		total.Round(10*time.Millisecond), loaded.Round(10*time.Millisecond), runtime.GOMAXPROCS(0), sum.Files, float64(sum.Bytes)/1e6,
		sum.FullReports, float64(k.reports)/1e6, sum.Runs-sum.FullReports, float64(k.summaries)/1e6, ResultsName, float64(k.results)/1e6,
		float64(k.bench)/1e6, float64(k.index)/1e6, sum.Changes)
	if k.reports+k.summaries+k.results+k.bench+k.index != sum.Bytes-int64(len(markerText)) {
		t.Errorf("the kinds add up to %d bytes, the site has %d", k.reports+k.summaries+k.results+k.bench+k.index, sum.Bytes)
	}
	t.Logf("CPU time (user + system): Load %s, Build %s; together %s, i.e. %s of wall time on %d idle CPUs",
		loadCPU.Round(10*time.Millisecond), (cpu - loadCPU).Round(10*time.Millisecond), cpu.Round(10*time.Millisecond),
		(cpu / time.Duration(runtime.NumCPU())).Round(10*time.Millisecond), runtime.NumCPU())
	t.Logf("CPU: %s × %d; load average before %s, after %s", cpuModel(), runtime.NumCPU(), load0, loadavg())
}

// cpuTime is the process's user and system CPU time so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func dirBytes(t *testing.T, dir string) int64 {
	var n int64
	if err := filepath.Walk(dir, func(_ string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			n += info.Size()
		}
		return err
	}); err != nil {
		t.Fatal(err)
	}
	return n
}

// siteKinds are the bytes of a site's files by kind.
type siteKinds struct{ reports, summaries, results, bench, index int64 }

// sizeByKind sums a site's files by kind; a run's page is a summary when
// it is the site's own run template (it names the results file in its
// notice) rather than the report.
func sizeByKind(t *testing.T, dir string) siteKinds {
	var k siteKinds
	if err := filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Name() == Marker {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		n := info.Size()
		switch first, _, _ := strings.Cut(filepath.ToSlash(rel), "/"); {
		case info.Name() == ResultsName:
			k.results += n
		case first == "runs":
			b, err := os.ReadFile(p)
			if err != nil {
				return err
			}
			if bytes.Contains(b, []byte(`<p class="notice">`)) {
				k.summaries += n
			} else {
				k.reports += n
			}
		case first == "bench":
			k.bench += n
		default:
			k.index += n
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return k
}

func loadavg() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	return strings.Join(strings.Fields(string(b))[:3], " ")
}

func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return runtime.GOARCH
	}
	for _, line := range bytes.Split(b, []byte("\n")) {
		if k, v, ok := strings.Cut(string(line), ":"); ok && strings.TrimSpace(k) == "model name" {
			return strings.TrimSpace(v)
		}
	}
	return runtime.GOARCH
}
