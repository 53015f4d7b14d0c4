package harness

import (
	"cmp"
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/benchy-dev/benchy/results"
	"github.com/benchy-dev/benchy/runners"
	"github.com/benchy-dev/benchy/stats"
	"github.com/benchy-dev/benchy/suites"
)

// runInterrupted is the error of an arm's run cut short by a hard stop
// (second Ctrl-C); its block is recorded as incomplete.
const runInterrupted = "interrupted: benchy was stopped during this run"

// turn runs one arm once inside a block and returns what it recorded.
func (r *run) turn(ctx context.Context, pw *suites.Workload, a *armState, s suites.RunSettings) *results.ArmRun {
	ar := &results.ArmRun{Arm: a.plan.Name}
	if a.w == nil && a.active { // fresh process per block, or first use
		if !r.spawn(ctx, a) {
			ar.Error = runInterrupted
			return ar
		}
		if !a.active {
			ar.Error = a.rec.Reason
			return ar
		}
	}
	if len(pw.Prepare) > 0 {
		if err := r.command(ctx, pw.Prepare, "prepare"); err != nil {
			if ctx.Err() != nil {
				ar.Error = runInterrupted
				return ar
			}
			ar.Error = "prepare: " + err.Error()
			a.fail(ar.Error)
			return ar
		}
	}
	var before any
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
			ar.Error = runInterrupted
			return ar
		}
		ar.Error = err.Error()
		a.fail(err.Error())
		r.logf("   %s failed: %v", a.plan.Name, err)
		return ar
	}
	ar.NS, ar.Metrics = resp.NS, resp.Metrics
	if len(pw.Conclude) > 0 {
		if err := r.command(ctx, pw.Conclude, "conclude"); err != nil {
			r.logf("   %s: conclude failed: %v", a.plan.Name, err)
		}
	}
	if a.plan.FreshProcess && a.w != nil {
		a.w.close(5 * time.Second)
		a.rec.Stderr = a.w.stderrTail()
		a.w = nil
	}
	return ar
}

func (r *run) runInterleaved(ctx context.Context, pw *suites.Workload, rw *results.Workload, arms []*armState, s suites.RunSettings, sch schedule, start time.Time) {
	byName := map[string]*armState{}
	for _, a := range arms {
		byName[a.plan.Name] = a
	}
	measured := 0
	for b := 0; ; b++ {
		warm := b < s.Warmup
		if !warm && measured >= s.MaxBlocks {
			rw.StopReason = fmt.Sprintf("reached max_blocks = %d", s.MaxBlocks)
			return
		}
		if s.TimeBudget > 0 && time.Since(start) >= s.TimeBudget {
			rw.Status = results.StatusBudgetExhausted
			rw.StopReason = fmt.Sprintf("time budget %v spent after %d measured block(s)", s.TimeBudget, measured)
			return
		}
		if b > 0 && s.Cooldown > 0 {
			if !sleepCtx(ctx, s.Cooldown) {
				rw.Status, rw.StopReason = results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s), in the cooldown", measured)
				return
			}
		}
		block := &results.Block{Index: b, Warmup: warm, Order: sch.blockOrder(b)}
		if s.GPUSettle > 0 && r.opt.Settle != nil {
			block.Settle = r.opt.Settle(ctx, s.GPUSettle, cmp.Or(s.GPUSettleTemp, DefaultSettleTemp))
		}
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
			run := r.turn(ctx, pw, a, s)
			block.Runs = append(block.Runs, run)
			if run.Error == runInterrupted {
				interrupted = true
				break
			}
		}
		if interrupted {
			if len(block.Runs) > 0 {
				block.Incomplete = true
				r.appendBlock(rw, block, s, measured)
			}
			rw.Status, rw.StopReason = results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s); the block in progress is kept as incomplete", measured)
			return
		}
		if !warm {
			measured++
		}
		block.Load = r.hostLoad()
		r.appendBlock(rw, block, s, measured)
		if len(activeNames(arms)) == 0 {
			rw.StopReason = "every arm failed"
			return
		}
		if ctx.Err() != nil || r.softStopped() {
			rw.Status, rw.StopReason = results.StatusInterrupted, fmt.Sprintf("stopped after %d measured block(s)", measured)
			return
		}
		if !warm && measured >= s.MinBlocks && s.TargetCIHalfWidth > 0 {
			matrix, cols, base := blockMatrix(rw, arms)
			if base >= 0 && len(matrix) > 0 {
				d, _ := stats.EvaluateStop(matrix, base, stats.StopRule{
					MinBlocks: s.MinBlocks, MaxBlocks: s.MaxBlocks,
					TargetHalfWidth: s.TargetCIHalfWidth, Confidence: s.Confidence,
				})
				if d.Stop {
					rw.StopReason = d.Reason
					if d.WorstArm >= 0 && d.WorstArm < len(cols) {
						rw.StopReason = strings.Replace(d.Reason, fmt.Sprintf("(arm %d)", d.WorstArm), "("+cols[d.WorstArm]+")", 1)
					}
					return
				}
			}
		}
	}
}

