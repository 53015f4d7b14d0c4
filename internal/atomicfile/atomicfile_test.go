package atomicfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"unicode/utf8"
)

func TestWrite(t *testing.T) {
	long := strings.Repeat("é", 120) + ".json" // 245 bytes: a temp name of ".<base>.tmp-<n>" would pass 255
	tests := []struct {
		name     string
		file     string
		setup    func(t *testing.T, path string) // prepares what is at path before the write
		keepMode bool
		perm     fs.FileMode
		wantMode fs.FileMode
	}{
		{name: "new file", file: "a.json", perm: 0o644, wantMode: 0o644},
		{name: "new private file", file: "a.json", perm: 0o600, wantMode: 0o600},
		{name: "perm set exactly, umask ignored", file: "a.json", perm: 0o666, wantMode: 0o666},
		{name: "only permission bits of perm", file: "a.json", perm: fs.ModeDir | 0o640, wantMode: 0o640},
		{name: "long name", file: long, perm: 0o644, wantMode: 0o644},
		{name: "existing file replaced, perm applied", file: "a.json", setup: existing(0o600), perm: 0o644, wantMode: 0o644},
		{name: "keep mode of existing file", file: "s.benchy.hcl", setup: existing(0o640), keepMode: true, perm: 0o644, wantMode: 0o640},
		{name: "keep mode, no file yet", file: "s.benchy.hcl", keepMode: true, perm: 0o644, wantMode: 0o644},
		{name: "symbolic link replaced, not followed", file: "link", setup: symlinkTo("target"), perm: 0o644, wantMode: 0o644},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if runtime.GOOS == "windows" && tt.wantMode != 0o644 {
				t.Skip("windows keeps only the read-only bit")
			}
			dir := t.TempDir()
			path := filepath.Join(dir, tt.file)
			if tt.setup != nil {
				tt.setup(t, path)
			}
			want := []byte("new contents\n")
			var err error
			if tt.keepMode {
				err = WriteKeepMode(path, want, tt.perm)
			} else {
				err = Write(path, want, tt.perm)
			}
			if err != nil {
				t.Fatal(err)
			}
			got, err := os.ReadFile(path)
			if err != nil || string(got) != string(want) {
				t.Fatalf("%s holds %q (%v), want %q", path, got, err, want)
			}
			st, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if !st.Mode().IsRegular() || st.Mode().Perm() != tt.wantMode {
				t.Errorf("mode %v, want a regular file with %v", st.Mode(), tt.wantMode)
			}
			assertOnly(t, dir, tt.file, "target")
		})
	}
}

func TestWriteFailure(t *testing.T) {
	tests := []struct {
		name  string
		setup func(t *testing.T, dir string) (path string)
		is    error    // an error the result must wrap, nil for any
		old   bool     // path holds "old", which must be left as it is
		dir   string   // the folder, relative to the test's, checked for leftovers
		left  []string // what that folder must hold afterwards
	}{
		{
			name: "parent is a regular file",
			setup: func(t *testing.T, dir string) string {
				writeFile(t, filepath.Join(dir, "file"), "x", 0o644)
				return filepath.Join(dir, "file", "out.json")
			},
			is:   syscall.ENOTDIR,
			left: []string{"file"},
		},
		{
			name: "parent missing",
			setup: func(t *testing.T, dir string) string {
				return filepath.Join(dir, "missing", "out.json")
			},
			is: fs.ErrNotExist,
		},
		{
			// Refused before a temporary file is made.
			name: "path is a directory",
			setup: func(t *testing.T, dir string) string {
				if err := os.Mkdir(filepath.Join(dir, "out"), 0o755); err != nil {
					t.Fatal(err)
				}
				return filepath.Join(dir, "out")
			},
			is:   syscall.EISDIR,
			left: []string{"out"},
		},
		{
			name: "directory not writable",
			setup: func(t *testing.T, dir string) string {
				if os.Geteuid() == 0 || runtime.GOOS == "windows" {
					t.Skip("root (or Windows) ignores directory permissions")
				}
				sub := filepath.Join(dir, "ro")
				if err := os.Mkdir(sub, 0o755); err != nil {
					t.Fatal(err)
				}
				writeFile(t, filepath.Join(sub, "out.json"), "old", 0o644)
				if err := os.Chmod(sub, 0o555); err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { os.Chmod(sub, 0o755) })
				return filepath.Join(sub, "out.json")
			},
			is:   fs.ErrPermission,
			old:  true,
			dir:  "ro",
			left: []string{"out.json"},
		},
	}
	for _, tt := range tests {
		for _, keep := range []bool{false, true} {
			name := tt.name
			if keep {
				name += "/keep mode"
			}
			t.Run(name, func(t *testing.T) {
				dir := t.TempDir()
				path := tt.setup(t, dir)
				var err error
				if keep {
					err = WriteKeepMode(path, []byte("new"), 0o644)
				} else {
					err = Write(path, []byte("new"), 0o644)
				}
				if err == nil {
					t.Fatalf("writing %s succeeded", path)
				}
				if !strings.Contains(err.Error(), path) {
					t.Errorf("error %q does not name %s", err, path)
				}
				if tt.is != nil && !errors.Is(err, tt.is) {
					t.Errorf("error %q does not wrap %v", err, tt.is)
				}
				if b, _ := os.ReadFile(path); tt.old && string(b) != "old" {
					t.Errorf("%s holds %q, want the old contents", path, b)
				}
				assertOnly(t, filepath.Join(dir, tt.dir), tt.left...)
			})
		}
	}
}

