package scriptcache

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const name = "worker.py"

func TestMaterialise(t *testing.T) {
	root := t.TempDir()
	a, b := []byte("print('a')\n"), []byte("print('b')\n")
	sum := sha256.Sum256(a)
	want := filepath.Join(root, "gaussrank", hex.EncodeToString(sum[:])[:16], name)

	p1, err := materialise(root, "gaussrank", name, a)
	if err != nil || p1 != want {
		t.Fatalf("materialise = %q, %v; want %q", p1, err, want)
	}
	st1, err := os.Stat(p1)
	if err != nil {
		t.Fatal(err)
	}
	// Idempotent: the same file, not rewritten.
	p2, err := materialise(root, "gaussrank", name, a)
	if err != nil || p2 != p1 {
		t.Fatalf("second materialise = %q, %v", p2, err)
	}
	if st2, err := os.Stat(p2); err != nil || !os.SameFile(st1, st2) {
		t.Fatalf("an intact script was rewritten (%v)", err)
	}
	// Content-addressed: other content, other folder, first file untouched.
	pb, err := materialise(root, "gaussrank", name, b)
	if err != nil || pb == p1 || filepath.Dir(filepath.Dir(pb)) != filepath.Dir(filepath.Dir(p1)) {
		t.Fatalf("other content went to %q (%v), first at %q", pb, err, p1)
	}
	// A damaged or truncated file is rewritten.
	for _, damage := range [][]byte{[]byte("print('evil')\n"), a[:3], nil} {
		if err := os.WriteFile(p1, damage, 0o644); err != nil {
			t.Fatal(err)
		}
		if p, err := materialise(root, "gaussrank", name, a); err != nil || p != p1 {
			t.Fatalf("after damage: %q, %v", p, err)
		}
		for path, wantSrc := range map[string][]byte{p1: a, pb: b} {
			if got, err := os.ReadFile(path); err != nil || !bytes.Equal(got, wantSrc) {
				t.Fatalf("%s holds %q (%v), want %q", path, got, err, wantSrc)
			}
		}
	}
	// No temporary files are left behind.
	ents, err := os.ReadDir(filepath.Dir(p1))
	if err != nil || len(ents) != 1 || ents[0].Name() != name {
		t.Fatalf("folder holds %v (%v), want only %s", ents, err, name)
	}
	if st, err := os.Stat(p1); err != nil || st.Mode().Perm() != 0o644 {
		t.Fatalf("mode %v (%v), want 0644", st.Mode(), err)
	}
}

func TestMaterialiseUnwritable(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	if p, err := materialise(file, "k", name, []byte("x")); err == nil {
		t.Fatalf("materialise under a regular file gave %q", p)
	}
}

func TestPrivateDirRefusesSharedFolders(t *testing.T) {
	base := t.TempDir()
	own := filepath.Join(base, "own")
	if err := privateDir(own); err != nil {
		t.Fatalf("a new folder: %v", err)
	}
	if err := privateDir(own); err != nil {
		t.Fatalf("the same folder again: %v", err)
	}
	open := filepath.Join(base, "open")
	if err := os.Mkdir(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(open, 0o777); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(open); err == nil || !strings.Contains(err.Error(), "written by others") {
		t.Errorf("a world-writable folder: err = %v", err)
	}
	if os.Getuid() == 0 { // only root can give a folder away
		theirs := filepath.Join(base, "theirs")
		if err := os.Mkdir(theirs, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.Chown(theirs, 65534, 65534); err != nil {
			t.Fatal(err)
		}
		if err := privateDir(theirs); err == nil || !strings.Contains(err.Error(), "another user") {
			t.Errorf("a folder of another user: err = %v", err)
		}
	}
	link := filepath.Join(base, "link")
	if err := os.Symlink(own, link); err != nil {
		t.Fatal(err)
	}
	if err := privateDir(link); err == nil || !strings.Contains(err.Error(), "not a directory") {
		t.Errorf("a symlink: err = %v", err)
	}
}
