//go:build linux && cgo

package exec

/*
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

typedef struct {
	long long ns, user_ns, sys_ns, maxrss_kib;
	int status;
} benchy_run;

static long long benchy_ns(struct timespec t) { return (long long)t.tv_sec * 1000000000LL + t.tv_nsec; }
static long long benchy_tv_ns(struct timeval t) { return (long long)t.tv_sec * 1000000000LL + t.tv_usec * 1000LL; }

// benchy_runs starts path with argv and envp up to n times in a row and
// times each run from just before posix_spawn to just after wait4 returns,
// on CLOCK_MONOTONIC. stdin, stdout and stderr come from the given
// descriptors; the capture files among them are emptied before each run,
// outside the timed interval. The child starts in dir (when not empty) with
// an empty signal mask and the default action for the signals a worker
// ignores. glibc's posix_spawn uses clone(CLONE_VM|CLONE_VFORK), as
// hyperfine's Rust runtime does.
//
// The whole loop runs here, in one cgo call: returning to Go between runs
// lets the Go scheduler's monitor thread poll every 20 us while the next
// child starts, which cost about 3% on a ~10 ms command on a 2-vCPU VM.
//
// With reap set it also reaps, after each run and outside the timed
// interval, any other child that has exited: in a worker that is a child
// subreaper, the orphans that the command's daemons leave (they would
// otherwise stay zombies, one per run, until the worker exits).
//
// It stops after a run that does not exit with status 0, and before a run
// when *stop is non-zero. *done counts the runs recorded in out; the
// result is 0 or the errno of a failed posix_spawn or wait4.
static int benchy_runs(const char *path, char *const argv[], char *const envp[], const char *dir,
                       int in, int out, int err, int truncate_out, int truncate_err, int reap,
                       int n, const volatile int *stop, benchy_run *runs, int *done) {
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, defaults;
	*done = 0;
	int rc = posix_spawn_file_actions_init(&fa);
	if (rc) return rc;
	rc = posix_spawnattr_init(&at);
	if (rc) { posix_spawn_file_actions_destroy(&fa); return rc; }
	sigemptyset(&none);
	sigemptyset(&defaults);
	sigaddset(&defaults, SIGINT);
	sigaddset(&defaults, SIGQUIT);
	sigaddset(&defaults, SIGTERM);
	sigaddset(&defaults, SIGPIPE);
	if ((rc = posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF)) ||
	    (rc = posix_spawnattr_setsigmask(&at, &none)) ||
	    (rc = posix_spawnattr_setsigdefault(&at, &defaults)) ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, in, 0)) ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, out, 1)) ||
	    (rc = posix_spawn_file_actions_adddup2(&fa, err, 2)))
		goto done;
	if (dir != NULL && dir[0] != 0 && (rc = posix_spawn_file_actions_addchdir_np(&fa, dir)))
		goto done;
	for (int i = 0; i < n && !*stop; i++) {
		if ((truncate_out && (ftruncate(out, 0) || lseek(out, 0, SEEK_SET))) ||
		    (truncate_err && (ftruncate(err, 0) || lseek(err, 0, SEEK_SET)))) {
			rc = errno;
			break;
		}
		struct timespec start, end;
		struct rusage ru;
		pid_t pid;
		int status = 0;
		clock_gettime(CLOCK_MONOTONIC, &start);
		rc = posix_spawn(&pid, path, &fa, &at, argv, envp);
		if (rc) break;
		pid_t got;
		while ((got = wait4(pid, &status, 0, &ru)) < 0 && errno == EINTR) {}
		clock_gettime(CLOCK_MONOTONIC, &end);
		if (got < 0) { rc = errno; break; }
		if (reap) while (waitpid(-1, NULL, WNOHANG) > 0) {}
		runs[i].ns = benchy_ns(end) - benchy_ns(start);
		runs[i].user_ns = benchy_tv_ns(ru.ru_utime);
		runs[i].sys_ns = benchy_tv_ns(ru.ru_stime);
		runs[i].maxrss_kib = ru.ru_maxrss;
		runs[i].status = status;
		(*done)++;
		if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) break;
	}
done:
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}
*/
import "C"

import (
	"context"
	"fmt"
	"sync/atomic"
	"syscall"
	"time"
	"unsafe"
)

// spawner starts one command many times; its C strings are built once.
type spawner struct {
	path, dir *C.char
	argv      []*C.char // NULL-terminated
	envp      []*C.char // NULL-terminated
	// reapOrphans reaps the other children that exit (see benchy_runs).
	reapOrphans bool
}

func newSpawner(path string, argv, env []string, dir string) *spawner {
	s := &spawner{path: C.CString(path)}
	if dir != "" {
		s.dir = C.CString(dir)
	}
	for _, a := range argv {
		s.argv = append(s.argv, C.CString(a))
	}
	s.argv = append(s.argv, nil)
	for _, e := range env {
		s.envp = append(s.envp, C.CString(e))
	}
	s.envp = append(s.envp, nil)
	return s
}

// runs starts the command up to len(into) times in a row (see the C
// benchy_runs above) and returns how many runs it recorded in into. It
// stops early after a run that failed, or when ctx is cancelled.
func (s *spawner) runs(ctx context.Context, io stdio, into []run) (int, error) {
	if len(into) == 0 {
		return 0, nil
	}
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	// The stop flag and the results live in C memory: C reads the flag
	// while a goroutine may set it, and Go may not hand C a pointer to Go
	// memory that C keeps using.
	stop := (*C.int)(C.calloc(1, C.size_t(unsafe.Sizeof(C.int(0)))))
	defer C.free(unsafe.Pointer(stop))
	buf := (*C.benchy_run)(C.calloc(C.size_t(len(into)), C.size_t(unsafe.Sizeof(C.benchy_run{}))))
	defer C.free(unsafe.Pointer(buf))
	if done := ctx.Done(); done != nil {
		finished, exited := make(chan struct{}), make(chan struct{})
		go func() {
			defer close(exited)
			select {
			case <-done:
				atomic.StoreInt32((*int32)(unsafe.Pointer(stop)), 1)
			case <-finished:
			}
		}()
		// Deferred after the frees, so run before them: the goroutine has
		// stopped touching stop before it is freed.
		defer func() { close(finished); <-exited }()
	}
	var n C.int
	rc := C.benchy_runs(s.path, &s.argv[0], &s.envp[0], s.dir,
		C.int(io.in), C.int(io.out), C.int(io.err), cbool(io.truncateOut), cbool(io.truncateErr), cbool(s.reapOrphans),
		C.int(len(into)), stop, buf, &n)
	for i, c := range unsafe.Slice(buf, int(n)) {
		into[i] = run{
			elapsed:   time.Duration(c.ns),
			user:      time.Duration(c.user_ns),
			sys:       time.Duration(c.sys_ns),
			maxRSSKiB: int64(c.maxrss_kib),
			status:    syscall.WaitStatus(c.status),
		}
	}
	if rc != 0 {
		return int(n), fmt.Errorf("starting or reaping the command: %w", syscall.Errno(rc))
	}
	if int(n) < len(into) && ctx.Err() != nil {
		return int(n), ctx.Err()
	}
	return int(n), nil
}

func cbool(b bool) C.int {
	if b {
		return 1
	}
	return 0
}

// free releases the C strings.
func (s *spawner) free() {
	for _, p := range append(append([]*C.char{s.path, s.dir}, s.argv...), s.envp...) {
		if p != nil {
			C.free(unsafe.Pointer(p))
		}
	}
	*s = spawner{}
}