func TestTempPrefix(t *testing.T) {
	tests := []struct {
		path string
		want string
	}{
		{"/d/results.json", ".results.json.tmp-"},
		{"rel/report.md", ".report.md.tmp-"},
		{"/d/" + strings.Repeat("a", 200), "." + strings.Repeat("a", maxPrefixBase) + ".tmp-"},
		// "é" is two bytes: the cut falls inside the 64th and moves before it.
		{"/d/" + strings.Repeat("é", 100), "." + strings.Repeat("é", maxPrefixBase/2) + ".tmp-"},
		{"/d/x" + strings.Repeat("é", 100), ".x" + strings.Repeat("é", maxPrefixBase/2-1) + ".tmp-"},
	}
	for _, tt := range tests {
		got := tempPrefix(tt.path)
		if got != tt.want || !utf8.ValidString(got) {
			t.Errorf("tempPrefix(%q) = %q, want %q", tt.path, got, tt.want)
		}
	}
}

// existing puts a file with old contents and the given mode at path.
func existing(perm fs.FileMode) func(*testing.T, string) {
	return func(t *testing.T, path string) { writeFile(t, path, "old contents, longer than the new\n", perm) }
}

// symlinkTo makes path a symbolic link to a file named target beside it.
func symlinkTo(target string) func(*testing.T, string) {
	return func(t *testing.T, path string) {
		dst := filepath.Join(filepath.Dir(path), target)
		writeFile(t, dst, "target", 0o600)
		if err := os.Symlink(target, path); err != nil {
			t.Skipf("no symbolic links: %v", err)
		}
		t.Cleanup(func() {
			if b, _ := os.ReadFile(dst); string(b) != "target" {
				t.Errorf("the link's target was written: %q", b)
			}
		})
	}
}

func writeFile(t *testing.T, path, data string, perm fs.FileMode) {
	t.Helper()
	if err := os.WriteFile(path, []byte(data), perm); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(path, perm); err != nil { // past the umask
		t.Fatal(err)
	}
}

// assertOnly fails unless dir holds exactly the named entries (and, when
// one of them is "target", tolerates its absence): no temporary file.
func assertOnly(t *testing.T, dir string, names ...string) {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	allowed := map[string]bool{}
	for _, n := range names {
		allowed[n] = true
	}
	for _, e := range ents {
		if !allowed[e.Name()] {
			t.Errorf("%s holds %s, a leftover", dir, e.Name())
		}
	}
	for _, n := range names {
		if n == "target" {
			continue
		}
		if _, err := os.Lstat(filepath.Join(dir, n)); err != nil {
			t.Errorf("%s is missing: %v", n, err)
		}
	}
}

// TestIsStream: what Write writes to directly is a stream; a file, a link
// to one, nothing at all and a directory are not.
func TestIsStream(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	toFile, toNull := filepath.Join(dir, "to-file"), filepath.Join(dir, "to-null")
	for target, link := range map[string]string{file: toFile, "/dev/null": toNull} {
		if err := os.Symlink(target, link); err != nil {
			t.Fatal(err)
		}
	}
	for path, want := range map[string]bool{
		"/dev/null": true, "/dev/stdout": true, fifo: true, toNull: true,
		file: false, toFile: false, filepath.Join(dir, "none"): false, dir: false,
	} {
		if got := IsStream(path); got != want {
			t.Errorf("IsStream(%s) = %v, want %v", path, got, want)
		}
	}
}
