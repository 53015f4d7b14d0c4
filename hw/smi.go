package hw

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"os/exec"
	"strconv"
	"strings"
	"time"
)

// smiFields are the nvidia-smi --query-gpu fields the fallback asks for, in
// order; smiBasic is the subset every nvidia-smi since 2015 knows.
var (
	smiFields = []string{
		"index", "name", "uuid", "pci.bus_id", "driver_version", "memory.total",
		"compute_cap", "persistence_mode", "ecc.mode.current", "mig.mode.current",
		"power.limit", "power.default_limit", "clocks.applications.graphics",
		"clocks.applications.memory", "clocks.max.sm", "clocks.max.memory", "vbios_version",
	}
	smiBasic = smiFields[:6]
)

// smiTimeout bounds one nvidia-smi call.
const smiTimeout = 10 * time.Second

// trySMI fills inv's GPUs from nvidia-smi when it is installed; otherwise
// it leaves the NVML reason in place.
func trySMI(ctx context.Context, inv *Inventory) {
	path, err := exec.LookPath("nvidia-smi")
	if err != nil {
		return
	}
	out, err := runSMI(ctx, path, smiFields)
	fields := smiFields
	if err != nil {
		out, err = runSMI(ctx, path, smiBasic)
		fields = smiBasic
	}
	if err != nil {
		inv.Problems = append(inv.Problems, "nvidia-smi fallback: "+err.Error())
		return
	}
	gpus, driver, err := parseSMI(out, fields)
	if err != nil {
		inv.Problems = append(inv.Problems, "nvidia-smi fallback: "+err.Error())
		return
	}
	if len(gpus) == 0 {
		return
	}
	inv.GPUs = gpus
	inv.GPUReason = ""
	inv.NVML.Source = "nvidia-smi"
	inv.NVML.DriverVersion = driver
}

func runSMI(ctx context.Context, path string, fields []string) ([]byte, error) {
	ctx, cancel := context.WithTimeout(ctx, smiTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, path, "--query-gpu="+strings.Join(fields, ","), "--format=csv,noheader,nounits")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		msg := strings.TrimSpace(stderr.String() + " " + string(out))
		return nil, fmt.Errorf("%v: %s", err, msg)
	}
	return out, nil
}

// smiMissing reports whether an nvidia-smi value means "no value".
func smiMissing(v string) bool {
	switch strings.ToLower(v) {
	case "", "[n/a]", "n/a", "[not supported]", "not supported", "[unknown error]", "[insufficient permissions]":
		return true
	}
	return false
}

// parseSMI reads the output of
// `nvidia-smi --query-gpu=FIELDS --format=csv,noheader,nounits` for the
// given fields (which must include "index" and "name"), and returns the GPUs
// and the driver version.
func parseSMI(out []byte, fields []string) ([]GPU, string, error) {
	col := map[string]int{}
	for i, f := range fields {
		col[f] = i
	}
	if _, ok := col["index"]; !ok {
		return nil, "", errors.New("nvidia-smi query lacks index")
	}
	if _, ok := col["name"]; !ok {
		return nil, "", errors.New("nvidia-smi query lacks name")
	}
	r := csv.NewReader(bytes.NewReader(out))
	r.TrimLeadingSpace = true
	r.FieldsPerRecord = len(fields)
	rows, err := r.ReadAll()
	if err != nil {
		return nil, "", fmt.Errorf("nvidia-smi output: %w", err)
	}
	var gpus []GPU
	driver := ""
	for _, row := range rows {
		get := func(f string) (string, bool) {
			i, ok := col[f]
			if !ok {
				return "", false
			}
			v := strings.TrimSpace(row[i])
			if smiMissing(v) {
				return "", false
			}
			return v, true
		}
		g := GPU{}
		miss := func(f string) {
			if g.Unavailable == nil {
				g.Unavailable = map[string]string{}
			}
			g.Unavailable[f] = "not reported by nvidia-smi"
		}
		idx, ok := get("index")
		n, err := strconv.Atoi(idx)
		if !ok || err != nil || n < 0 {
			return nil, "", fmt.Errorf("nvidia-smi output: bad index %q", idx)
		}
		g.Index = n
		g.Name, _ = get("name")
		g.UUID, _ = get("uuid")
		g.PCIBusID, _ = get("pci.bus_id")
		if v, ok := get("driver_version"); ok && driver == "" {
			driver = v
		}
		if v, ok := get("memory.total"); ok {
			if mib, err := strconv.ParseFloat(v, 64); err == nil && mib >= 0 {
				g.MemoryTotalBytes = uint64(mib) << 20
			}
		} else {
			miss("memory_total_bytes")
		}
		if v, ok := get("compute_cap"); ok {
			if _, err := parseCapability(v); err == nil {
				g.ComputeCapability = v
			}
		} else {
			miss("compute_capability")
		}
		g.Persistence = smiBool(get("persistence_mode"))
		g.ECC = smiBool(get("ecc.mode.current"))
		g.MIG = smiBool(get("mig.mode.current"))
		g.PowerLimitW = smiFloat(get("power.limit"))
		g.PowerLimitDefaultW = smiFloat(get("power.default_limit"))
		if sm, mem := smiUint(get("clocks.applications.graphics")), smiUint(get("clocks.applications.memory")); sm > 0 {
			g.AppClocks = &Clocks{SMMHz: sm, MemMHz: mem}
		}
		if sm, mem := smiUint(get("clocks.max.sm")), smiUint(get("clocks.max.memory")); sm > 0 {
			g.MaxClocks = &Clocks{SMMHz: sm, MemMHz: mem}
		}
		g.VBIOS, _ = get("vbios_version")
		gpus = append(gpus, g)
	}
	return gpus, driver, nil
}

func smiBool(v string, ok bool) *bool {
	if !ok {
		return nil
	}
	var b bool
	switch strings.ToLower(v) {
	case "enabled", "on", "yes", "1":
		b = true
	case "disabled", "off", "no", "0":
		b = false
	default:
		return nil
	}
	return &b
}

func smiFloat(v string, ok bool) float64 {
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 {
		return 0
	}
	return f
}

func smiUint(v string, ok bool) uint32 {
	if !ok {
		return 0
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || f > 1e9 {
		return 0
	}
	return uint32(f)
}
