package fleet

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/stats"
)

// IncompatibleError is Merge's refusal to merge documents that do not
// measure the same thing (different suites). Options.Force overrides it.
type IncompatibleError struct {
	// Problems are the differences found, in words.
	Problems []string
}

func (e *IncompatibleError) Error() string {
	return "refusing to merge: " + strings.Join(e.Problems, "; ") + " (pass --force to merge anyway)"
}

// Merge combines results documents from several hosts. It returns an
// *IncompatibleError when the documents come from different suites, unless
// opt.Force is set, and refuses, even with opt.Force, two inputs that are
// the same run (results.Document.RunID), whose samples would count twice.
func Merge(inputs []Input, opt Options) (*Document, error) {
	if len(inputs) == 0 {
		return nil, errors.New("nothing to merge: give at least one results document")
	}
	if opt.Confidence != 0 && !(opt.Confidence > 0 && opt.Confidence < 1) {
		return nil, fmt.Errorf("confidence %v is not in (0, 1)", opt.Confidence)
	}
	d := &Document{Schema: Schema}
	byName := map[string]*Host{}
	seen := map[string]int{} // RunID to the input that brought it
	for i, in := range inputs {
		if in.Doc == nil {
			return nil, fmt.Errorf("input %d (%s): no document", i+1, in.Path)
		}
		id := in.Doc.RunID()
		if j, dup := seen[id]; dup {
			return nil, fmt.Errorf("input %d (%s) is the same run as input %d (%s): same start time, host, suite and seed; merging it again would count its samples twice",
				i+1, in.Path, j+1, inputs[j].Path)
		}
		seen[id] = i
		name := in.Label
		if name == "" {
			name = in.Doc.Environment.Host
		}
		if name == "" {
			return nil, fmt.Errorf("%s: the results name no host; label it on the command line as NAME=%s", describe(in), in.Path)
		}
		h, ok := byName[name]
		if !ok {
			h = hostOf(name, in.Doc.Environment)
			byName[name] = h
			d.Hosts = append(d.Hosts, h)
		}
		h.Runs = append(h.Runs, len(d.Runs))
		d.Runs = append(d.Runs, &Run{Host: name, Path: in.Path, Document: in.Doc})
	}
	d.Suite = SuiteRef{Path: d.Runs[0].Document.Suite.Path, SHA256: d.Runs[0].Document.Suite.SHA256}

	if hard := suiteProblems(d); len(hard) > 0 {
		if !opt.Force {
			return nil, &IncompatibleError{Problems: hard}
		}
		d.Pooling.Problems = append(d.Pooling.Problems, hard...)
	}
	d.Pooling.Problems = append(d.Pooling.Problems, fingerprintProblems(d, opt.IgnoreVars)...)
	d.Pooling.Allowed = len(d.Pooling.Problems) == 0 || opt.Force
	d.Pooling.Forced = opt.Force && len(d.Pooling.Problems) > 0
	d.Warnings = warnings(d)

	d.Confidence = opt.Confidence
	if d.Confidence == 0 {
		c, warn := runsConfidence(d.Runs)
		d.Confidence = c
		if warn != "" {
			d.Warnings = append(d.Warnings, warn)
		}
	}
	for _, name := range instanceNames(d.Runs) {
		d.Instances = append(d.Instances, mergeInstance(d, name))
	}
	return d, nil
}

func describe(in Input) string {
	if in.Path != "" {
		return in.Path
	}
	return "a document"
}

// hostOf fingerprints a host from its first document's environment.
func hostOf(name string, env results.Environment) *Host {
	setup := results.SetupOf(env)
	h := &Host{Name: name, CPUModel: env.CPUModel, Platform: env.OS + "/" + env.Arch, GPUModels: setup.Models()}
	h.Device = deviceLabel(h.GPUModels, len(setup.GPUs), env.CPUModel)
	return h
}

func deviceLabel(models []string, count int, cpu string) string {
	switch {
	case len(models) == 1 && count > 1:
		return fmt.Sprintf("%d× %s", count, models[0])
	case len(models) > 0:
		return strings.Join(models, " + ")
	case cpu != "":
		return "CPU: " + cpu
	}
	return "CPU: unknown model"
}

// deviceKey is what must agree between hosts for pooling.
func (h *Host) deviceKey() string {
	if len(h.GPUModels) > 0 {
		return "gpu:" + strings.Join(h.GPUModels, "+")
	}
	return "cpu:" + h.CPUModel
}

