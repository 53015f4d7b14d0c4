package hw

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/internal/golden"
)

// hostInventory runs the host detection over a testdata tree and blanks the
// fields that come from the running process rather than the tree.
func hostInventory(t *testing.T, host string, env map[string]string) *Inventory {
	t.Helper()
	fsys := os.DirFS(filepath.Join("testdata", "hosts", host))
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	inv := detectHost(context.Background(), fsys, func(k string) string { return env[k] }, environ)
	inv.Collected = time.Time{}
	inv.Host.Hostname = ""
	inv.Host.OS, inv.Host.Arch = "linux", "test"
	inv.Toolchain = Toolchain{}
	return inv
}

func TestDetectHostGolden(t *testing.T) {
	for _, host := range []string{"xeon-2s", "epyc-vm", "grace-tuned"} {
		t.Run(host, func(t *testing.T) {
			inv := hostInventory(t, host, map[string]string{"CUDA_VISIBLE_DEVICES": "0", "HOME": "/root"})
			b, err := json.MarshalIndent(inv, "", "  ")
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", "golden", "host-"+host+".json"), append(b, '\n'))
		})
	}
}

func TestDetectHostFacts(t *testing.T) {
	x := hostInventory(t, "xeon-2s", nil)
	if x.CPU.Sockets != 2 || x.CPU.Cores != 4 || x.CPU.Threads != 8 {
		t.Errorf("xeon topology = %d sockets, %d cores, %d threads; want 2, 4, 8", x.CPU.Sockets, x.CPU.Cores, x.CPU.Threads)
	}
	if want := map[string]int{"performance": 6, "powersave": 2}; !reflect.DeepEqual(x.CPU.Governors, want) {
		t.Errorf("governors = %v, want %v", x.CPU.Governors, want)
	}
	if x.CPU.Boost != "on" || x.CPU.SMT != "on" || x.CPU.Isolated != "6-7" || x.CPU.NUMANodes != 2 {
		t.Errorf("xeon cpu = %+v", x.CPU)
	}
	if x.Memory.SwapUsedBytes != (8388604-8000000)*1024 {
		t.Errorf("swap used = %d", x.Memory.SwapUsedBytes)
	}
	if x.Host.Virtualization != "" || x.Host.Container != "" {
		t.Errorf("bare metal reported as %q / %q", x.Host.Virtualization, x.Host.Container)
	}
	v := hostInventory(t, "epyc-vm", nil)
	if v.Host.Container != "docker" || v.Host.Virtualization == "" || v.Host.CgroupCPULimit != 1.5 {
		t.Errorf("vm host = %+v", v.Host)
	}
	if v.CPU.Governors != nil || v.CPU.Unavailable["governors"] == "" {
		t.Errorf("vm governors = %v, unavailable %v; want none, with a reason", v.CPU.Governors, v.CPU.Unavailable)
	}
	g := hostInventory(t, "grace-tuned", map[string]string{"KUBERNETES_SERVICE_HOST": "10.0.0.1"})
	if g.CPU.Boost != "off" || g.CPU.Cores != 4 || g.CPU.Unavailable["model"] == "" {
		t.Errorf("grace cpu = %+v", g.CPU)
	}
	if g.Host.Container != "kubernetes" {
		t.Errorf("container = %q, want kubernetes", g.Host.Container)
	}
	if len(g.Env) != 0 {
		t.Errorf("KUBERNETES_SERVICE_HOST recorded in env: %v", g.Env)
	}
}

func TestParseCPUList(t *testing.T) {
	tests := []struct {
		in   string
		want []int
	}{
		{"", nil},
		{"0", []int{0}},
		{"0-3", []int{0, 1, 2, 3}},
		{"0-1,8,10-11", []int{0, 1, 8, 10, 11}},
		{" 4 , 2 ", []int{2, 4}},
		{"3-1", nil},
		{"x,1", []int{1}},
		{"-1", nil},
	}
	for _, tc := range tests {
		if got := parseCPUList(tc.in); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("parseCPUList(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzParseCPUList(f *testing.F) {
	for _, s := range []string{"0-3", "0-1,8,10-11", "", "5-", "-", "1-65536"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := parseCPUList(s)
		for i := 1; i < len(got); i++ {
			if got[i] < got[i-1] {
				t.Fatalf("parseCPUList(%q) not sorted: %v", s, got)
			}
		}
		for _, n := range got {
			if n < 0 {
				t.Fatalf("parseCPUList(%q) has a negative CPU: %v", s, got)
			}
		}
	})
}

// SMT states read as words, not as the kernel's tokens or a dash (#15.15).
func TestSMTText(t *testing.T) {
	for smt, want := range map[string]string{"on": "on", "off": "off", "forceoff": "off (forced at boot)",
		"notsupported": "not supported by this CPU/kernel", "notimplemented": "not implemented by this kernel",
		"": "unknown (no /sys/devices/system/cpu/smt/control)"} {
		if got := (CPU{SMT: smt}).SMTText(); got != want {
			t.Errorf("SMTText(%q) = %q, want %q", smt, got, want)
		}
	}
}

func TestFormatBytes(t *testing.T) {
	tests := map[uint64]string{0: "0 B", 1023: "1023 B", 1024: "1 KiB", 1536: "1.5 KiB", 80 << 30: "80 GiB", 141 << 30: "141 GiB"}
	for in, want := range tests {
		if got := FormatBytes(in); got != want {
			t.Errorf("FormatBytes(%d) = %q, want %q", in, got, want)
		}
	}
}

func TestBracketed(t *testing.T) {
	for in, want := range map[string]string{"always [madvise] never": "madvise", "[always] madvise never": "always", "never": "never"} {
		if got := bracketed(in); got != want {
			t.Errorf("bracketed(%q) = %q, want %q", in, got, want)
		}
	}
}
