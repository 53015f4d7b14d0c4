//go:build linux && cgo

package exec

/*
#define _GNU_SOURCE
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>

// benchy_spawn starts path with argv and envp, stdin/stdout/stderr from the
// given descriptors, in dir (when not empty), with an empty signal mask and
// the default action for the signals a worker ignores. glibc's posix_spawn
// uses clone(CLONE_VM|CLONE_VFORK), as hyperfine's Rust runtime does.
static int benchy_spawn(const char *path, char *const argv[], char *const envp[], const char *dir,
                        int in, int out, int err, pid_t *pid) {
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, defaults;
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
	rc = posix_spawn(pid, path, &fa, &at, argv, envp);
done:
	posix_spawnattr_destroy(&at);
	posix_spawn_file_actions_destroy(&fa);
	return rc;
}
*/
import "C"

import (
	"fmt"
	"syscall"
	"unsafe"
)

// spawner starts one command many times; its C strings are built once.
type spawner struct {
	path, dir *C.char
	argv      []*C.char // NULL-terminated
	envp      []*C.char // NULL-terminated
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

// start spawns the command with the given stdio descriptors.
func (s *spawner) start(in, out, errFD uintptr) (int, error) {
	var pid C.pid_t
	rc := C.benchy_spawn(s.path, &s.argv[0], &s.envp[0], s.dir, C.int(in), C.int(out), C.int(errFD), &pid)
	if rc != 0 {
		return 0, fmt.Errorf("posix_spawn: %w", syscall.Errno(rc))
	}
	return int(pid), nil
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
