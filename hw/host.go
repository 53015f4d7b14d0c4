package hw

import (
	"bufio"
	"io/fs"
	"os"
	"path"
	"runtime"
	"runtime/debug"
	"sort"
	"strconv"
	"strings"
)

// hostFS is the file system the host facts are read from: the real root in
// production, a testdata tree in tests. Paths have no leading slash
// ("proc/cpuinfo").
type hostFS = fs.FS

func defaultHostFS() hostFS { return os.DirFS("/") }

// readTrim returns the trimmed content of name, or "" and the error.
func readTrim(fsys hostFS, name string) (string, error) {
	b, err := fs.ReadFile(fsys, name)
	if err != nil {
		return "", err
	}
	return strings.TrimSpace(string(b)), nil
}

func exists(fsys hostFS, name string) bool {
	_, err := fs.Stat(fsys, name)
	return err == nil
}

func readHost(fsys hostFS, getenv func(string) string, problems *[]string) Host {
	h := Host{OS: runtime.GOOS, Arch: runtime.GOARCH}
	if name, err := os.Hostname(); err == nil {
		h.Hostname = name
	}
	if s, err := readTrim(fsys, "proc/sys/kernel/osrelease"); err == nil {
		h.Kernel = s
	} else if runtime.GOOS == "linux" {
		*problems = append(*problems, "kernel release: "+err.Error())
	}
	h.Distro = osReleaseName(fsys)
	h.Virtualization = virtualization(fsys)
	h.Container = container(fsys, getenv)
	h.CgroupCPULimit = cgroupCPULimit(fsys)
	if s, err := readTrim(fsys, "proc/sys/kernel/randomize_va_space"); err == nil {
		h.ASLR = s
	}
	if s, err := readTrim(fsys, "proc/loadavg"); err == nil {
		if f := strings.Fields(s); len(f) > 0 {
			h.LoadAvg1, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	if s, err := readTrim(fsys, "proc/uptime"); err == nil {
		if f := strings.Fields(s); len(f) > 0 {
			h.UptimeSeconds, _ = strconv.ParseFloat(f[0], 64)
		}
	}
	return h
}

// osReleaseName returns PRETTY_NAME from os-release.
func osReleaseName(fsys hostFS) string {
	for _, p := range []string{"etc/os-release", "usr/lib/os-release"} {
		b, err := fs.ReadFile(fsys, p)
		if err != nil {
			continue
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if v, ok := strings.CutPrefix(line, "PRETTY_NAME="); ok {
				return strings.Trim(strings.TrimSpace(v), `"'`)
			}
		}
	}
	return ""
}

// dmiVendors maps DMI sys_vendor / product_name fragments to a name.
var dmiVendors = []struct{ fragment, name string }{
	{"Amazon EC2", "Amazon EC2"},
	{"Google Compute Engine", "Google Compute Engine"},
	{"Microsoft Corporation", "Microsoft Hyper-V/Azure"},
	{"QEMU", "QEMU/KVM"},
	{"KVM", "KVM"},
	{"VMware", "VMware"},
	{"VirtualBox", "VirtualBox"},
	{"innotek", "VirtualBox"},
	{"Xen", "Xen"},
	{"OpenStack", "OpenStack"},
	{"Oracle Cloud", "Oracle Cloud"},
	{"Alibaba Cloud", "Alibaba Cloud"},
	{"DigitalOcean", "DigitalOcean"},
	{"Hetzner", "Hetzner Cloud"},
	{"Bochs", "Bochs"},
	{"Parallels", "Parallels"},
	{"Firecracker", "Firecracker"},
}

// virtualization names the hypervisor when DMI, /sys/hypervisor or the CPU's
// hypervisor flag reveal one.
func virtualization(fsys hostFS) string {
	var dmi []string
	for _, p := range []string{"sys/class/dmi/id/sys_vendor", "sys/class/dmi/id/product_name", "sys/class/dmi/id/bios_vendor"} {
		if s, err := readTrim(fsys, p); err == nil && s != "" {
			dmi = append(dmi, s)
		}
	}
	for _, v := range dmiVendors {
		for _, d := range dmi {
			if strings.Contains(d, v.fragment) {
				return v.name
			}
		}
	}
	if s, err := readTrim(fsys, "sys/hypervisor/type"); err == nil && s != "" {
		return s
	}
	if b, err := fs.ReadFile(fsys, "proc/cpuinfo"); err == nil {
		for line := range strings.SplitSeq(string(b), "\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok && strings.TrimSpace(k) == "flags" {
				if slicesContains(strings.Fields(v), "hypervisor") {
					return "unknown hypervisor (CPU hypervisor flag)"
				}
				break
			}
		}
	}
	return ""
}

func slicesContains(xs []string, x string) bool {
	for _, y := range xs {
		if y == x {
			return true
		}
	}
	return false
}

// container names the container runtime when one is evident.
func container(fsys hostFS, getenv func(string) string) string {
	if getenv("KUBERNETES_SERVICE_HOST") != "" {
		return "kubernetes"
	}
	if v := getenv("container"); v != "" { // systemd-nspawn, podman, lxc
		return v
	}
	if exists(fsys, "run/.containerenv") {
		return "podman"
	}
	if exists(fsys, ".dockerenv") {
		return "docker"
	}
	if b, err := fs.ReadFile(fsys, "proc/1/cgroup"); err == nil {
		s := string(b)
		for _, k := range []string{"kubepods", "docker", "containerd", "lxc", "libpod"} {
			if strings.Contains(s, k) {
				return k
			}
		}
	}
	return ""
}

// cgroupCPULimit reads cgroup v2 cpu.max ("max 100000" or "200000 100000").
func cgroupCPULimit(fsys hostFS) float64 {
	s, err := readTrim(fsys, "sys/fs/cgroup/cpu.max")
	if err != nil {
		return 0
	}
	f := strings.Fields(s)
	if len(f) != 2 || f[0] == "max" {
		return 0
	}
	q, err1 := strconv.ParseFloat(f[0], 64)
	p, err2 := strconv.ParseFloat(f[1], 64)
	if err1 != nil || err2 != nil || p <= 0 {
		return 0
	}
	return q / p
}

const cpuSys = "sys/devices/system/cpu"

func readCPU(fsys hostFS) CPU {
	c := CPU{Unavailable: map[string]string{}}
	c.Threads = runtime.NumCPU()
	readCPUInfo(fsys, &c)
	readTopology(fsys, &c)
	if s, err := readTrim(fsys, "proc/self/status"); err == nil {
		for line := range strings.SplitSeq(s, "\n") {
			if v, ok := strings.CutPrefix(line, "Cpus_allowed_list:"); ok {
				c.Allowed = strings.TrimSpace(v)
			}
		}
	}
	readCPUFreq(fsys, &c)
	if s, err := readTrim(fsys, cpuSys+"/smt/control"); err == nil {
		c.SMT = s
	} else {
		c.Unavailable["smt"] = "no " + cpuSys + "/smt/control"
	}
	c.Isolated, _ = readTrim(fsys, cpuSys+"/isolated")
	c.NohzFull, _ = readTrim(fsys, cpuSys+"/nohz_full")
	if c.NohzFull == "(null)" {
		c.NohzFull = ""
	}
	if s, err := readTrim(fsys, "sys/devices/system/node/online"); err == nil {
		c.NUMANodes = len(parseCPUList(s))
	} else {
		c.Unavailable["numa_nodes"] = "no sys/devices/system/node/online"
	}
	if len(c.Unavailable) == 0 {
		c.Unavailable = nil
	}
	return c
}

// readCPUInfo takes model, vendor and a topology fallback from /proc/cpuinfo.
func readCPUInfo(fsys hostFS, c *CPU) {
	f, err := fsys.Open("proc/cpuinfo")
	if err != nil {
		c.Unavailable["model"] = "cannot read /proc/cpuinfo: " + err.Error()
		return
	}
	defer f.Close()
	sockets := map[string]bool{}
	cores := map[string]bool{}
	phys := ""
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	for sc.Scan() {
		k, v, ok := strings.Cut(sc.Text(), ":")
		if !ok {
			continue
		}
		k, v = strings.TrimSpace(k), strings.TrimSpace(v)
		switch k {
		case "model name", "Model", "cpu model":
			if c.Model == "" {
				c.Model = v
			}
		case "vendor_id", "CPU implementer":
			if c.Vendor == "" {
				c.Vendor = v
			}
		case "physical id":
			phys = v
			sockets[v] = true
		case "core id":
			cores[phys+"/"+v] = true
		}
	}
	if len(sockets) > 0 {
		c.Sockets = len(sockets)
	}
	if len(cores) > 0 {
		c.Cores = len(cores)
	}
	if c.Model == "" {
		c.Unavailable["model"] = "no model name in /proc/cpuinfo"
	}
}

// readTopology counts sockets and physical cores from sysfs, which is more
// reliable than cpuinfo (and the only source on arm64).
func readTopology(fsys hostFS, c *CPU) {
	online, err := readTrim(fsys, cpuSys+"/online")
	if err != nil {
		return
	}
	cpus := parseCPUList(online)
	sockets := map[string]bool{}
	cores := map[string]bool{}
	for _, n := range cpus {
		dir := path.Join(cpuSys, "cpu"+strconv.Itoa(n), "topology")
		pkg, err1 := readTrim(fsys, dir+"/physical_package_id")
		core, err2 := readTrim(fsys, dir+"/core_id")
		if err1 != nil || err2 != nil {
			return
		}
		sockets[pkg] = true
		cores[pkg+"/"+core] = true
	}
	if len(cpus) > 0 {
		c.Threads = len(cpus)
		c.Sockets = len(sockets)
		c.Cores = len(cores)
	}
}

// readCPUFreq reads governors, the scaling driver, limits and boost state.
func readCPUFreq(fsys hostFS, c *CPU) {
	online, _ := readTrim(fsys, cpuSys+"/online")
	gov := map[string]int{}
	for _, n := range parseCPUList(online) {
		dir := path.Join(cpuSys, "cpu"+strconv.Itoa(n), "cpufreq")
		if g, err := readTrim(fsys, dir+"/scaling_governor"); err == nil {
			gov[g]++
		}
		if c.ScalingDriver == "" {
			c.ScalingDriver, _ = readTrim(fsys, dir+"/scaling_driver")
		}
		if c.MaxMHz == 0 {
			c.MinMHz = khzToMHz(readTrimOr(fsys, dir+"/cpuinfo_min_freq"))
			c.MaxMHz = khzToMHz(readTrimOr(fsys, dir+"/cpuinfo_max_freq"))
		}
	}
	if len(gov) > 0 {
		c.Governors = gov
	} else {
		c.Unavailable["governors"] = "the kernel exposes no cpufreq (common in VMs and containers)"
	}
	c.Boost = boostState(fsys)
	if c.Boost == "" {
		c.Unavailable["boost"] = "no boost or no_turbo control in sysfs"
	}
}

func readTrimOr(fsys hostFS, name string) string {
	s, _ := readTrim(fsys, name)
	return s
}

func khzToMHz(s string) float64 {
	v, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0
	}
	return v / 1000
}

