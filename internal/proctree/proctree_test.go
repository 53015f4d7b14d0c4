//go:build linux

package proctree

import (
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// alive reports whether pid runs (a zombie is not running).
func alive(pid int) bool {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return false
	}
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	return len(f) > 0 && f[0] != "Z" && f[0] != "X"
}

// startDaemons starts sh, which starts a setsid'd sleep (out of its
// process group and session) and a plain one, prints their pids and then
// does what tail says; tail prints extra more pids. startDaemons returns
// once every pid is printed, so each of those processes has been forked.
func startDaemons(t *testing.T, tail string, extra int) (*exec.Cmd, []int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", "setsid sleep 300 & echo $!; sleep 300 & echo $!; "+tail)
	cmd.SysProcAttr = Attr(syscall.SIGKILL)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var pids []int
	buf := make([]byte, 64)
	got := ""
	deadline := time.Now().Add(10 * time.Second)
	for strings.Count(got, "\n") < 2+extra && time.Now().Before(deadline) {
		n, err := out.Read(buf)
		got += string(buf[:n])
		if err != nil {
			break
		}
	}
	for _, f := range strings.Fields(got) {
		pid, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("sh printed %q", got)
		}
		pids = append(pids, pid)
	}
	if len(pids) != 2+extra {
		t.Fatalf("sh printed %q", got)
	}
	return cmd, pids
}

func TestKillDescendantsReachesSetsid(t *testing.T) {
	// The third sleep's pid is printed before KillDescendants looks: a
	// tail of a plain "sleep 300" raced it (sh had not forked it yet).
	cmd, pids := startDaemons(t, "sleep 300 & echo $!; wait", 1)
	if n := KillDescendants(cmd.Process.Pid); n != 3 {
		t.Errorf("killed %d processes, want 3 (the three sleeps)", n)
	}
	_ = cmd.Process.Kill()
	_ = cmd.Wait()
	for _, pid := range pids {
		for i := 0; i < 200 && alive(pid); i++ {
			time.Sleep(10 * time.Millisecond)
		}
		if alive(pid) {
			t.Errorf("descendant %d survived", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		// Where an earlier test made this process a subreaper the dead
		// sleeps are its zombies now; reap them so that a later test's
		// count of adopted orphans (go test -count=N) does not meet them.
		var ws syscall.WaitStatus
		_, _ = syscall.Wait4(pid, &ws, syscall.WNOHANG, nil)
	}
}

func TestKillAdoptedOrphans(t *testing.T) {
	if err := SetSubreaper(); err != nil {
		t.Skip(err)
	}
	if !IsSubreaper() {
		t.Fatal("SetSubreaper succeeded, IsSubreaper says no")
	}
	cmd, pids := startDaemons(t, "exit 0", 0)
	if err := cmd.Wait(); err != nil {
		t.Fatal(err)
	}
	// The orphans are this process's children now; a child of ours that
	// is claimed stays.
	keep := exec.Command("sleep", "300")
	if err := keep.Start(); err != nil {
		t.Fatal(err)
	}
	defer func() { _ = keep.Process.Kill(); _ = keep.Wait() }()
	if n := KillAdopted(func(pid int) bool { return pid == keep.Process.Pid }, 5*time.Second); n != 2 {
		t.Errorf("killed %d adopted orphans, want 2", n)
	}
	for _, pid := range pids {
		if alive(pid) {
			t.Errorf("orphan %d survived", pid)
			_ = syscall.Kill(pid, syscall.SIGKILL)
		}
		if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
			t.Errorf("orphan %d was not reaped", pid)
		}
	}
	if !alive(keep.Process.Pid) {
		t.Error("the claimed child was killed")
	}
}

func TestReapAdoptedZombies(t *testing.T) {
	if err := SetSubreaper(); err != nil {
		t.Skip(err)
	}
	cmd := exec.Command("sh", "-c", "setsid sleep 0.05 & echo $!")
	out, err := cmd.Output()
	if err != nil {
		t.Fatal(err)
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(string(out)))
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) && alive(pid) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := ReapAdopted(nil); n != 1 {
		t.Errorf("reaped %d, want the one exited orphan", n)
	}
	if _, err := os.Stat("/proc/" + strconv.Itoa(pid)); err == nil {
		t.Errorf("orphan %d is still a zombie", pid)
	}
}
