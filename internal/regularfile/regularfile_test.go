package regularfile

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestRead(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	if err := os.WriteFile(file, []byte("12345"), 0o644); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link")
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	fifo := filepath.Join(dir, "fifo")
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name, path string
		limit      int64
		want       string // the content, or a part of the error
		notReg     bool
		tooLarge   bool
	}{
		{name: "file", path: file, limit: 5, want: "12345"},
		{name: "link to a file", path: link, limit: 10, want: "12345"},
		{name: "too large", path: file, limit: 4, want: "has 5 bytes, more than 4", tooLarge: true},
		{name: "fifo", path: fifo, limit: 10, want: "is a named pipe (FIFO), not a regular file", notReg: true},
		{name: "dev zero", path: "/dev/zero", limit: 10, want: "is a character device", notReg: true},
		{name: "directory", path: dir, limit: 10, want: "is a directory", notReg: true},
		{name: "proc file larger than it says", path: "/proc/self/maps", limit: 1, want: "has more than 1 bytes", tooLarge: true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			b, err := Read(tc.path, tc.limit)
			var nr *NotRegularError
			var tl *TooLargeError
			switch {
			case tc.notReg || tc.tooLarge:
				if errors.As(err, &nr) != tc.notReg || errors.As(err, &tl) != tc.tooLarge || !strings.Contains(err.Error(), tc.want) {
					t.Fatalf("Read = %q, %v; want an error with %q", b, err, tc.want)
				}
			case err != nil || string(b) != tc.want:
				t.Fatalf("Read = %q, %v; want %q", b, err, tc.want)
			}
		})
	}
	if _, err := Read(filepath.Join(dir, "missing"), 10); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a missing file: %v", err)
	}
}
