//go:build !linux

package proctree

import (
	"errors"
	"syscall"
	"time"
)

func attr(syscall.Signal) *syscall.SysProcAttr { return &syscall.SysProcAttr{Setpgid: true} }

func setSubreaper() error { return errors.New("no child subreapers on this platform") }

func isSubreaper() bool { return false }

func killDescendants(int) int { return 0 }

func killAdopted(func(int) bool, time.Duration) int { return 0 }

func reapAdopted(func(int) bool) int { return 0 }
