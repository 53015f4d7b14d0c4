package suites

import (
	"context"
	"fmt"
	"strings"

	"github.com/benchy-dev/benchy/runners"
)

// ExpandError is an arm whose runner could not list its instances (see
// Expand).
type ExpandError struct {
	// Workload and Arm are the instance names of the arm.
	Workload, Arm string
	Err           error
}

func (e *ExpandError) Error() string {
	return fmt.Sprintf("%s, arm %s: %v", e.Workload, e.Arm, e.Err)
}

func (e *ExpandError) Unwrap() error { return e.Err }

// Expand returns p with every workload instance whose arms' runners stand
// for several instances of their own (runners.Spec.Instances, such as one
// per Go benchmark a regexp matches) split into one workload instance per
// listed key, named and keyed by the runner's axes after the workload's
// own: gobench/bench=Sort/size=10. Arms whose runner lists nothing of its
// own run in every instance as they are. A key the baseline arm does not
// list has nothing to be compared with and is left out, with a warning in
// the plan; so is an arm from the instances whose key it lacks.
//
// Load does not call it, because listing may build and run programs
// (benchy validate never does); benchy run, plan and calibrate do. p
// itself is not changed.
func Expand(ctx context.Context, p *Plan) (*Plan, error) {
	out := *p
	out.Workloads = nil
	out.Warnings = append([]string(nil), p.Warnings...)
	for _, w := range p.Workloads {
		split, warnings, err := expandWorkload(ctx, p, w)
		if err != nil {
			return nil, err
		}
		out.Workloads = append(out.Workloads, split...)
		out.Warnings = append(out.Warnings, warnings...)
	}
	return &out, nil
}

func expandWorkload(ctx context.Context, p *Plan, w *Workload) ([]*Workload, []string, error) {
	lists := map[string][]runners.Instance{}
	for _, a := range w.Arms {
		spec, ok := runners.Lookup(a.Runner)
		if !ok || spec.Instances == nil {
			continue
		}
		workdir := p.Dir
		if a.Workdir != "" {
			workdir = runners.ResolveDir(p.Dir, a.Workdir)
		}
		list, err := spec.Instances(ctx, a.Config, p.Dir, workdir)
		if err != nil {
			return nil, nil, &ExpandError{Workload: w.Name, Arm: a.Name, Err: err}
		}
		if list != nil {
			lists[a.Name] = list
		}
	}
	if len(lists) == 0 {
		return []*Workload{w}, nil, nil
	}
	base := w.Baseline()
	// The keys in the baseline's order, then those only other arms list.
	var keys []string
	axes := map[string][][2]string{}
	byArm := map[string]map[string]runners.Instance{}
	add := func(arm string) {
		byArm[arm] = map[string]runners.Instance{}
		for _, in := range lists[arm] {
			byArm[arm][in.Key] = in
			if _, seen := axes[in.Key]; !seen {
				keys = append(keys, in.Key)
				axes[in.Key] = in.Axes
			}
		}
	}
	if base != nil {
		add(base.Name)
	}
	for _, a := range w.Arms {
		if _, ok := lists[a.Name]; ok && a != base {
			add(a.Name)
		}
	}
	var out []*Workload
	var warnings []string
	for _, key := range keys {
		inst := *w
		var name strings.Builder
		name.WriteString(w.Name)
		inst.Axes = append([]Axis(nil), w.Axes...)
		for _, ax := range axes[key] {
			fmt.Fprintf(&name, "/%s=%s", ax[0], ax[1])
			inst.Axes = append(inst.Axes, Axis{Name: ax[0], Value: ax[1]})
		}
		inst.Name = name.String()
		if _, listed := lists[base.Name]; listed {
			if _, ok := byArm[base.Name][key]; !ok {
				warnings = append(warnings, fmt.Sprintf("%s: left out: only arms other than the baseline %s have %s, so there is nothing to compare it with", inst.Name, base.Name, key))
				continue
			}
		}
		inst.Arms = nil
		var missing []string
		for _, a := range w.Arms {
			if _, listed := lists[a.Name]; !listed {
				inst.Arms = append(inst.Arms, a)
				continue
			}
			in, ok := byArm[a.Name][key]
			if !ok {
				missing = append(missing, a.Name)
				continue
			}
			one := *a
			one.Config = in.Config
			inst.Arms = append(inst.Arms, &one)
		}
		if len(missing) > 0 {
			warnings = append(warnings, fmt.Sprintf("%s: arm(s) %s left out: they have no %s", inst.Name, strings.Join(missing, ", "), key))
		}
		out = append(out, &inst)
	}
	return out, warnings, nil
}
