// Package atomicfile replaces files atomically: a reader of the path sees
// either the old contents or the new ones, never a part, and a crash
// leaves no half-written file at the path.
package atomicfile

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"syscall"
	"unicode/utf8"
)

// maxPrefixBase caps how much of the target's name goes into the temporary
// file's name, so that a long target name cannot push the temporary name
// past the file system's limit (255 bytes on most).
const maxPrefixBase = 128

// Write writes data to path atomically and durably:
//
//  1. it creates a temporary file in path's directory (so that the rename
//     below stays within one file system), hidden and named after the
//     target: ".<name>.tmp-<random>";
//  2. writes data, sets the permission bits of perm exactly (the umask
//     does not apply), fsyncs the file and closes it;
//  3. renames it over path, replacing any file there (a symbolic link at
//     path is replaced by the new file, not followed);
//  4. fsyncs the directory, so that the rename itself survives a crash.
//     Where the platform or file system cannot sync a directory (Windows,
//     EINVAL/ENOTSUP, a directory without read permission) this step is
//     skipped; any other failure is returned.
//
// A path that is a stream rather than a file to replace is written to
// directly instead, opened for appending without being created or
// truncated: a character device, FIFO or socket (or a symbolic link to
// one), and a link to a process's open file (/dev/stdout, /dev/fd/N,
// /proc/self/fd/N), whatever that file is, so that "-o /dev/stdout" prints
// and never renames a file over the link. A directory at path is refused
// with syscall.EISDIR before anything is written.
//
// path's directory must exist. On a failure before the rename the
// temporary file is removed and path is left as it was. Every error names
// path and wraps the underlying error, so errors.Is(err, fs.ErrPermission)
// and the like keep working.
func Write(path string, data []byte, perm fs.FileMode) error {
	if err := write(path, data, perm); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	return nil
}

// WriteKeepMode is Write for rewriting a file in place, such as a user's
// own file: when path exists, the new file gets the permission bits of the
// file there (following a symbolic link), and perm is used only when
// nothing exists at path.
func WriteKeepMode(path string, data []byte, perm fs.FileMode) error {
	st, err := os.Stat(path)
	switch {
	case err == nil:
		perm = st.Mode().Perm()
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("write %s: %w", path, err)
	}
	return Write(path, data, perm)
}

func write(path string, data []byte, perm fs.FileMode) error {
	switch direct, err := isStream(path); {
	case err != nil:
		return err
	case direct:
		return writeStream(path, data)
	}
	dir := filepath.Dir(path)
	f, err := os.CreateTemp(dir, tempPrefix(path)+"*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	renamed := false
	defer func() {
		if !renamed {
			f.Close() // a no-op error when already closed
			os.Remove(tmp)
		}
	}()
	if _, err := f.Write(data); err != nil {
		return err
	}
	if err := f.Chmod(perm.Perm()); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		return err
	}
	renamed = true
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("sync directory %s: %w", dir, err)
	}
	return nil
}

// maxLinkHops bounds the symbolic links isStream follows, as the kernel's
// own limit (40) does.
const maxLinkHops = 40

// fdDir matches a process's directory of open files once resolved:
// /proc/<pid>/fd or /proc/<pid>/task/<tid>/fd.
var fdDir = regexp.MustCompile(`^/proc/[^/]+(/task/[^/]+)?/fd$`)

// IsStream reports whether Write would write to path directly, as a
// stream, rather than replace it: a device, FIFO or socket, a link to one,
// or a link through a process's open files (/dev/stdout, /dev/fd/N). It is
// false for anything else, and for a path Write would refuse (a directory,
// a loop of links), so that callers can tell outputs apart by Write's own
// rule.
func IsStream(path string) bool {
	stream, err := isStream(path)
	return err == nil && stream
}

// isStream reports whether path is written to directly rather than
// replaced (see Write), and refuses a directory.
func isStream(path string) (bool, error) {
	hop := path
	for range maxLinkHops {
		st, err := os.Lstat(hop)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			return false, nil // nothing there yet (or a dangling link): replace
		case err != nil:
			return false, err
		}
		if st.Mode()&fs.ModeSymlink == 0 {
			switch {
			case st.IsDir():
				return false, syscall.EISDIR
			case hop != path:
				return !st.Mode().IsRegular(), nil // a link to a device is a stream, to a file is replaced
			default:
				return st.Mode()&(fs.ModeDevice|fs.ModeCharDevice|fs.ModeNamedPipe|fs.ModeSocket) != 0, nil
			}
		}
		if dir, err := filepath.EvalSymlinks(filepath.Dir(hop)); err == nil && fdDir.MatchString(filepath.ToSlash(dir)) {
			return true, nil // an open file of a process, such as /dev/stdout's /proc/self/fd/1
		}
		target, err := os.Readlink(hop)
		if err != nil {
			return false, err
		}
		if !filepath.IsAbs(target) {
			target = filepath.Join(filepath.Dir(hop), target)
		}
		hop = target
	}
	return false, syscall.ELOOP
}

// writeStream writes data to the stream at path (see Write).
func writeStream(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// tempPrefix returns the temporary file name prefix for path:
// ".<base>.tmp-", with base cut (at a character boundary) to at most
// maxPrefixBase bytes.
func tempPrefix(path string) string {
	base := filepath.Base(path)
	if len(base) > maxPrefixBase {
		cut := maxPrefixBase
		for cut > 0 && !utf8.RuneStart(base[cut]) {
			cut--
		}
		base = base[:cut]
	}
	return "." + base + ".tmp-"
}
