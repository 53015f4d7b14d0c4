package harness

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/metric"
	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/stats"
)

// runInterrupted is the recorded error of an arm's run cut short by a hard
// stop (second Ctrl-C); its block is recorded as incomplete.
const runInterrupted = "interrupted: benchy was stopped during this run"

// outcome is how an arm's turn ended.
type outcome int

const (
	// turnRan: the arm ran; its times are recorded.
	turnRan outcome = iota
	// turnEnded: the arm failed or was skipped in this turn, and runs no
	// more; the recorded error says why.
	turnEnded
	// turnInterrupted: a hard stop cut the turn short, which is not the
	// arm's failure; the block it was in is incomplete.
	turnInterrupted
)

// turn runs one arm once inside a block and returns what it recorded and
// how it ended.
func (w *workloadRun) turn(ctx context.Context, a *armState) (*results.ArmRun, outcome) {
	r, pw, s := w.r, w.pw, w.s
	ar := &results.ArmRun{Arm: a.plan.Name}
	interrupted := func() (*results.ArmRun, outcome) {
		ar.Error = runInterrupted
		return ar, turnInterrupted
	}
	if a.w == nil && a.active { // fresh process per block, or first use
		if !r.spawn(ctx, a) {
			return interrupted()
		}
		if !a.active {
			ar.Error = a.rec.Reason
			return ar, turnEnded
		}
	}
	if len(pw.Prepare) > 0 {
		if err := r.command(ctx, pw.Prepare, "prepare"); err != nil {
			if ctx.Err() != nil {
				return interrupted()
			}
			ar.Error = "prepare: " + err.Error()
			a.fail(ar.Error)
			return ar, turnEnded
		}
	}
	var before []results.GPUSample
	if r.opt.Telemetry != nil {
		before = r.opt.Telemetry.Sample()
	}
	resp, err := r.call(ctx, a, runners.Request{Op: runners.OpRun, Warmup: s.WarmupIterations, Iterations: a.iterations})
	if r.opt.Telemetry != nil {
		// The bracket covers the warm-up iterations too.
		ar.Telemetry = r.opt.Telemetry.Summarize(before, r.opt.Telemetry.Sample(), s.WarmupIterations+a.iterations)
	}
	if err != nil {
		if ctx.Err() != nil { // a hard stop killed the worker: not the arm's failure
			return interrupted()
		}
		ar.Error = err.Error()
		a.fail(err.Error())
		r.logf("   %s failed: %v", a.plan.Name, err)
		return ar, turnEnded
	}
	ar.NS, ar.Metrics = resp.NS, resp.Metrics
	if len(pw.Conclude) > 0 {
		if err := r.command(ctx, pw.Conclude, "conclude"); err != nil {
			r.logf("   %s: conclude failed: %v", a.plan.Name, err)
		}
	}
	if a.plan.FreshProcess && a.w != nil {
		_ = r.closeArm(a) // a close that fails ends the arm after this turn
	}
	return ar, turnRan
}

// settle waits for the GPUs to cool before a block (or sequential turn)
// when the run settings ask for it, and records what it found with b.
func (w *workloadRun) settle(ctx context.Context, b *results.Block) {
	if w.s.GPUSettle > 0 && w.r.opt.Settle != nil {
		b.Settle = w.r.opt.Settle(ctx, w.s.GPUSettle, cmp.Or(w.s.GPUSettleTemp, DefaultSettleTemp))
	}
}

