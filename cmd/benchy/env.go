package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/reports"
)

func init() { registerCommand(newEnvCmd) }

// envExtras are facts other parts of benchy add to the fingerprint (the
// ONNX Runtime version and providers, for instance): each returns a name and
// a JSON-serialisable value, recorded under the inventory's "extra". Files
// register theirs from init.
var envExtras []func() (name string, value any)

// detectInventory fingerprints this machine: hw.Detect plus benchy's
// version and the registered extras.
func detectInventory(ctx context.Context) *hw.Inventory {
	inv := hw.Detect(ctx)
	inv.Benchy = buildVersion()
	for _, f := range envExtras {
		name, v := f()
		if name == "" {
			continue
		}
		if inv.Extra == nil {
			inv.Extra = map[string]any{}
		}
		inv.Extra[name] = v
	}
	return inv
}

func newEnvCmd(stdout, _ io.Writer) *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "env",
		Short: "Print the machine fingerprint: GPUs, driver, CPU, memory, OS and the variables that change results",
		Long: `Env prints what benchy records about the machine with every result: each
NVIDIA GPU (through NVML, or nvidia-smi), the driver and CUDA versions, clocks
and modes; CPU, frequency governor, boost, SMT and isolated CPUs; memory, OS,
kernel, container or VM hints; the Go toolchain; and an allowlist of
environment variables that change results, with anything that looks like a
secret redacted. Without a GPU it says why none was detected.`,
		Example: `  benchy env
  benchy env --format json | jq .gpus`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			outFmt, err := textOrJSON.Parse(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			inv := detectInventory(cmd.Context())
			if outFmt == reports.JSON {
				return envWriteJSON(stdout, inv)
			}
			writeEnvText(stdout, inv)
			return nil
		},
	}
	addFormatFlag(cmd.Flags(), &format, "output format", textOrJSON)
	return cmd
}

// envWriteJSON writes v as indented JSON.
func envWriteJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	if err := enc.Encode(v); err != nil {
		return withCode(exitEnvironment, fmt.Errorf("writing JSON: %w", err))
	}
	return nil
}

// envLine writes one labelled line; continuation lines pass label "".
func envLine(w io.Writer, label, text string) {
	fmt.Fprintf(w, "%-10s %s\n", label, termtext.Escape(text))
}