// runSequential runs every block of one arm before the next arm: only for
// A/A studies and teaching, since drift then looks like a difference. A
// block is journaled after every arm's turn in it (incomplete until every
// arm has had its turn), so that a kill keeps every finished turn; the
// time budget, cooldown and GPU settling apply per turn.
func (r *run) runSequential(ctx context.Context, pw *suites.Workload, rw *results.Workload, arms []*armState, s suites.RunSettings, sch schedule, start time.Time) {
	total := s.Warmup + s.MaxBlocks
	blocks := make([]*results.Block, total)
	for b := range blocks {
		blocks[b] = &results.Block{Index: b, Warmup: b < s.Warmup, Order: sch.blockOrder(b), Incomplete: true}
	}
	// covered[b] counts the arms done with block b: they ran in it, or
	// failed before it and will not run again.
	covered := make([]int, total)
	runnable := len(activeNames(arms))
	turns := 0
	stop := func(status, reason string) { rw.Status, rw.StopReason = status, reason }
outer:
	for _, a := range arms {
		if !a.active {
			continue
		}
		b := 0
		for ; b < total; b++ {
			switch {
			case ctx.Err() != nil || r.softStopped():
				stop(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			case s.TimeBudget > 0 && time.Since(start) >= s.TimeBudget:
				stop(results.StatusBudgetExhausted, fmt.Sprintf("time budget %v spent after %d turn(s)", s.TimeBudget, turns))
				break outer
			case turns > 0 && s.Cooldown > 0 && !sleepCtx(ctx, s.Cooldown):
				stop(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			}
			blk := blocks[b]
			if s.GPUSettle > 0 && r.opt.Settle != nil {
				blk.Settle = r.opt.Settle(ctx, s.GPUSettle, cmp.Or(s.GPUSettleTemp, DefaultSettleTemp))
			}
			if blk.Start.IsZero() {
				blk.Start = time.Now().UTC()
			}
			r.blocks.Store(true)
			run := r.turn(ctx, pw, a, s)
			blk.Runs = append(blk.Runs, run)
			turns++
			if run.Error == runInterrupted {
				r.journalBlock(rw, blk)
				stop(results.StatusInterrupted, fmt.Sprintf("stopped after %d turn(s)", turns))
				break outer
			}
			covered[b]++
			blk.Incomplete = covered[b] < runnable
			blk.Load = r.hostLoad()
			r.journalBlock(rw, blk)
			r.blockDone(rw, blk, s, max(b+1-s.Warmup, 0))
			if !a.active {
				b++
				break
			}
		}
		// A failed arm is done with the blocks it will never run.
		for ; b < total; b++ {
			covered[b]++
			if blk := blocks[b]; len(blk.Runs) > 0 && blk.Incomplete && covered[b] >= runnable {
				blk.Incomplete = false
				r.journalBlock(rw, blk)
			}
		}
	}
	for _, blk := range blocks {
		if len(blk.Runs) > 0 {
			rw.Blocks = append(rw.Blocks, blk)
		}
	}
	if rw.StopReason == "" {
		rw.StopReason = fmt.Sprintf("sequential order runs exactly max_blocks = %d", s.MaxBlocks)
	}
}

// journalBlock journals a block's current state without adding it to the
// workload: a later record of the same block supersedes it.
func (r *run) journalBlock(rw *results.Workload, b *results.Block) {
	if r.journal != nil {
		r.note(r.journal.Block(rw.Name, b))
	}
}

// appendBlock records a finished block; measured counts the workload's
// measured blocks, this one included.
func (r *run) appendBlock(rw *results.Workload, b *results.Block, s suites.RunSettings, measured int) {
	rw.Blocks = append(rw.Blocks, b)
	r.journalBlock(rw, b)
	r.blockDone(rw, b, s, measured)
}

// blockDone reports a finished block (or turn): to Options.Blocks when
// set, else as a progress line.
func (r *run) blockDone(rw *results.Workload, b *results.Block, s suites.RunSettings, measured int) {
	line := r.plan.Redact(blockLine(b))
	if r.opt.Blocks != nil {
		r.opt.Blocks(BlockProgress{Workload: r.plan.Redact(rw.Name), Index: b.Index, Warmup: b.Warmup,
			Measured: measured, MinBlocks: s.MinBlocks, MaxBlocks: s.MaxBlocks, Line: line})
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

func blockLine(b *results.Block) string {
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
		s += fmt.Sprintf("%s %v", run.Arm, shortDuration(time.Duration(sum(run.NS)/int64(len(run.NS)))))
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
