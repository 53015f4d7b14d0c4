package harness

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/benchy-dev/benchy/internal/proctree"
)

// StopGrace is how long the first Ctrl-C (or SIGTERM) lets the arm in
// progress finish before it is killed as a second Ctrl-C would. Before
// the first block of a run there is nothing to finish, and it stops at
// once.
const StopGrace = 10 * time.Second

// live holds the pids of the processes that the harness started and has
// not reaped yet (workers and commands): its own children, never killed
// as left-overs.
var live sync.Map

func started(pid int) { live.Store(pid, true) }

func ended(pid int) { live.Delete(pid) }

func ours(pid int) bool {
	_, ok := live.Load(pid)
	return ok
}

// sweep kills what a workload left running once its workers are closed
// and its cleanup has run: on a child subreaper (benchy run makes itself
// one), every process that an arm, a worker or a command started and
// that outlived its parent was re-parented to this process, and is killed
// here with its descendants.
func (r *run) sweep(workload string) {
	if !proctree.IsSubreaper() {
		return
	}
	if n := proctree.KillAdopted(ours, 5*time.Second); n > 0 {
		r.logf("   %s: killed %d process(es) left running by its arms or commands", workload, n)
	}
}

// graceAfterStop returns ctx, cancelled as well when the soft stop
// (Options.Stop) has waited StopGrace for the arm in progress, or at once
// when it comes before the first block. The cancel func must be called.
func (r *run) graceAfterStop(ctx context.Context) (context.Context, context.CancelFunc) {
	if r.opt.Stop == nil {
		return ctx, func() {}
	}
	hard, cancel := context.WithCancelCause(ctx)
	done := make(chan struct{})
	go func() {
		select {
		case <-r.opt.Stop:
		case <-done:
			return
		}
		r.stopped.Store(true)
		if !r.blocks.Load() {
			cancel(errors.New("stopped before the first block"))
			return
		}
		t := time.NewTimer(StopGrace)
		defer t.Stop()
		select {
		case <-t.C:
			cancel(fmt.Errorf("the arm in progress did not finish within %v of the stop", StopGrace))
		case <-done:
		}
	}()
	return hard, func() { close(done); cancel(nil) }
}