func envJoinNonEmpty(sep string, parts ...string) string {
	var keep []string
	for _, p := range parts {
		if p != "" {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, sep)
}

// envStateText writes "SMT on" for a plain on/off state, and "SMT: not
// supported by this CPU/kernel" for the others, so that no kernel token or
// dash reads as a glitch.
func envStateText(name, state, words string) string {
	if state == "on" || state == "off" {
		return name + " " + words
	}
	return name + ": " + words
}

func envOrDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// writeEnvText renders an inventory for people.
func writeEnvText(w io.Writer, inv *hw.Inventory) {
	t := inv.Toolchain
	cgo := "cgo"
	if !t.CGO {
		cgo = "no cgo"
	}
	envLine(w, "benchy", envJoinNonEmpty(" · ", inv.Benchy, t.GoVersion+" ("+cgo+")", envRevisionText(t)))
	h := inv.Host
	envLine(w, "host", envJoinNonEmpty(" · ", h.Hostname, h.Distro, h.OS+"/"+h.Arch, envPrefixed("kernel ", h.Kernel)))
	if h.Virtualization != "" || h.Container != "" || h.CgroupCPULimit > 0 {
		envLine(w, "", envJoinNonEmpty(" · ", envPrefixed("virtualization: ", h.Virtualization), envPrefixed("container: ", h.Container),
			envQuotaText(h.CgroupCPULimit)))
	}
	envLine(w, "", fmt.Sprintf("load %.2f · uptime %s · ASLR %s", h.LoadAvg1, envUptimeText(h.UptimeSeconds), envOrDash(h.ASLR)))
	envWriteCPUText(w, inv.CPU)
	m := inv.Memory
	swap := "no swap"
	if m.SwapTotalBytes > 0 {
		swap = fmt.Sprintf("swap %s, %s used", hw.FormatBytes(m.SwapTotalBytes), hw.FormatBytes(m.SwapUsedBytes))
	}
	envLine(w, "memory", envJoinNonEmpty(" · ", fmt.Sprintf("%s total, %s available", hw.FormatBytes(m.TotalBytes), hw.FormatBytes(m.AvailableBytes)),
		swap, envPrefixed("THP ", m.TransparentHugePages)))
	envWriteGPUText(w, inv)
	if len(inv.Env) == 0 {
		envLine(w, "env", "no result-changing variables set")
	}
	for i, v := range inv.Env {
		label := ""
		if i == 0 {
			label = "env"
		}
		envLine(w, label, v.Name+"="+v.Value)
	}
	for i, k := range slices.Sorted(maps.Keys(inv.Extra)) {
		label := ""
		if i == 0 {
			label = "extra"
		}
		if t, ok := inv.Extra[k].(envTexter); ok {
			lines := t.envText()
			envLine(w, label, k+": "+lines[0])
			for _, l := range lines[1:] {
				envLine(w, "", "  "+l)
			}
			continue
		}
		envLine(w, label, k+": "+envExtraText(inv.Extra[k]))
	}
	for i, p := range inv.Problems {
		label := ""
		if i == 0 {
			label = "problems"
		}
		envLine(w, label, p)
	}
}

func envWriteCPUText(w io.Writer, c hw.CPU) {
	topo := fmt.Sprintf("%d threads", c.Threads)
	if c.Sockets > 0 && c.Cores > 0 {
		topo = fmt.Sprintf("%d socket%s, %d cores, %d threads", c.Sockets, envPlural(c.Sockets), c.Cores, c.Threads)
	}
	envLine(w, "cpu", envJoinNonEmpty(" · ", envOrDash(c.Model), topo, envPrefixed("allowed ", c.Allowed), envNumaText(c.NUMANodes)))
	gov := "governor unavailable"
	if len(c.Governors) > 0 {
		var parts []string
		for _, g := range slices.Sorted(maps.Keys(c.Governors)) {
			parts = append(parts, fmt.Sprintf("%s×%d", g, c.Governors[g]))
		}
		gov = "governor " + strings.Join(parts, ", ")
	}
	freq := ""
	if c.MaxMHz > 0 {
		freq = fmt.Sprintf("%.0f-%.0f MHz", c.MinMHz, c.MaxMHz)
	}
	envLine(w, "", envJoinNonEmpty(" · ", gov, c.ScalingDriver, freq, envStateText("boost", c.Boost, c.BoostText()), envStateText("SMT", c.SMT, c.SMTText()),
		"isolated "+envOrDash(c.Isolated), envPrefixed("nohz_full ", c.NohzFull)))
}

func envWriteGPUText(w io.Writer, inv *hw.Inventory) {
	if len(inv.GPUs) == 0 {
		envLine(w, "gpu", inv.GPUReason)
		return
	}
	n := inv.NVML
	envLine(w, "nvidia", envJoinNonEmpty(" · ", envPrefixed("driver ", n.DriverVersion), envPrefixed("CUDA ", n.CUDADriverVersion),
		envPrefixed("NVML ", n.Version), envPrefixed("via ", n.Source)))
	for _, g := range inv.GPUs {
		envLine(w, fmt.Sprintf("gpu %d", g.Index), envJoinNonEmpty(" · ", g.Name, envArchText(g), envMemText(g.MemoryTotalBytes), g.PCIBusID, g.UUID))
		envLine(w, "", envJoinNonEmpty(" · ", "persistence "+envBoolText(g.Persistence), "ECC "+envEccText(g), "MIG "+envMigText(g),
			envPowerText(g), envPrefixed("VBIOS ", g.VBIOS)))
		envLine(w, "", envJoinNonEmpty(" · ", envClocksText("max", g.MaxClocks), envClocksText("app", g.AppClocks), envLockText(g.LockedClocks),
			envTempText(g.SlowdownTempC), envPcieText(g)))
		if len(g.Processes) > 0 {
			var ps []string
			for _, p := range g.Processes {
				ps = append(ps, envJoinNonEmpty(" ", fmt.Sprintf("pid %d", p.PID), p.Name, "("+hw.FormatBytes(p.UsedMemoryBytes)+")"))
			}
			envLine(w, "", "processes: "+strings.Join(ps, ", "))
		}
		if len(g.Unavailable) > 0 {
			var us []string
			for _, k := range slices.Sorted(maps.Keys(g.Unavailable)) {
				us = append(us, k+" ("+g.Unavailable[k]+")")
			}
			envLine(w, "", "unavailable: "+strings.Join(us, ", "))
		}
	}
}

func envRevisionText(t hw.Toolchain) string {
	if t.Revision == "" {
		return ""
	}
	r := t.Revision
	if len(r) > 12 {
		r = r[:12]
	}
	if t.Modified {
		r += " (modified)"
	}
	return "commit " + r
}

func envPrefixed(p, s string) string {
	if s == "" {
		return ""
	}
	return p + s
}

func envPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func envQuotaText(cpus float64) string {
	if cpus <= 0 {
		return ""
	}
	return fmt.Sprintf("cgroup CPU quota %.2f", cpus)
}

func envUptimeText(s float64) string {
	if s <= 0 {
		return "-"
	}
	d := int64(s)
	switch {
	case d >= 86400:
		return fmt.Sprintf("%dd%dh", d/86400, d%86400/3600)
	case d >= 3600:
		return fmt.Sprintf("%dh%dm", d/3600, d%3600/60)
	}
	return fmt.Sprintf("%dm", d/60)
}

func envNumaText(n int) string {
	if n <= 0 {
		return ""
	}
	return fmt.Sprintf("%d NUMA node%s", n, envPlural(n))
}

func envArchText(g hw.GPU) string {
	cc := ""
	if g.ComputeCapability != "" {
		cc = "compute " + g.ComputeCapability
	}
	return envJoinNonEmpty(" ", g.Architecture, cc)
}

func envMemText(b uint64) string {
	if b == 0 {
		return ""
	}
	return hw.FormatBytes(b)
}

func envBoolText(b *bool) string {
	switch {
	case b == nil:
		return "?"
	case *b:
		return "on"
	}
	return "off"
}

func envEccText(g hw.GPU) string {
	s := envBoolText(g.ECC)
	if g.ECCPending != nil {
		s += " (" + envBoolText(g.ECCPending) + " after reboot)"
	}
	return s
}

func envMigText(g hw.GPU) string {
	s := envBoolText(g.MIG)
	if g.MIG != nil && *g.MIG {
		s += fmt.Sprintf(" (%d instances)", len(g.MIGDevices))
	}
	return s
}

func envPowerText(g hw.GPU) string {
	if g.PowerLimitW == 0 {
		return ""
	}
	s := fmt.Sprintf("power limit %.0f W", g.PowerLimitW)
	if g.PowerLimitDefaultW > 0 && g.PowerLimitDefaultW != g.PowerLimitW {
		s += fmt.Sprintf(" (default %.0f W)", g.PowerLimitDefaultW)
	}
	return s
}

func envClocksText(label string, c *hw.Clocks) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("%s clocks %d/%d MHz", label, c.SMMHz, c.MemMHz)
}

func envLockText(l *hw.ClockLock) string {
	if l == nil {
		return "not locked by benchy"
	}
	return "locked: " + l.Describe()
}

func envTempText(c uint32) string {
	if c == 0 {
		return ""
	}
	return fmt.Sprintf("slowdown at %d°C", c)
}

func envPcieText(g hw.GPU) string {
	if g.PCIeGen == 0 {
		return ""
	}
	return fmt.Sprintf("PCIe gen%d x%d", g.PCIeGen, g.PCIeWidth)
}

// envTexter is an extra that renders itself for people, one line each
// (at least one).
type envTexter interface{ envText() []string }

func envExtraText(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
