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
