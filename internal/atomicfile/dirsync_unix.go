//go:build unix

package atomicfile

import (
	"errors"
	"os"
	"syscall"
)

// syncDir fsyncs the directory dir, so that a rename into it is durable.
// It returns nil where that cannot be done: a file system that does not
// support syncing a directory (EINVAL, ENOTSUP), or a directory that may
// be written but not opened for reading.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		if errors.Is(err, syscall.EACCES) {
			return nil
		}
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	if errors.Is(err, syscall.EINVAL) || errors.Is(err, syscall.ENOTSUP) || errors.Is(err, syscall.EOPNOTSUPP) {
		return nil
	}
	return err
}
