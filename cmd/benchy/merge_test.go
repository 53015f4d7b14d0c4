package main

import (
	"encoding/json"
	"fmt"
	"math"
	"path/filepath"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/fleet"
	"github.com/benchy-dev/benchy/internal/golden"
	"github.com/benchy-dev/benchy/results"
)

// The three documents in testdata/merge come from real runs of the
// quickstart suite on this machine with seeds 1, 2 and 3 (`benchy run
// quickstart --seed N`); environment.host was rewritten to host-N in each
// copy so that the seeds stand in for three hosts.
const mergeTestdata = "testdata/merge"

func mergeInputs() []string {
	return []string{
		filepath.Join(mergeTestdata, "host-1.json"),
		filepath.Join(mergeTestdata, "host-2.json"),
		filepath.Join(mergeTestdata, "host-3.json"),
	}
}

func TestMergeGolden(t *testing.T) {
	for _, format := range []string{"text", "markdown"} {
		t.Run(format, func(t *testing.T) {
			code, out, errs := benchy(t, append([]string{"merge", "--format", format}, mergeInputs()...)...)
			if code != 0 {
				t.Fatalf("exit %d: %s", code, errs)
			}
			golden.Check(t, filepath.Join(mergeTestdata, "quickstart_"+format+".golden"), []byte(out))
		})
	}
}

// withHost copies a results document with another host name, as a host of
// a fleet would have written it.
func withHost(t *testing.T, src, dir, host string, edit func(*results.Document)) string {
	t.Helper()
	doc, err := results.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	doc.Environment.Host = host
	if edit != nil {
		edit(doc)
	}
	path := filepath.Join(dir, host+".json")
	if err := results.WriteFile(path, doc); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestMergeLiveQuickstart runs the quickstart suite three times with
// different seeds (standing in for three hosts), then merges the results:
// two copies with their host field rewritten and one named on the command
// line, as NAME=DIR.
func TestMergeLiveQuickstart(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the quickstart suite three times")
	}
	tmp := t.TempDir()
	var dirs []string
	for seed := 1; seed <= 3; seed++ {
		dir := filepath.Join(tmp, fmt.Sprintf("seed%d", seed))
		if code, _, errs := benchy(t, "run", "quickstart", "--out", dir, "--seed", fmt.Sprint(seed), "--max-blocks", "6"); code != 0 {
			t.Fatalf("run seed %d: exit %d: %s", seed, code, errs)
		}
		dirs = append(dirs, dir)
	}
	a := withHost(t, filepath.Join(dirs[0], "quickstart", "results.json"), tmp, "node-a", nil)
	b := withHost(t, filepath.Join(dirs[1], "quickstart", "results.json"), tmp, "node-b", nil)
	out := filepath.Join(tmp, "fleet.json")
	code, stdout, errs := benchy(t, "merge", a, b, "node-c="+dirs[2], "-o", out, "--format", "markdown")
	if code != 0 {
		t.Fatalf("merge: exit %d: %s", code, errs)
	}
	d, err := fleet.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	if len(d.Hosts) != 3 || d.Hosts[2].Name != "node-c" || len(d.Runs) != 3 || !d.Pooling.Allowed {
		t.Fatalf("hosts = %+v, pooling %+v", d.Hosts, d.Pooling)
	}
	if len(d.Instances) != 1 || d.Instances[0].Name != "sleep" || len(d.Instances[0].Rows) != 3 {
		t.Fatalf("instances = %+v", d.Instances)
	}
	in := d.Instances[0]
	if len(in.Pooled) != 1 || in.Pooled[0].Arm != "slower" || in.Pooled[0].Rel == nil {
		t.Fatalf("pooled = %+v", in.Pooled)
	}
	p := in.Pooled[0]
	if p.Rel.Units != 3 || p.Rel.DF != 2 || p.Rel.Method != fleet.MethodHosts || p.Hosts != 3 {
		t.Errorf("pooled estimate = %+v; want 3 host units", p.Rel)
	}
	// The pooled logratio is a block-weighted mean of the hosts' log
	// ratios, so it lies between the smallest and the largest of them.
	lo, hi := math.Inf(1), math.Inf(-1)
	blocks := 0
	for _, r := range in.Rows {
		for _, c := range r.Cells {
			if c.Arm == "slower" {
				if c.Rel == nil {
					t.Fatalf("%s: no estimate: %s", r.Host, c.RelError)
				}
				lo, hi = math.Min(lo, c.Rel.Estimate), math.Max(hi, c.Rel.Estimate)
				blocks += c.Blocks
			}
		}
	}
	if p.Rel.Estimate < lo-1e-12 || p.Rel.Estimate > hi+1e-12 || p.Blocks != blocks {
		t.Errorf("pooled %v over %d blocks is outside the hosts' [%v, %v] over %d blocks", p.Rel.Estimate, p.Blocks, lo, hi, blocks)
	}
	for _, want := range []string{"| host | device | baseline | slower |", "| node-a |", "| node-c |", "**pooled over 3 hosts (df 2)**", "delete-a-group jackknife by host"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("markdown lacks %q:\n%s", want, stdout)
		}
	}

	// A run that fleet.json holds is refused beside it: it would count twice.
	code, _, errs = benchy(t, "merge", out, "node-d="+a, "-o", filepath.Join(tmp, "twice.json"))
	if code != 2 || !strings.Contains(errs, "is the same run as input 1") {
		t.Errorf("merging node-a's run again: exit %d: %s", code, errs)
	}
	// fleet.json merges again with a run of a fourth host: its runs keep
	// their host labels.
	d4 := withHost(t, filepath.Join(dirs[0], "quickstart", "results.json"), tmp, "node-d", nil)
	code, _, errs = benchy(t, "merge", out, d4, "--format", "json", "-o", filepath.Join(tmp, "fleet2.json"))
	if code != 0 {
		t.Fatalf("re-merge: exit %d: %s", code, errs)
	}
	d2, err := fleet.ReadFile(filepath.Join(tmp, "fleet2.json"))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, h := range d2.Hosts {
		names = append(names, h.Name)
	}
	if strings.Join(names, ",") != "node-a,node-b,node-c,node-d" || d2.Instances[0].Pooled[0].Rel.Units != 4 {
		t.Errorf("re-merged hosts = %v", names)
	}
}

