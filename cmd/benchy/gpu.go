package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/hw"
)

func init() { registerCommand(newGPUCmd) }

func newGPUCmd(stdout, stderr io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "gpu",
		Short: "Lock or unlock NVIDIA GPU clocks (needs root)",
		Long: `Locking the SM clock removes GPU boost from the measurement: a locked GPU runs
every block at the same clock, whatever its temperature was when the block
started. The base (TDP) clock is the reproducible choice, because the GPU
can hold it under full load without power capping.

lock-clocks also turns persistence mode on, so the lock survives between
processes, and records what it did in /run/benchy/gpu-clocks.json
($BENCHY_STATE_DIR overrides the folder); benchy env and doctor report it,
and unlock-clocks undoes it. Both need root.`,
		Args: cobra.NoArgs,
	}
	cmd.AddCommand(newLockClocksCmd(stdout, stderr), newUnlockClocksCmd(stdout, stderr))
	return cmd
}

func newLockClocksCmd(stdout, _ io.Writer) *cobra.Command {
	var gpus []int
	var clocks string
	cmd := &cobra.Command{
		Use:   "lock-clocks",
		Short: "Lock GPU SM clocks (base, max, MHz or MIN-MAX) and turn persistence mode on",
		Example: `  sudo benchy gpu lock-clocks                 # every GPU, base clock
  sudo benchy gpu lock-clocks --gpu 0 --clocks 1410`,
		Args: cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			spec, err := hw.ParseClockSpec(clocks)
			if err != nil {
				return withCode(exitUsage, err)
			}
			held, err := hw.LockClocks(spec, gpus...)
			if err != nil {
				return gpuError("lock-clocks", err)
			}
			for _, l := range held.Locks() {
				msg := fmt.Sprintf("GPU %d: %s", l.Index, l.Describe())
				if l.PersistenceWasOff {
					msg += "; persistence mode turned on"
				}
				fmt.Fprintln(stdout, msg)
			}
			fmt.Fprintf(stdout, "recorded in %s; undo with: sudo benchy gpu unlock-clocks\n", hw.ClockStatePath())
			return nil
		},
	}
	cmd.Flags().IntSliceVar(&gpus, "gpu", nil, "GPU indices to lock, e.g. 0,1 (default: all)")
	cmd.Flags().StringVar(&clocks, "clocks", "base", "base, max, MHz, or MIN-MAX in MHz")
	return cmd
}

func newUnlockClocksCmd(stdout, _ io.Writer) *cobra.Command {
	var gpus []int
	cmd := &cobra.Command{
		Use:     "unlock-clocks",
		Short:   "Reset locked GPU clocks and restore persistence mode where benchy changed it",
		Example: `  sudo benchy gpu unlock-clocks`,
		Args:    cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			done, err := hw.UnlockClocks(gpus...)
			for _, line := range done {
				fmt.Fprintln(stdout, line)
			}
			if err != nil {
				return gpuError("unlock-clocks", err)
			}
			return nil
		},
	}
	cmd.Flags().IntSliceVar(&gpus, "gpu", nil, "GPU indices to unlock, e.g. 0,1 (default: all)")
	return cmd
}

// gpuError maps a clock-control failure to an exit code: a GPU index that
// does not exist is a usage error; no GPU, no permission or an NVML failure
// is an environment error.
func gpuError(op string, err error) error {
	if errors.Is(err, hw.ErrNoSuchGPU) {
		return withCode(exitUsage, fmt.Errorf("gpu %s: %w", op, err))
	}
	return withCode(exitEnvironment, fmt.Errorf("gpu %s: %w", op, err))
}
