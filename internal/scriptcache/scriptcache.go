// Package scriptcache writes scripts that the benchy binary embeds (the
// Python workers) to disk, content-addressed, so that an interpreter can
// run them.
package scriptcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/benchy-dev/benchy/internal/atomicfile"
)

// Path returns the path of a file named name holding exactly src, writing
// it first when it is absent or differs from src. The file lives at
// <user cache dir>/benchy/<kind>/<sha256 prefix>/<name>, or under
// os.TempDir() in a per-user folder when there is no usable cache
// directory. Different builds of benchy therefore never overwrite each
// other's script, and a damaged file is rewritten.
func Path(kind, name string, src []byte) (string, error) {
	var errs []error
	if dir, err := os.UserCacheDir(); err == nil {
		p, err := materialise(filepath.Join(dir, "benchy"), kind, name, src)
		if err == nil {
			return p, nil
		}
		errs = append(errs, err)
	} else {
		errs = append(errs, fmt.Errorf("no user cache directory: %w", err))
	}
	tmpRoot := filepath.Join(os.TempDir(), fmt.Sprintf("benchy-%d", os.Getuid()))
	err := privateDir(tmpRoot)
	if err == nil {
		var p string
		if p, err = materialise(tmpRoot, kind, name, src); err == nil {
			return p, nil
		}
	}
	errs = append(errs, err)
	return "", errors.Join(errs...)
}

// privateDir makes sure dir, in a shared folder such as /tmp, is a real
// directory that only this user can write: anyone else who made it first
// could swap the script that benchy then runs.
func privateDir(dir string) error {
	if err := os.Mkdir(dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	st, err := os.Lstat(dir)
	if err != nil {
		return err
	}
	sys, ok := st.Sys().(*syscall.Stat_t)
	switch {
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	case !ok || int(sys.Uid) != os.Getuid():
		return fmt.Errorf("%s belongs to another user", dir)
	case st.Mode().Perm()&0o022 != 0:
		return fmt.Errorf("%s can be written by others (mode %v)", dir, st.Mode().Perm())
	}
	return nil
}

// materialise makes root/kind/<first 16 hex digits of sha256(src)>/name
// hold exactly src and returns its path. A file that already holds src is
// reused as it is; otherwise src goes to a temporary file in the same
// folder that is then renamed over the path, so a reader never sees a
// partial script.
func materialise(root, kind, name string, src []byte) (string, error) {
	sum := sha256.Sum256(src)
	dir := filepath.Join(root, kind, hex.EncodeToString(sum[:])[:16])
	path := filepath.Join(dir, name)
	if b, err := os.ReadFile(path); err == nil && bytes.Equal(b, src) {
		return path, nil
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return "", err
	}
	if err := atomicfile.Write(path, src, 0o644); err != nil {
		return "", err
	}
	return path, nil
}