// suiteProblems lists differences that make a merge meaningless.
func suiteProblems(d *Document) []string {
	var out []string
	first := d.Runs[0]
	for _, r := range d.Runs[1:] {
		if r.Document.Suite.SHA256 != first.Document.Suite.SHA256 {
			out = append(out, fmt.Sprintf("%s and %s ran different suites (sha256 %s… and %s…)",
				runName(first), runName(r), short(first.Document.Suite.SHA256), short(r.Document.Suite.SHA256)))
		}
	}
	return out
}

func runName(r *Run) string {
	if r.Path != "" {
		return fmt.Sprintf("%s (%s)", r.Host, r.Path)
	}
	return r.Host
}

func short(sha string) string {
	if len(sha) > 12 {
		return sha[:12]
	}
	if sha == "" {
		return "none"
	}
	return sha
}

// fingerprintProblems lists differences that forbid pooling: devices,
// platforms and variable values.
func fingerprintProblems(d *Document, ignore []string) []string {
	var out []string
	groupBy := func(key func(*Host) string) map[string][]string {
		m := map[string][]string{}
		for _, h := range d.Hosts {
			m[key(h)] = append(m[key(h)], h.Name)
		}
		return m
	}
	if m := groupBy((*Host).deviceKey); len(m) > 1 {
		out = append(out, "hosts have different devices: "+describeGroups(d.Hosts, func(h *Host) string { return h.Device }))
	}
	if m := groupBy(func(h *Host) string { return h.Platform }); len(m) > 1 {
		out = append(out, "hosts have different platforms: "+describeGroups(d.Hosts, func(h *Host) string { return h.Platform }))
	}
	// A host whose runs disagree with its own first run (a GPU swapped
	// between runs, a label reused for two machines).
	for _, h := range d.Hosts {
		for _, i := range h.Runs[1:] {
			o := hostOf(h.Name, d.Runs[i].Document.Environment)
			if o.deviceKey() != h.deviceKey() || o.Platform != h.Platform {
				out = append(out, fmt.Sprintf("host %s: %s ran on %s (%s), its first run on %s (%s)",
					h.Name, d.Runs[i].Path, o.Device, o.Platform, h.Device, h.Platform))
			}
		}
	}
	out = append(out, variableProblems(d.Runs, ignore)...)
	return out
}

func describeGroups(hosts []*Host, key func(*Host) string) string {
	var order []string
	names := map[string][]string{}
	for _, h := range hosts {
		k := key(h)
		if _, ok := names[k]; !ok {
			order = append(order, k)
		}
		names[k] = append(names[k], h.Name)
	}
	parts := make([]string, len(order))
	for i, k := range order {
		parts[i] = fmt.Sprintf("%s on %s", k, strings.Join(names[k], ", "))
	}
	return strings.Join(parts, "; ")
}

// variableProblems reports variables whose resolved values differ between
// runs (absent counts as a value).
func variableProblems(runs []*Run, ignore []string) []string {
	var names []string
	for _, r := range runs {
		for _, v := range r.Document.Variables {
			if !slices.Contains(names, v.Name) {
				names = append(names, v.Name)
			}
		}
	}
	var out []string
	for _, n := range names {
		if slices.Contains(ignore, n) {
			continue
		}
		var order []string
		hosts := map[string][]string{} // value -> hosts
		for _, r := range runs {
			val := "(unset)"
			for _, v := range r.Document.Variables {
				if v.Name == n {
					val = compactJSON(v.Value)
				}
			}
			if _, ok := hosts[val]; !ok {
				order = append(order, val)
			}
			if !slices.Contains(hosts[val], r.Host) {
				hosts[val] = append(hosts[val], r.Host)
			}
		}
		if len(order) < 2 {
			continue
		}
		parts := make([]string, len(order))
		for i, v := range order {
			parts[i] = fmt.Sprintf("%s on %s", v, strings.Join(hosts[v], ", "))
		}
		out = append(out, fmt.Sprintf("variable %q differs: %s (--ignore-var %s if that is intended)", n, strings.Join(parts, "; "), n))
	}
	return out
}

func compactJSON(raw json.RawMessage) string {
	var b bytes.Buffer
	if json.Compact(&b, raw) != nil {
		return string(raw)
	}
	return b.String()
}

