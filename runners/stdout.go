package runners

import (
	"fmt"
	"os"
	"syscall"
)

// ProtocolStdout keeps a worker's protocol channel clean: it duplicates
// file descriptor 1 for the protocol and points fd 1 at stderr, so that a
// library printing to stdout (a C runtime, a stray fmt.Println) cannot
// corrupt the protocol stream. What it returns is where responses go.
func ProtocolStdout() (*os.File, error) {
	fd, err := syscall.Dup(1)
	if err != nil {
		return nil, fmt.Errorf("worker: dup stdout: %w", err)
	}
	if err := syscall.Dup2(2, 1); err != nil {
		return nil, fmt.Errorf("worker: redirect stdout: %w", err)
	}
	return os.NewFile(uintptr(fd), "protocol"), nil
}
