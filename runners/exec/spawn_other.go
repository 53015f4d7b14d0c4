//go:build !(linux && cgo)

package exec

import (
	"context"
	"fmt"
	"os"
	"syscall"
	"time"
)

// spawner starts one command many times with syscall.ForkExec, where
// posix_spawn is not available through cgo. Timing from Go costs a little
// more per run than the C loop in spawn_cgo.go.
type spawner struct {
	path, dir string
	argv, env []string
	// reapOrphans reaps, after each run, the other children that exited:
	// in a worker that is a child subreaper, the orphans the command's
	// daemons leave.
	reapOrphans bool
}

func newSpawner(path string, argv, env []string, dir string) *spawner {
	return &spawner{path: path, dir: dir, argv: argv, env: env}
}

// runs starts the command up to len(into) times in a row and returns how
// many runs it recorded; it stops early after a run that failed, or when
// ctx is cancelled.
func (s *spawner) runs(ctx context.Context, io stdio, into []run) (int, error) {
	attr := &syscall.ProcAttr{Dir: s.dir, Env: s.env, Files: []uintptr{io.in, io.out, io.err}}
	for i := range into {
		if err := ctx.Err(); err != nil {
			return i, err
		}
		for _, c := range []struct {
			fd uintptr
			on bool
		}{{io.out, io.truncateOut}, {io.err, io.truncateErr}} {
			if !c.on {
				continue
			}
			if err := syscall.Ftruncate(int(c.fd), 0); err != nil {
				return i, fmt.Errorf("output capture: %w", err)
			}
			if _, err := syscall.Seek(int(c.fd), 0, os.SEEK_SET); err != nil {
				return i, fmt.Errorf("output capture: %w", err)
			}
		}
		var ws syscall.WaitStatus
		var ru syscall.Rusage
		start := time.Now()
		pid, err := syscall.ForkExec(s.path, s.argv, attr)
		if err == nil {
			for {
				if _, err = syscall.Wait4(pid, &ws, 0, &ru); err != syscall.EINTR {
					break
				}
			}
		}
		elapsed := time.Since(start)
		if err != nil {
			return i, fmt.Errorf("starting or reaping the command: %w", err)
		}
		for s.reapOrphans {
			var other syscall.WaitStatus
			if pid, _ := syscall.Wait4(-1, &other, syscall.WNOHANG, nil); pid <= 0 {
				break
			}
		}
		into[i] = run{elapsed: elapsed, user: time.Duration(ru.Utime.Nano()), sys: time.Duration(ru.Stime.Nano()), maxRSSKiB: ru.Maxrss, status: ws}
		if into[i].failure() != "" {
			return i + 1, nil
		}
	}
	return len(into), nil
}

func (s *spawner) free() {}