// warnings lists differences worth knowing that change nothing.
func warnings(d *Document) []string {
	var out []string
	versions := map[string]bool{}
	for _, r := range d.Runs {
		versions[r.Document.Benchy] = true
		if r.Document.Status != results.StatusComplete {
			out = append(out, fmt.Sprintf("%s: run status %s (%s)", runName(r), r.Document.Status, r.Document.StopReason))
		}
	}
	if len(versions) > 1 {
		var vs []string
		for v := range versions {
			vs = append(vs, v)
		}
		slices.Sort(vs)
		out = append(out, "runs were made by different benchy versions: "+strings.Join(vs, ", "))
	}
	return out
}

// runsConfidence is the confidence level every workload of every run
// used, or the default when they differ.
func runsConfidence(runs []*Run) (float64, string) {
	seen := map[float64]bool{}
	for _, r := range runs {
		for _, w := range r.Document.Workloads {
			seen[w.Confidence()] = true
		}
	}
	if len(seen) == 1 {
		for c := range seen {
			return c, ""
		}
	}
	if len(seen) == 0 {
		return defaultConfidence, ""
	}
	return defaultConfidence, fmt.Sprintf("the runs used different confidence levels; the merge uses %g (set --confidence to choose)", defaultConfidence)
}

// instanceNames lists workload instance names in first-seen order.
func instanceNames(runs []*Run) []string {
	var out []string
	seen := map[string]bool{}
	for _, r := range runs {
		for _, w := range r.Document.Workloads {
			if !seen[w.Name] {
				seen[w.Name] = true
				out = append(out, w.Name)
			}
		}
	}
	return out
}

// hostInstance is one host's view of an instance: its workload records
// (one per run) and their measured blocks.
type hostInstance struct {
	host      *Host
	workloads []*results.Workload
	blocks    []*results.Block
	baseline  string
}

func gather(d *Document, name string) []*hostInstance {
	var out []*hostInstance
	for _, h := range d.Hosts {
		hi := &hostInstance{host: h}
		for _, i := range h.Runs {
			for _, w := range d.Runs[i].Document.Workloads {
				if w.Name != name {
					continue
				}
				hi.workloads = append(hi.workloads, w)
				for _, b := range w.Blocks {
					if b.Measured() {
						hi.blocks = append(hi.blocks, b)
					}
				}
				for _, a := range w.Arms {
					if a.Baseline && hi.baseline == "" {
						hi.baseline = a.Name
					}
				}
			}
		}
		if len(hi.workloads) > 0 {
			out = append(out, hi)
		}
	}
	return out
}

func mergeInstance(d *Document, name string) *Instance {
	his := gather(d, name)
	first := his[0].workloads[0]
	in := &Instance{Name: name, Metric: first.Metric, Better: first.Better, Kind: KindContinuous}
	if metric.KindOf(first.Metric) == metric.PassFail {
		in.Kind = KindPassFail
	}
	poolable := true
	seenArm := map[string]bool{}
	baselines := map[string][]string{}
	var baseOrder []string
	for _, hi := range his {
		for _, w := range hi.workloads {
			if w.Metric != in.Metric || w.Better != in.Better {
				in.Notes = append(in.Notes, fmt.Sprintf("%s measures %s (%s is better), %s measures %s (%s is better); not pooled",
					hi.host.Name, w.Metric, w.Better, his[0].host.Name, in.Metric, in.Better))
				poolable = false
			}
			for _, a := range w.Arms {
				if !seenArm[a.Name] {
					seenArm[a.Name] = true
					in.Arms = append(in.Arms, a.Name)
				}
			}
		}
		if _, ok := baselines[hi.baseline]; !ok {
			baseOrder = append(baseOrder, hi.baseline)
		}
		baselines[hi.baseline] = append(baselines[hi.baseline], hi.host.Name)
	}
	switch {
	case len(baselines) == 1:
		in.Baseline = baseOrder[0]
	default:
		var parts []string
		for _, b := range baseOrder {
			parts = append(parts, fmt.Sprintf("%q on %s", b, strings.Join(baselines[b], ", ")))
		}
		in.Notes = append(in.Notes, "the hosts disagree on the baseline arm ("+strings.Join(parts, "; ")+"); not pooled")
		poolable = false
	}
	conf := d.Confidence
	for _, hi := range his {
		in.Rows = append(in.Rows, hostRow(hi, in, conf))
	}
	switch {
	case !poolable:
	case in.Baseline == "":
		in.Notes = append(in.Notes, "no baseline arm; nothing to compare")
	case !d.Pooling.Allowed:
		in.Notes = append(in.Notes, "not pooled: the hosts' fingerprints differ (see pooling problems); --force pools anyway")
	case len(d.Hosts) < 2:
		in.Notes = append(in.Notes, "one host: nothing to pool")
	case len(his) < len(d.Hosts):
		in.Notes = append(in.Notes, fmt.Sprintf("not pooled: the instance ran on %d of %d hosts", len(his), len(d.Hosts)))
	default:
		for _, arm := range in.Arms {
			if arm == in.Baseline {
				continue
			}
			in.Pooled = append(in.Pooled, pool(his, in, arm, conf))
		}
	}
	return in
}

