package harness

import (
	"encoding/json"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/results"
)

// EnvironmentOf turns a hardware inventory into the results fingerprint:
// the basic facts every report shows, the setup (results.Setup), plus the
// whole inventory.
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
	// The setup is read from the inventory once, here, by the rule that
	// derives it for documents that did not record it.
	s := results.SetupOf(env)
	env.Setup = &s
	return env
}
