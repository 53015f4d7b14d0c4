package main

import (
	"fmt"
	"io"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/hw"
	"github.com/benchy-dev/benchy/hw/doctor"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/results"
)

func init() { registerCommand(newDoctorCmd) }

// doctorReport is the JSON form of `benchy doctor`.
type doctorReport struct {
	Worst  doctor.Verdict `json:"worst"`
	Checks []doctor.Check `json:"checks"`
}

func newDoctorCmd(stdout, stderr io.Writer) *cobra.Command {
	var format string
	var strict bool
	cmd := &cobra.Command{
		Use:   "doctor",
		Short: "List what threatens reproducible timings on this machine, with a fix for each",
		Long: `Doctor checks the machine the way pyperf's "system show" does, and the GPU as
well: CPU frequency governor, turbo/boost, SMT, isolated CPUs, load, swap,
virtualization and CPU quotas; for every NVIDIA GPU persistence mode, clock
locks, other processes on the GPU, ECC, MIG, power limit, application clocks
and whether it is throttling right now. Each line has a verdict (ok, info,
warn, bad, skip) and, for problems, the command that fixes it.

Doctor exits 0 whatever it finds; with --strict it exits 1 when any check
is warn or bad, so a CI job can refuse to benchmark on an untuned runner.`,
		Example: `  benchy doctor
  benchy doctor --strict --format json`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			outFmt, err := textOrJSON.Parse(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			inv := detectInventory(cmd.Context())
			var now []results.GPUSample
			if len(inv.GPUs) > 0 {
				if tel, err := hw.OpenTelemetry(); err == nil {
					now = tel.Sample()
					tel.Close()
				} else {
					fmt.Fprintf(stderr, "benchy: no live GPU telemetry: %v\n", err)
				}
			}
			checks := doctor.Examine(inv, now)
			rep := doctorReport{Worst: doctor.Worst(checks), Checks: checks}
			if outFmt == reports.JSON {
				if err := envWriteJSON(stdout, rep); err != nil {
					return err
				}
			} else {
				writeDoctorText(stdout, rep)
			}
			if strict && (rep.Worst == doctor.Warn || rep.Worst == doctor.Bad) {
				return silentExit(exitFailure)
			}
			return nil
		},
	}
	addFormatFlag(cmd.Flags(), &format, "output format", textOrJSON)
	cmd.Flags().BoolVar(&strict, "strict", false, "exit 1 when any check is warn or bad")
	return cmd
}

// writeDoctorText prints one line per check, with the fix indented below.
func writeDoctorText(w io.Writer, rep doctorReport) {
	count := map[doctor.Verdict]int{}
	nameWidth := 0
	for _, c := range rep.Checks {
		count[c.Verdict]++
		nameWidth = max(nameWidth, len(c.Name))
	}
	for _, c := range rep.Checks {
		fmt.Fprintf(w, "%-5s %-*s  %s\n", c.Verdict, nameWidth, c.Name, c.Detail)
		if c.Fix != "" {
			fmt.Fprintf(w, "%-5s %-*s  fix: %s\n", "", nameWidth, "", c.Fix)
		}
	}
	switch {
	case count[doctor.Bad]+count[doctor.Warn] == 0:
		fmt.Fprintf(w, "\nnothing threatens reproducibility (%d checks, %d skipped)\n", len(rep.Checks), count[doctor.Skip])
	default:
		fmt.Fprintf(w, "\n%d bad, %d warn, %d info, %d ok, %d skipped\n",
			count[doctor.Bad], count[doctor.Warn], count[doctor.Info], count[doctor.OK], count[doctor.Skip])
	}
}
