package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/internal/termtext"
	"github.com/benchy-dev/benchy/reports"
	"github.com/benchy-dev/benchy/suites"
)

func init() { registerCommand(newPlanCmd) }

func newPlanCmd(stdout, stderr io.Writer) *cobra.Command {
	var vars, varFiles []string
	var format string
	cmd := &cobra.Command{
		Use:   "plan SUITE...",
		Short: "Print the expanded workloads and arms of suites, without running anything",
		Long: `Plan loads each suite (a file path or a built-in name), expands every matrix
and prints the workload instances and arm instances that "benchy run" would
measure, with the baseline of each workload instance, the runner and its
configuration, and the run settings. Sensitive variables are redacted.

With --format json it prints one JSON document per suite:
  {"name":..., "workloads":[{"name":"bodyposenet/resolution=224x320",
    "arms":[{"name":"onnx/precision=fp32","baseline":true,"runner":"onnx",...}]}]}`,
		Example: `  benchy plan quickstart
  benchy plan bodyposenet --format json | jq '.workloads[].name'
  benchy plan suite.benchy.hcl --var rows=1000000`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(_ *cobra.Command, args []string) error {
			outFmt, err := textOrJSON.Parse(format)
			if err != nil {
				return withCode(exitUsage, err)
			}
			plans, err := loadPlans(args, vars, varFiles, stderr)
			if err != nil {
				return err
			}
			for i, p := range plans {
				p = p.Redacted()
				if outFmt == reports.JSON {
					b, err := json.MarshalIndent(p, "", "  ")
					if err != nil {
						return withCode(exitEnvironment, err)
					}
					fmt.Fprintf(stdout, "%s\n", b)
					continue
				}
				if i > 0 {
					fmt.Fprintln(stdout)
				}
				writePlanText(stdout, p)
			}
			return nil
		},
	}
	addVarFlags(cmd, &vars, &varFiles)
	addFormatFlag(cmd.Flags(), &format, "output format", textOrJSON)
	return cmd
}