// armStatus combines an arm's status over a host's runs: ok when it ran in
// any of them.
func armStatus(hi *hostInstance, arm string) (status, reason string, baseline, found bool) {
	for _, w := range hi.workloads {
		for _, a := range w.Arms {
			if a.Name != arm {
				continue
			}
			if !found || (status != results.ArmOK && a.Status == results.ArmOK) {
				status, reason, baseline, found = a.Status, a.Reason, a.Baseline, true
			}
		}
	}
	return
}

// passCount is an arm's pass/fail counts in one block.
type passCount struct{ succ, trials int }

// outcome is an arm's pass/fail counts in one block.
func outcome(b *results.Block, arm string) (passCount, bool, error) {
	r, found := b.Run(arm)
	if !found || r.Error != "" || len(r.NS) == 0 {
		return passCount{}, false, nil
	}
	var c passCount
	for _, v := range r.NS {
		switch v {
		case 0:
		case 1:
			c.succ++
		default:
			return passCount{}, false, fmt.Errorf("block %d: arm %s recorded %d; a pass/fail metric records 1 or 0 per iteration", b.Index, arm, v)
		}
	}
	c.trials = len(r.NS)
	return c, true, nil
}

// pairedOutcomes pairs the arms' pass/fail counts over blocks
// (results.PairedBy); err is the first block whose counts are not 1 or 0.
func pairedOutcomes(blocks []*results.Block, arms ...string) ([][]passCount, error) {
	var first error
	rows := results.PairedBy(blocks, func(b *results.Block, arm string) (passCount, bool) {
		c, ok, err := outcome(b, arm)
		if first == nil {
			first = err
		}
		return c, ok
	}, arms...)
	return rows, first
}

func hostRow(hi *hostInstance, in *Instance, conf float64) *Row {
	row := &Row{Host: hi.host.Name, Device: hi.host.Device}
	for _, arm := range in.Arms {
		status, reason, isBase, found := armStatus(hi, arm)
		if !found {
			row.Cells = append(row.Cells, &Cell{Arm: arm, Status: "absent", Reason: "not in this host's results"})
			continue
		}
		c := &Cell{Arm: arm, Baseline: isBase, Status: status, Reason: reason}
		if in.Kind == KindPassFail {
			passFailCell(hi, arm, c)
		} else {
			var samples []float64
			for _, b := range hi.blocks {
				if _, ok := b.Value(arm); ok {
					c.Blocks++
					r, _ := b.Run(arm)
					for _, ns := range r.NS {
						samples = append(samples, float64(ns))
					}
				}
			}
			if len(samples) > 0 {
				s := stats.Summarize(samples)
				c.Samples, c.Median = s.N, s.Median
			}
		}
		switch {
		case isBase || c.RelError != "":
		case c.Blocks == 0 && status != results.ArmOK:
			// Reason says why the arm has no values.
		case hi.baseline == "":
			c.RelError = "this host's results have no baseline arm"
		default:
			if in.Kind == KindPassFail {
				c.Rel, c.RelError = passFailEstimate([]*hostInstance{hi}, hi.baseline, arm, conf, false)
			} else {
				c.Rel, c.RelError = continuousEstimate([]*hostInstance{hi}, hi.baseline, arm, conf, false)
			}
		}
		row.Cells = append(row.Cells, c)
	}
	return row
}

func passFailCell(hi *hostInstance, arm string, c *Cell) {
	for _, b := range hi.blocks {
		o, ok, err := outcome(b, arm)
		if err != nil {
			c.RelError = err.Error()
			return
		}
		if ok {
			c.Blocks++
			c.Successes += o.succ
			c.Samples += o.trials
		}
	}
	if c.Samples > 0 {
		c.Median = float64(c.Successes) / float64(c.Samples)
	}
}