// boostState reads turbo/boost from intel_pstate, the global cpufreq boost
// switch, or the first policy's boost file.
func boostState(fsys hostFS) string {
	if s, err := readTrim(fsys, cpuSys+"/intel_pstate/no_turbo"); err == nil {
		if s == "1" {
			return "off"
		}
		return "on"
	}
	for _, p := range []string{cpuSys + "/cpufreq/boost", cpuSys + "/cpufreq/policy0/boost"} {
		if s, err := readTrim(fsys, p); err == nil {
			if s == "0" {
				return "off"
			}
			return "on"
		}
	}
	return ""
}

// SMTText says the SMT state in words for people: "on", "off", "off
// (forced)", "not supported by this CPU/kernel", or why it is unknown. The
// kernel's own words (notsupported) read as a glitch.
func (c CPU) SMTText() string {
	switch c.SMT {
	case "on", "off":
		return c.SMT
	case "forceoff":
		return "off (forced at boot)"
	case "notsupported":
		return "not supported by this CPU/kernel"
	case "notimplemented":
		return "not implemented by this kernel"
	case "":
		return "unknown (no /" + cpuSys + "/smt/control)"
	}
	return c.SMT
}

// BoostText says the turbo/boost state in words: "on", "off", or "unknown
// (no cpufreq boost control)" when sysfs has neither intel_pstate/no_turbo
// nor a cpufreq boost switch (common in VMs).
func (c CPU) BoostText() string {
	if c.Boost == "" {
		return "unknown (no cpufreq boost control)"
	}
	return c.Boost
}