func TestMergeRefusals(t *testing.T) {
	tmp := t.TempDir()
	in := mergeInputs()
	otherSuite := withHost(t, in[2], tmp, "host-x", func(d *results.Document) { d.Suite.SHA256 = strings.Repeat("b", 64) })
	h100 := withHost(t, in[0], tmp, "gpu-1", func(d *results.Document) {
		d.Environment.GPUs = []string{"NVIDIA H100 80GB HBM3 (sm_90, 79.6 GiB, driver 550.54)"}
		d.Environment.Hardware = json.RawMessage(`{"gpus":[{"name":"NVIDIA H100 80GB HBM3"}]}`)
	})
	a100 := withHost(t, in[1], tmp, "gpu-2", func(d *results.Document) {
		d.Environment.Hardware = json.RawMessage(`{"gpus":[{"name":"NVIDIA A100-SXM4-80GB"}]}`)
	})

	code, out, errs := benchy(t, "merge", in[0], in[1], otherSuite)
	if code != exitUsage || out != "" || !strings.Contains(errs, "refusing to merge") || !strings.Contains(errs, "different suites") {
		t.Errorf("different suites: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	code, out, errs = benchy(t, "merge", in[0], in[1], otherSuite, "--force")
	if code != 0 || !strings.Contains(errs, "warning: pooling forced over") || !strings.Contains(out, "pooled by --force despite") || !strings.Contains(out, "pooled over 3 hosts") {
		t.Errorf("forced: exit %d, stdout %q, stderr %q", code, out, errs)
	}

	// Different GPU models: the cross-host table, but nothing pooled.
	code, out, errs = benchy(t, "merge", h100, a100)
	if code != 0 || !strings.Contains(errs, "not pooling: hosts have different devices: NVIDIA H100 80GB HBM3 on gpu-1; NVIDIA A100-SXM4-80GB on gpu-2") ||
		strings.Contains(out, "pooled over") || !strings.Contains(out, "gpu-2") || !strings.Contains(out, "--force pools anyway") {
		t.Errorf("different GPUs: exit %d, stdout %q, stderr %q", code, out, errs)
	}
}

func TestMergeUsageErrors(t *testing.T) {
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"merge"}, "requires at least 1 arg"},
		{[]string{"merge", "testdata/merge/none.json"}, "no such file"},
		{[]string{"merge", "--format", "html", "testdata/merge/host-1.json"}, "--format must be"},
		{[]string{"merge", "testdata/merge/quickstart_text.golden"}, "not a benchy results document"},
		{[]string{"merge", "--confidence", "2", "testdata/merge/host-1.json"}, "confidence 2 is not in (0, 1)"},
	}
	for _, tc := range tests {
		code, _, errs := benchy(t, tc.args...)
		if code != exitUsage || !strings.Contains(errs, tc.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", tc.args, code, errs, tc.want)
		}
	}
}
