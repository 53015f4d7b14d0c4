package harness

import (
	"context"
	"encoding/json"
	"os/exec"
	"slices"
	"time"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
)

// EnvironmentOf turns a hardware inventory into the results fingerprint:
// the basic facts every report shows, plus the whole inventory.
func EnvironmentOf(inv *hw.Inventory) results.Environment {
	env := results.Environment{
		Host:      inv.Host.Hostname,
		OS:        inv.Host.OS,
		Arch:      inv.Host.Arch,
		Kernel:    inv.Host.Kernel,
		CPUModel:  inv.CPU.Model,
		CPUCount:  inv.CPU.Threads,
		GoVersion: inv.Toolchain.GoVersion,
		GPUs:      inv.GPUSummaries(),
	}
	if b, err := json.Marshal(inv); err == nil {
		env.Hardware = b
	}
	return env
}

// SpawnOverhead measures the median wall time to start and reap a no-op
// process (`true`), the floor under every `measure = "wall"` sample. benchy
// records it and never subtracts it silently.
func SpawnOverhead(ctx context.Context, n int) (time.Duration, error) {
	path, err := exec.LookPath("true")
	if err != nil {
		return 0, err
	}
	ds := make([]time.Duration, 0, n)
	for i := 0; i < n; i++ {
		start := time.Now()
		if err := exec.CommandContext(ctx, path).Run(); err != nil {
			return 0, err
		}
		ds = append(ds, time.Since(start))
	}
	slices.Sort(ds)
	return ds[len(ds)/2], nil
}
