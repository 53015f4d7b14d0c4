package hw

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/benchy-dev/benchy/results"
)

func TestSampleLoad(t *testing.T) {
	fsys := fstest.MapFS{
		"proc/loadavg":     {Data: []byte("7.05 3.10 1.20 9/512 4242\n")},
		cpuSys + "/online": {Data: []byte("0-1\n")},
		cpuSys + "/cpu0/cpufreq/scaling_cur_freq": {Data: []byte("2400000\n")},
		cpuSys + "/cpu1/cpufreq/scaling_cur_freq": {Data: []byte("1800000\n")},
	}
	s := sampleLoad(fsys)
	if s.Load1 != 7.05 || s.CPUs != 2 || s.MHz != 2100 || !s.Loaded() {
		t.Errorf("sample = %+v", s)
	}
	// A VM: no cpufreq, so no frequency; the load is still read.
	vm := sampleLoad(fstest.MapFS{"proc/loadavg": {Data: []byte("0.50 0.40 0.30 1/99 7\n")}, cpuSys + "/online": {Data: []byte("0-3\n")}})
	if vm.Load1 != 0.5 || vm.CPUs != 4 || vm.MHz != 0 || vm.Loaded() {
		t.Errorf("VM sample = %+v", vm)
	}
	// The testdata hosts: the VM has no scaling_cur_freq.
	if s := sampleLoad(os.DirFS(filepath.Join("testdata", "hosts", "epyc-vm"))); s.MHz != 0 || s.CPUs == 0 {
		t.Errorf("epyc-vm sample = %+v", s)
	}
}

func TestAssessLoad(t *testing.T) {
	quiet := []results.LoadSample{{Load1: 0.2, CPUs: 2}, {Load1: 0.9, CPUs: 2}, {Load1: 1.1, CPUs: 2}}
	if w := AssessLoad(quiet).Warnings(); len(w) != 0 {
		t.Errorf("quiet run: %q", w)
	}
	if w := AssessLoad(nil).Warnings(); len(w) != 0 {
		t.Errorf("no samples: %q", w)
	}
	// The user's case: load 7 on 2 CPUs throughout.
	busy := []results.LoadSample{{Load1: 6.8, CPUs: 2}, {Load1: 7.1, CPUs: 2}, {Load1: 7.0, CPUs: 2}}
	a := AssessLoad(busy)
	w := a.Warnings()
	if a.Loaded != 3 || len(w) != 1 || !strings.HasPrefix(w[0], "host load high in 3 of 3 measured block(s): 1-minute load average up to 7.10 on 2 CPUs") {
		t.Errorf("busy run: %+v %q", a, w)
	}
	// A build that starts halfway: the load changes, and ends up high.
	ramp := []results.LoadSample{{Load1: 1, CPUs: 8, MHz: 3000}, {Load1: 3, CPUs: 8, MHz: 3000}, {Load1: 6, CPUs: 8, MHz: 2500}}
	a = AssessLoad(ramp)
	w = a.Warnings()
	if a.Loaded != 0 || !a.LoadChanged() || !a.FreqChanged() || len(w) != 2 ||
		!strings.HasPrefix(w[0], "host load changed during the run: 1-minute load average from 1.00 to 6.00 on 8 CPUs") ||
		w[1] != "CPU frequency changed during the run: mean 2500 to 3000 MHz over the blocks (17%)" {
		t.Errorf("ramp: %+v %q", a, w)
	}
	// benchy's own arm moves the load by about 1 as the run starts: no change.
	if a := AssessLoad([]results.LoadSample{{Load1: 0, CPUs: 2}, {Load1: 1.4, CPUs: 2}}); a.LoadChanged() {
		t.Errorf("start-up ramp counted as a change: %+v", a)
	}
}

func BenchmarkSampleLoad(b *testing.B) {
	for b.Loop() {
		SampleLoad()
	}
}
