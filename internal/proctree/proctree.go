// Package proctree keeps the processes that benchy's arms start from
// outliving it. On Linux it uses what the kernel offers to a process
// without privileges: a child subreaper (PR_SET_CHILD_SUBREAPER), so that
// orphaned descendants (a daemon that double-forked or called setsid) are
// re-parented to benchy rather than to init; a parent-death signal
// (PR_SET_PDEATHSIG) for the processes benchy starts; and a walk of /proc
// that stops a process tree and then kills it, so that nothing in it can
// fork while it is being killed. docs/lifetime.md says what is guaranteed
// where.
package proctree

import (
	"syscall"
	"time"
)

// Attr is the SysProcAttr of a process that benchy starts: its own process
// group, so that a Ctrl-C at the terminal reaches benchy alone and a kill
// of the group reaches everything the process started there, and, on
// Linux, deathSig (when not 0) sent to it when benchy dies.
func Attr(deathSig syscall.Signal) *syscall.SysProcAttr { return attr(deathSig) }

// SetSubreaper makes this process a child subreaper: orphans among its
// descendants are re-parented to it, where KillAdopted finds them. It is
// an error where the platform has no subreapers.
func SetSubreaper() error { return setSubreaper() }

// IsSubreaper reports whether this process is a child subreaper.
func IsSubreaper() bool { return isSubreaper() }

// KillDescendants stops every descendant of the process root (not root
// itself), walking the tree again until no new process appears, and then
// kills them all with SIGKILL. It returns how many it killed. A stopped
// process cannot fork, so a process that forks while it is being killed
// does not escape; a process that has already left the tree (re-parented
// to init) is out of reach.
func KillDescendants(root int) int { return killDescendants(root) }

// KillAdopted kills, with their descendants, the children of this process
// that ours does not claim — on a subreaper, the orphans it adopted — and
// reaps them, for at most wait. It returns how many it killed.
func KillAdopted(ours func(pid int) bool, wait time.Duration) int {
	return killAdopted(ours, wait)
}

// ReapAdopted reaps, without waiting, the children of this process that
// have exited and that ours does not claim: the orphans a subreaper
// adopted, which would otherwise stay zombies until it exits.
func ReapAdopted(ours func(pid int) bool) int { return reapAdopted(ours) }