// interleaved runs blocks in which every active arm has one turn, in the
// block's scheduled order, until a limit, the stopping rule or a stop ends
// the workload.
func (w *workloadRun) interleaved(ctx context.Context) {
	r, s := w.r, w.s
	byName := map[string]*armState{}
	for _, a := range w.arms {
		byName[a.plan.Name] = a
	}
	measured := 0
	for b := 0; ; b++ {
		warm := b < s.Warmup
		if !warm && measured >= s.MaxBlocks {
			w.rec.StopReason = fmt.Sprintf("reached max_blocks = %d", s.MaxBlocks)
			return
		}
		if s.TimeBudget > 0 && time.Since(w.start) >= s.TimeBudget {
			w.end(results.StatusBudgetExhausted, fmt.Sprintf("time budget %v spent after %d measured block(s)", s.TimeBudget, measured))
			return
		}
		if b > 0 && s.Cooldown > 0 {
			if !sleepCtx(ctx, s.Cooldown) {
				w.end(results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s), in the cooldown", measured))
				return
			}
		}
		block := &results.Block{Index: b, Warmup: warm, Order: w.sch.blockOrder(b)}
		w.settle(ctx, block)
		block.Start = time.Now().UTC()
		r.blocks.Store(true)
		interrupted := false
		for _, name := range block.Order {
			if ctx.Err() != nil || r.softStopped() {
				interrupted = true
				break
			}
			a := byName[name]
			if !a.active {
				continue
			}
			run, out := w.turn(ctx, a)
			block.Runs = append(block.Runs, run)
			if out == turnInterrupted {
				interrupted = true
				break
			}
		}
		if interrupted {
			if len(block.Runs) > 0 {
				block.Incomplete = true
				w.appendBlock(block, measured)
			}
			w.end(results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s); the block in progress is kept as incomplete", measured))
			return
		}
		if !warm {
			measured++
		}
		block.Load = r.hostLoad()
		w.appendBlock(block, measured)
		if len(activeNames(w.arms)) == 0 {
			w.rec.StopReason = "every arm failed"
			return
		}
		if ctx.Err() != nil || r.softStopped() {
			w.end(results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s)", measured))
			return
		}
		if !warm && measured >= s.MinBlocks && s.TargetCIHalfWidth > 0 {
			if reason, stop := w.precise(); stop {
				w.rec.StopReason = reason
				return
			}
		}
	}
}

// precise applies the stopping rule to the measured blocks so far: it
// reports true, with the reason, once every arm's confidence interval is
// narrow enough.
func (w *workloadRun) precise() (string, bool) {
	s := w.s
	matrix, cols, base := blockMatrix(w.rec, w.arms)
	if base < 0 || len(matrix) == 0 {
		return "", false
	}
	d, _ := stats.EvaluateStop(matrix, base, stats.StopRule{
		MinBlocks: s.MinBlocks, MaxBlocks: s.MaxBlocks,
		TargetHalfWidth: s.TargetCIHalfWidth, Confidence: s.Confidence,
	})
	if !d.Stop {
		return "", false
	}
	if d.WorstArm >= 0 && d.WorstArm < len(cols) {
		return strings.Replace(d.Reason, fmt.Sprintf("(arm %d)", d.WorstArm), "("+cols[d.WorstArm]+")", 1), true
	}
	return d.Reason, true
}

