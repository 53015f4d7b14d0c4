//go:build linux

package proctree

import (
	"bytes"
	"os"
	"strconv"
	"syscall"
	"time"
	"unsafe"
)

const (
	prSetChildSubreaper = 36
	prGetChildSubreaper = 37
)

func attr(deathSig syscall.Signal) *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: deathSig}
}

func setSubreaper() error {
	if _, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prSetChildSubreaper, 1, 0); e != 0 {
		return os.NewSyscallError("prctl(PR_SET_CHILD_SUBREAPER)", e)
	}
	return nil
}

func isSubreaper() bool {
	var v int32
	_, _, e := syscall.RawSyscall(syscall.SYS_PRCTL, prGetChildSubreaper, uintptr(unsafe.Pointer(&v)), 0)
	return e == 0 && v != 0
}

// proc is one process as /proc/PID/stat describes it.
type proc struct {
	ppid   int
	zombie bool
}

// processes reads the parent and state of every process in /proc.
func processes() map[int]proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	out := make(map[int]proc, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone
		}
		// pid (comm) state ppid ...; comm may hold spaces and parentheses.
		i := bytes.LastIndexByte(b, ')')
		if i < 0 {
			continue
		}
		f := bytes.Fields(b[i+1:])
		if len(f) < 2 {
			continue
		}
		ppid, err := strconv.Atoi(string(f[1]))
		if err != nil {
			continue
		}
		out[pid] = proc{ppid: ppid, zombie: string(f[0]) == "Z" || string(f[0]) == "X"}
	}
	return out
}

// descendants lists the descendants of root in ps.
func descendants(root int, ps map[int]proc) []int {
	children := map[int][]int{}
	for pid, p := range ps {
		children[p.ppid] = append(children[p.ppid], pid)
	}
	var out []int
	queue := []int{root}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		for _, c := range children[pid] {
			out = append(out, c)
			queue = append(queue, c)
		}
	}
	return out
}

func killDescendants(root int) int {
	stopped := map[int]bool{}
	for range 100 { // each round finds what forked before its parent stopped
		found := false
		for _, pid := range descendants(root, processes()) {
			if !stopped[pid] {
				stopped[pid], found = true, true
				_ = syscall.Kill(pid, syscall.SIGSTOP)
			}
		}
		if !found {
			break
		}
	}
	for pid := range stopped {
		_ = syscall.Kill(pid, syscall.SIGKILL)
	}
	return len(stopped)
}

// adopted lists the children of this process that ours does not claim.
func adopted(ps map[int]proc, ours func(int) bool) []int {
	self := os.Getpid()
	var out []int
	for pid, p := range ps {
		if p.ppid == self && (ours == nil || !ours(pid)) {
			out = append(out, pid)
		}
	}
	return out
}

func killAdopted(ours func(int) bool, wait time.Duration) int {
	killed := map[int]bool{}
	deadline := time.Now().Add(wait)
	for {
		left := adopted(processes(), ours)
		for _, pid := range left {
			if !killed[pid] {
				killed[pid] = true
				killDescendants(pid)
				_ = syscall.Kill(pid, syscall.SIGKILL)
			}
			var ws syscall.WaitStatus
			_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
		}
		if len(left) == 0 || time.Now().After(deadline) {
			return len(killed)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func reapAdopted(ours func(int) bool) int {
	n := 0
	ps := processes()
	for _, pid := range adopted(ps, ours) {
		if !ps[pid].zombie {
			continue
		}
		var ws syscall.WaitStatus
		if got, _ := syscall.Wait4(pid, &ws, syscall.WNOHANG, nil); got == pid {
			n++
		}
	}
	return n
}