// parseCPUList expands a kernel CPU list such as "0-3,8,10-11" into CPU
// numbers; malformed parts are skipped.
func parseCPUList(s string) []int {
	var out []int
	s = strings.TrimSpace(s)
	if s == "" {
		return nil
	}
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		lo, hi, isRange := strings.Cut(part, "-")
		a, err := strconv.Atoi(lo)
		if err != nil || a < 0 {
			continue
		}
		b := a
		if isRange {
			b, err = strconv.Atoi(hi)
			if err != nil || b < a || b-a > 1<<16 {
				continue
			}
		}
		for i := a; i <= b; i++ {
			out = append(out, i)
		}
	}
	sort.Ints(out)
	return out
}

func readMemory(fsys hostFS, problems *[]string) Memory {
	var m Memory
	b, err := fs.ReadFile(fsys, "proc/meminfo")
	if err != nil {
		if runtime.GOOS == "linux" {
			*problems = append(*problems, "memory: "+err.Error())
		}
		return m
	}
	vals := map[string]uint64{}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, err := strconv.ParseUint(f[0], 10, 64)
		if err != nil {
			continue
		}
		if len(f) > 1 && f[1] == "kB" {
			n *= 1024
		}
		vals[k] = n
	}
	m.TotalBytes = vals["MemTotal"]
	m.AvailableBytes = vals["MemAvailable"]
	m.SwapTotalBytes = vals["SwapTotal"]
	if vals["SwapTotal"] >= vals["SwapFree"] {
		m.SwapUsedBytes = vals["SwapTotal"] - vals["SwapFree"]
	}
	if s, err := readTrim(fsys, "sys/kernel/mm/transparent_hugepage/enabled"); err == nil {
		m.TransparentHugePages = bracketed(s)
	}
	return m
}

// bracketed returns the [selected] word of a sysfs choice list.
func bracketed(s string) string {
	if i := strings.IndexByte(s, '['); i >= 0 {
		if j := strings.IndexByte(s[i:], ']'); j > 0 {
			return s[i+1 : i+j]
		}
	}
	return s
}

// fillBuildInfo adds the module version and VCS stamp (ReadBuildStamp, so
// make build's linked revision too) of the running binary.
func fillBuildInfo(t *Toolchain) {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return
	}
	t.Module = info.Main.Path
	if info.Main.Version != "(devel)" {
		t.Version = info.Main.Version
	}
	s := ReadBuildStamp(info, linkedRevision)
	t.Revision, t.RevisionTime, t.Modified = s.Revision, s.Time, s.Modified
}
