package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"

	"github.com/benchy-dev/benchy/harness"
	"github.com/benchy-dev/benchy/internal/proctree"
)

// interrupts is benchy's Ctrl-C handling, shared by run and calibrate: the
// first SIGINT or SIGTERM closes stop (finish the arm in progress and keep
// every finished block), the second cancels ctx (stop at once).
type interrupts struct {
	ctx  context.Context
	stop chan struct{}
	// first is what the first signal prints, after "benchy: ".
	first   atomic.Pointer[string]
	release func()
}

// stopAfterArm is what the first Ctrl-C of a run prints.
var stopAfterArm = fmt.Sprintf("stopping after the arm in progress, killing it after %v (Ctrl-C again to stop at once)", harness.StopGrace)

// watchInterrupts installs the handler until release is called. It also
// makes benchy a child subreaper, so that what the arms leave running is
// re-parented to benchy, which kills it (docs/lifetime.md).
func watchInterrupts(parent context.Context, stderr io.Writer) *interrupts {
	if parent == nil {
		parent = context.Background()
	}
	_ = proctree.SetSubreaper() // where there is none, orphans go to init
	ctx, cancel := context.WithCancelCause(parent)
	in := &interrupts{ctx: ctx, stop: make(chan struct{})}
	in.say(stopAfterArm)
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	done := make(chan struct{})
	go func() {
		for n := 1; ; n++ {
			select {
			case <-done:
				return
			case <-sigs:
			}
			if n == 1 {
				fmt.Fprintln(stderr, "\nbenchy: "+*in.first.Load())
				close(in.stop)
				continue
			}
			fmt.Fprintln(stderr, "\nbenchy: stopping now")
			cancel(errors.New("interrupted twice"))
			return
		}
	}()
	in.release = func() {
		signal.Stop(sigs)
		close(done)
		cancel(nil)
	}
	return in
}

// say sets what the first signal prints.
func (in *interrupts) say(msg string) { in.first.Store(&msg) }

// stopped reports whether the first signal has come.
func (in *interrupts) stopped() bool { return isClosed(in.stop) }

func isClosed(c <-chan struct{}) bool {
	select {
	case <-c:
		return true
	default:
		return false
	}
}

// interruptible runs load (reading and checking suites: no blocks yet,
// nothing to keep) so that the first SIGINT or SIGTERM ends it at once:
// benchy stops with exit 130 even when load never returns.
func interruptible[T any](in *interrupts, load func() (T, error)) (T, error) {
	in.say("interrupted while loading; stopping now")
	type result struct {
		v   T
		err error
	}
	done := make(chan result, 1)
	go func() {
		v, err := load()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-in.stop:
		var zero T
		return zero, silentExit(exitInterrupted)
	}
}
