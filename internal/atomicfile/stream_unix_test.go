//go:build linux

package atomicfile

import (
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"
	"testing"
)

// TestWriteStream checks that a path that is a stream is written to, not
// replaced: the link or node stays what it was and the data reaches what it
// leads to. Links in the test's folder stand in for /dev/stdout and
// /dev/null, so that a regression replaces a link there, never /dev's own.
func TestWriteStream(t *testing.T) {
	want := "new contents\n"
	tests := []struct {
		name string
		// before is what the stream held before the write, which stays.
		before string
		// setup makes path and returns what it got through it once the
		// write is done.
		setup func(t *testing.T, dir, path string) (read func() string)
	}{
		{
			name: "link to a process's open pipe, as /dev/stdout",
			setup: func(t *testing.T, dir, path string) func() string {
				w, read := pipe(t)
				link(t, fmt.Sprintf("/proc/self/fd/%d", w.Fd()), path)
				return read
			},
		},
		{
			name:   "link to a process's open regular file, as /dev/stdout > file",
			before: "printed before\n",
			setup: func(t *testing.T, dir, path string) func() string {
				out := filepath.Join(dir, "stdout.txt")
				f, err := os.Create(out)
				if err != nil {
					t.Fatal(err)
				}
				t.Cleanup(func() { f.Close() })
				if _, err := f.WriteString("printed before\n"); err != nil { // as tt.before
					t.Fatal(err)
				}
				link(t, fmt.Sprintf("/proc/self/fd/%d", f.Fd()), path)
				return func() string {
					b, _ := os.ReadFile(out)
					return string(b)
				}
			},
		},
		{
			name: "link to a link to an open file, as a link to /dev/stdout",
			setup: func(t *testing.T, dir, path string) func() string {
				w, read := pipe(t)
				link(t, fmt.Sprintf("/proc/self/fd/%d", w.Fd()), filepath.Join(dir, "stdout"))
				link(t, "stdout", path)
				return read
			},
		},
		{
			name: "link to a character device",
			setup: func(t *testing.T, dir, path string) func() string {
				link(t, "/dev/null", path)
				return func() string { return want } // /dev/null keeps nothing to read back
			},
		},
		{
			name: "FIFO",
			setup: func(t *testing.T, dir, path string) func() string {
				if err := syscall.Mkfifo(path, 0o600); err != nil {
					t.Skipf("no FIFO: %v", err)
				}
				got := make(chan string, 1)
				go func() {
					b, _ := os.ReadFile(path) // a reader, so that the writer's open returns
					got <- string(b)
				}()
				return func() string { return <-got }
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, "out")
			read := tt.setup(t, dir, path)
			before, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if err := Write(path, []byte(want), 0o644); err != nil {
				t.Fatal(err)
			}
			after, err := os.Lstat(path)
			if err != nil {
				t.Fatal(err)
			}
			if after.Mode().Type() != before.Mode().Type() || !os.SameFile(before, after) {
				t.Fatalf("%s was replaced: mode %v, was %v", path, after.Mode(), before.Mode())
			}
			if got, wantRead := read(), tt.before+want; got != wantRead {
				t.Errorf("the stream got %q, want %q", got, wantRead)
			}
			for _, e := range mustReadDir(t, dir) {
				if e.Type()&fs.ModeType == 0 && e.Name() != "stdout.txt" {
					t.Errorf("%s holds %s, a leftover", dir, e.Name())
				}
			}
		})
	}
}

// pipe returns a pipe's write end and a function that closes it and
// returns all that was written.
func pipe(t *testing.T) (*os.File, func() string) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.Close(); w.Close() })
	return w, func() string {
		w.Close()
		b, _ := io.ReadAll(r)
		return string(b)
	}
}

func link(t *testing.T, target, path string) {
	t.Helper()
	if err := os.Symlink(target, path); err != nil {
		t.Fatal(err)
	}
}

func mustReadDir(t *testing.T, dir string) []os.DirEntry {
	t.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	return ents
}