// continuousEstimate pairs arm with base over the blocks where both have a
// value (complete-case) and estimates the logratio relative difference: by
// blocks for one host, by host groups when byHost.
func continuousEstimate(his []*hostInstance, base, arm string, conf float64, byHost bool) (*Estimate, string) {
	var m [][]float64
	var labels []string
	for _, hi := range his {
		rows := results.PairedBy(hi.blocks, (*results.Block).Value, base, arm)
		m = append(m, rows...)
		for range rows {
			labels = append(labels, hi.host.Name)
		}
	}
	opt := stats.Options{Confidence: conf}
	method := MethodBlocks
	if byHost {
		opt.GroupLabels, method = labels, MethodHosts
	}
	if len(m) < 2 {
		return nil, fmt.Sprintf("%d block(s) where both the arm and the baseline ran; at least 2 are needed", len(m))
	}
	est, err := stats.RelativeDifference(m, 0, opt)
	if err != nil {
		return nil, err.Error()
	}
	return fromStats(est[0], method), ""
}

// passFailEstimate builds 2×2 records per block (stratum: the host) and
// estimates RR_MH − 1: by blocks for one host, by host groups when byHost.
func passFailEstimate(his []*hostInstance, base, arm string, conf float64, byHost bool) (*Estimate, string) {
	e, _, msg := passFail(his, base, arm, conf, byHost)
	return e, msg
}

func passFail(his []*hostInstance, base, arm string, conf float64, byHost bool) (*Estimate, *stats.MHResult, string) {
	var recs []stats.BinaryRecord
	var labels []string
	id := 0
	for _, hi := range his {
		rows, err := pairedOutcomes(hi.blocks, base, arm)
		if err != nil {
			return nil, nil, fmt.Sprintf("%s: %v", hi.host.Name, err)
		}
		for _, r := range rows {
			recs = append(recs,
				stats.BinaryRecord{Block: id, Stratum: hi.host.Name, Arm: 0, Successes: r[0].succ, Trials: r[0].trials},
				stats.BinaryRecord{Block: id, Stratum: hi.host.Name, Arm: 1, Successes: r[1].succ, Trials: r[1].trials})
			labels = append(labels, hi.host.Name)
			id++
		}
	}
	if id < 2 {
		return nil, nil, fmt.Sprintf("%d block(s) where both the arm and the baseline ran; at least 2 are needed", id)
	}
	opt := stats.Options{Estimator: stats.CMH, Confidence: conf}
	method := MethodMHBlocks
	if byHost {
		opt.GroupLabels, method = labels, MethodMHHosts
	}
	est, err := stats.BinaryRelativeDifference(recs, 0, opt)
	if err != nil {
		return nil, nil, err.Error()
	}
	return fromStats(est[0], method), est[0].MH, ""
}

// pool estimates arm against the baseline over every host, when every
// host compared them.
func pool(his []*hostInstance, in *Instance, arm string, conf float64) *Pooled {
	p := &Pooled{Arm: arm, Hosts: len(his)}
	var missing []string
	for i, hi := range his {
		if c := in.Rows[i].cellOf(arm); c == nil || c.Rel == nil {
			missing = append(missing, hi.host.Name)
		}
		p.Blocks += pairedBlocks(hi, in, arm)
	}
	if len(missing) > 0 {
		p.Error = fmt.Sprintf("not compared on every host (no estimate on %s)", strings.Join(missing, ", "))
		return p
	}
	if in.Kind == KindPassFail {
		p.Rel, p.MH, p.Error = passFail(his, in.Baseline, arm, conf, true)
	} else {
		p.Rel, p.Error = continuousEstimate(his, in.Baseline, arm, conf, true)
	}
	return p
}

func pairedBlocks(hi *hostInstance, in *Instance, arm string) int {
	if in.Kind == KindPassFail {
		rows, _ := pairedOutcomes(hi.blocks, in.Baseline, arm)
		return len(rows)
	}
	return len(results.PairedBy(hi.blocks, (*results.Block).Value, in.Baseline, arm))
}

// cellOf returns the row's cell for arm, or nil.
func (r *Row) cellOf(arm string) *Cell {
	for _, c := range r.Cells {
		if c.Arm == arm {
			return c
		}
	}
	return nil
}