// writePlanText prints a plan for people: the suite, its variables and run
// settings, then one table of arm instances per workload instance, with the
// published result a workload cites and each arm's published figure.
func writePlanText(w io.Writer, p *suites.Plan) {
	fmt.Fprintf(w, "suite %s (%s, sha256 %.12s)\n", p.Name, p.Path, p.SHA256)
	if len(p.Variables) > 0 {
		fmt.Fprintln(w, "variables:")
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		for _, v := range p.Variables {
			fmt.Fprintf(tw, "  %s\t= %s\t(%s)\n", v.Name, v.Value, v.Source)
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "run: %s\n", describeRun(p.Run))
	fmt.Fprintf(w, "arm timeout: %v for its setup and each block, where the arm sets no timeout\n", harness.DefaultCallTimeout)
	arms := 0
	for _, wl := range p.Workloads {
		arms += len(wl.Arms)
		fmt.Fprintf(w, "\nworkload %s (metric %s, %s is better)\n", wl.Name, wl.Metric, wl.Better)
		if wl.Description != "" {
			fmt.Fprintf(w, "  %s\n", termtext.EscapeLines(wl.Description))
		}
		if wl.Run != p.Run {
			fmt.Fprintf(w, "  run: %s\n", describeRun(wl.Run))
		}
		if r := describeRequires(wl.Requires); r != "" {
			fmt.Fprintf(w, "  requires: %s\n", r)
		}
		if pub := wl.Published; pub != nil {
			line := "  published (" + termtext.Escape(pub.Source) + ")"
			if pub.Claim != "" {
				line += ": " + termtext.Escape(pub.Claim)
			}
			fmt.Fprintln(w, line)
			if pub.URL != "" {
				fmt.Fprintf(w, "    %s\n", termtext.Escape(pub.URL))
			}
		}
		for _, step := range []struct {
			name string
			argv []string
		}{{"setup", wl.Setup}, {"prepare", wl.Prepare}, {"conclude", wl.Conclude}, {"cleanup", wl.Cleanup}} {
			if len(step.argv) > 0 {
				b, _ := json.Marshal(step.argv)
				fmt.Fprintf(w, "  %s: %s\n", step.name, b)
			}
		}
		figures := wl.Published != nil && len(wl.Published.Arms) > 0
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		if figures {
			fmt.Fprintln(tw, "  ARM\tBASELINE\tRUNNER\tREQUIRES\tPUBLISHED\tCONFIG")
		} else {
			fmt.Fprintln(tw, "  ARM\tBASELINE\tRUNNER\tREQUIRES\tCONFIG")
		}
		for _, a := range wl.Arms {
			base := "-"
			if a.Baseline {
				base = "yes"
			}
			req := describeRequires(a.Requires)
			if req == "" {
				req = "-"
			}
			if figures {
				fig := wl.Published.Arms[a.Name]
				if fig == "" {
					fig = "-"
				}
				fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\t%s\n", a.Name, base, a.Runner, req, termtext.Escape(fig), describeArmConfig(a))
				continue
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\t%s\n", a.Name, base, a.Runner, req, describeArmConfig(a))
		}
		tw.Flush()
	}
	fmt.Fprintf(w, "\n%s, %s\n", plural(len(p.Workloads), "workload instance"), plural(arms, "arm instance"))
}

// describeArmConfig is the runner configuration as compact JSON, followed
// by the arm's own settings.
func describeArmConfig(a *suites.Arm) string {
	parts := []string{string(a.Config)}
	if a.Timeout > 0 {
		parts = append(parts, "timeout="+a.Timeout.String())
	}
	if a.FreshProcess {
		parts = append(parts, "fresh_process")
	}
	if a.Workdir != "" {
		parts = append(parts, "workdir="+a.Workdir)
	}
	if len(a.Env) > 0 {
		b, _ := json.Marshal(a.Env)
		parts = append(parts, "env="+string(b))
	}
	return strings.Join(parts, " ")
}

func describeRequires(r suites.Requires) string {
	var parts []string
	if r.GPU {
		parts = append(parts, "gpu")
	}
	if r.MinGPUMemory > 0 {
		parts = append(parts, "gpu memory >= "+humanBytes(r.MinGPUMemory))
	}
	if r.ComputeCapability != "" {
		parts = append(parts, "compute capability "+r.ComputeCapability)
	}
	return strings.Join(parts, ", ")
}

func humanBytes(n uint64) string {
	units := []string{"B", "KiB", "MiB", "GiB", "TiB"}
	f := float64(n)
	i := 0
	for f >= 1024 && i < len(units)-1 {
		f /= 1024
		i++
	}
	return strings.TrimSuffix(strings.TrimRight(fmt.Sprintf("%.1f", f), "0"), ".") + units[i]
}

// describeRun is a one-line summary of run settings.
func describeRun(r suites.RunSettings) string {
	parts := []string{
		fmt.Sprintf("%d warm-up block(s)", r.Warmup),
		fmt.Sprintf("%d-%d blocks", r.MinBlocks, r.MaxBlocks),
	}
	if r.TargetCIHalfWidth > 0 {
		parts = append(parts, fmt.Sprintf("stop at CI half-width <= %g%% (%g%% confidence)", r.TargetCIHalfWidth*100, r.Confidence*100))
	} else {
		parts = append(parts, fmt.Sprintf("%g%% confidence, no precision stop", r.Confidence*100))
	}
	if r.SeedSet {
		parts = append(parts, fmt.Sprintf("seed %d", r.Seed))
	} else {
		parts = append(parts, "seed drawn at run time")
	}
	parts = append(parts, "order "+string(r.Order))
	if r.Iterations > 0 {
		parts = append(parts, fmt.Sprintf("%d iterations per arm per block", r.Iterations))
	} else {
		parts = append(parts, fmt.Sprintf("iterations calibrated to >= %s per arm per block", r.MinBlockTime))
	}
	parts = append(parts, fmt.Sprintf("%d warm-up iteration(s)", r.WarmupIterations))
	if r.TimeBudget > 0 {
		parts = append(parts, "time budget "+r.TimeBudget.String())
	}
	if r.Cooldown > 0 {
		parts = append(parts, "cooldown "+r.Cooldown.String())
	}
	return strings.Join(parts, ", ")
}
