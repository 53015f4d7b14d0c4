// Package regularfile reads files that must be regular files of bounded
// size: a FIFO would block until another process writes to it, a device
// such as /dev/zero never ends, and neither is ever a model or a data file.
package regularfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"syscall"
)

// NotRegularError reports a path that is not a regular file.
type NotRegularError struct {
	Path string
	// Kind names what the path is: "a directory", "a named pipe (FIFO)", ...
	Kind string
}

func (e *NotRegularError) Error() string {
	return fmt.Sprintf("%s is %s, not a regular file", e.Path, e.Kind)
}

// TooLargeError reports a file larger than the limit.
type TooLargeError struct {
	Path string
	// Size is the file's size, or -1 when it grew past Limit while read.
	Size  int64
	Limit int64
}

func (e *TooLargeError) Error() string {
	if e.Size < 0 {
		return fmt.Sprintf("%s has more than %d bytes", e.Path, e.Limit)
	}
	return fmt.Sprintf("%s has %d bytes, more than %d", e.Path, e.Size, e.Limit)
}

// Open opens path for reading if it is a regular file, without blocking on
// a FIFO (see Read), for a caller that reads only parts of it. The error for
// another type of file is a *NotRegularError.
func Open(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !st.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Path: path, Kind: Kind(st.Mode())}
	}
	return f, st, nil
}

// Read reads the regular file at path (a symbolic link to one is fine),
// at most limit bytes. Anything else is a *NotRegularError, found without
// blocking (a FIFO is opened with O_NONBLOCK); a larger file, or one that
// grows past limit while it is read, is a *TooLargeError. Other errors are
// those of os.Open, such as fs.ErrNotExist.
func Read(path string, limit int64) ([]byte, error) {
	f, st, err := Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	if st.Size() > limit {
		return nil, &TooLargeError{Path: path, Size: st.Size(), Limit: limit}
	}
	// Files such as those in /proc report size 0 and still have contents:
	// the limit holds for what is read, not for what Stat said.
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	if int64(len(b)) > limit {
		return nil, &TooLargeError{Path: path, Size: -1, Limit: limit}
	}
	return b, nil
}

// Kind names a file type that is not a regular file.
func Kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeCharDevice != 0:
		return "a character device"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "not a regular file"
}