// sequential runs every block of one arm before the next arm: only for
// A/A studies and teaching, since drift then looks like a difference. A
// block is journaled after every arm's turn in it (incomplete until every
// arm has had its turn), so that a kill keeps every finished turn; the
// time budget, cooldown and GPU settling apply per turn.
func (w *workloadRun) sequential(ctx context.Context) {
	r, s := w.r, w.s
	total := s.Warmup + s.MaxBlocks
	blocks := make([]*results.Block, total)
	for b := range blocks {
		blocks[b] = &results.Block{Index: b, Warmup: b < s.Warmup, Order: w.sch.blockOrder(b), Incomplete: true}
	}
	// covered[b] counts the arms done with block b: they ran in it, or
	// failed before it and will not run again.
	covered := make([]int, total)
	runnable := len(activeNames(w.arms))
	turns := 0
outer:
	for _, a := range w.arms {
		if !a.active {
			continue
		}
		b := 0
		for ; b < total; b++ {
			switch {
			case ctx.Err() != nil || r.softStopped():
				w.end(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			case s.TimeBudget > 0 && time.Since(w.start) >= s.TimeBudget:
				w.end(results.StatusBudgetExhausted, fmt.Sprintf("time budget %v spent after %d turn(s)", s.TimeBudget, turns))
				break outer
			case turns > 0 && s.Cooldown > 0 && !sleepCtx(ctx, s.Cooldown):
				w.end(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			}
			blk := blocks[b]
			w.settle(ctx, blk)
			if blk.Start.IsZero() {
				blk.Start = time.Now().UTC()
			}
			r.blocks.Store(true)
			run, out := w.turn(ctx, a)
			blk.Runs = append(blk.Runs, run)
			turns++
			if out == turnInterrupted {
				w.journalBlock(blk)
				w.end(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			}
			covered[b]++
			blk.Incomplete = covered[b] < runnable
			blk.Load = r.hostLoad()
			w.journalBlock(blk)
			w.blockDone(blk, max(b+1-s.Warmup, 0))
			if out == turnEnded {
				b++
				break
			}
		}
		// A failed arm is done with the blocks it will never run.
		for ; b < total; b++ {
			covered[b]++
			if blk := blocks[b]; len(blk.Runs) > 0 && blk.Incomplete && covered[b] >= runnable {
				blk.Incomplete = false
				w.journalBlock(blk)
			}
		}
	}
	for _, blk := range blocks {
		if len(blk.Runs) > 0 {
			w.rec.Blocks = append(w.rec.Blocks, blk)
		}
	}
	if w.rec.StopReason == "" {
		w.rec.StopReason = fmt.Sprintf("sequential order runs exactly max_blocks = %d", s.MaxBlocks)
	}
}

// journalBlock journals a block's current state without adding it to the
// workload: a later record of the same block supersedes it.
func (w *workloadRun) journalBlock(b *results.Block) {
	if w.r.journal != nil {
		w.r.note(w.r.journal.Block(w.rec.Name, b))
	}
}

// appendBlock records a finished block; measured counts the workload's
// measured blocks, this one included.
func (w *workloadRun) appendBlock(b *results.Block, measured int) {
	w.rec.Blocks = append(w.rec.Blocks, b)
	w.journalBlock(b)
	w.blockDone(b, measured)
}

// blockDone reports a finished block (or turn): to Options.Blocks when
// set, else as a progress line.
func (w *workloadRun) blockDone(b *results.Block, measured int) {
	r := w.r
	line := r.plan.Redact(blockLine(b, w.rec.Metric))
	if r.opt.Blocks != nil {
		r.opt.Blocks(BlockProgress{Workload: r.plan.Redact(w.rec.Name), Index: b.Index, Warmup: b.Warmup,
			Measured: measured, MinBlocks: w.s.MinBlocks, MaxBlocks: w.s.MaxBlocks, Line: line})
		return
	}
	r.logf("   block %d%s: %s", b.Index, map[bool]string{true: " (warm-up)", false: ""}[b.Warmup], line)
}

// shortDuration keeps about four significant digits of d for a progress
// line: 14.47ms rather than 14.466826ms; sub-millisecond values are kept.
func shortDuration(d time.Duration) time.Duration {
	switch {
	case d >= 10*time.Second:
		return d.Round(10 * time.Millisecond)
	case d >= time.Second:
		return d.Round(time.Millisecond)
	case d >= 10*time.Millisecond:
		return d.Round(10 * time.Microsecond)
	case d >= time.Millisecond:
		return d.Round(time.Microsecond)
	}
	return d
}

// blockLine is a block's progress line: each arm's mean per iteration in
// the workload's metric, a duration when that is a time ("a 1.2ms"), else
// the value and the metric ("a 5 score").
func blockLine(b *results.Block, metricName string) string {
	s := ""
	for i, run := range b.Runs {
		if i > 0 {
			s += "  "
		}
		switch run.Error {
		case "":
		case runInterrupted:
			s += run.Arm + " interrupted"
			continue
		default:
			s += run.Arm + " failed"
			continue
		}
		if metric.KindOf(metricName) == metric.Time {
			s += fmt.Sprintf("%s %v", run.Arm, shortDuration(time.Duration(sum(run.NS)/int64(len(run.NS)))))
		} else {
			s += fmt.Sprintf("%s %.4g %s", run.Arm, float64(sum(run.NS))/float64(len(run.NS)), metricName)
		}
	}
	return s
}

// blockMatrix builds the block × arm matrix of per-iteration means over the
// complete measured blocks of the arms still active, with the column names
// and the baseline's column.
func blockMatrix(rw *results.Workload, arms []*armState) ([][]float64, []string, int) {
	var cols []string
	base := -1
	for _, a := range arms {
		if a.active {
			if a.plan.Baseline {
				base = len(cols)
			}
			cols = append(cols, a.plan.Name)
		}
	}
	if base < 0 || len(cols) < 2 {
		return nil, nil, -1
	}
	return rw.Paired(cols...), cols, base
}
