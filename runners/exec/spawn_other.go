//go:build !(linux && cgo)

package exec

import "syscall"

// spawner starts one command many times with syscall.ForkExec, where
// posix_spawn is not available through cgo.
type spawner struct {
	path, dir string
	argv, env []string
}

func newSpawner(path string, argv, env []string, dir string) *spawner {
	return &spawner{path: path, dir: dir, argv: argv, env: env}
}

// start spawns the command with the given stdio descriptors.
func (s *spawner) start(in, out, errFD uintptr) (int, error) {
	return syscall.ForkExec(s.path, s.argv, &syscall.ProcAttr{Dir: s.dir, Env: s.env, Files: []uintptr{in, out, errFD}})
}

func (s *spawner) free() {}
