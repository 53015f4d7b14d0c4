package suites

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"

	"github.com/benchy-dev/benchy/internal/regularfile"
)

// MaxSourceBytes is the largest suite or variable file benchy reads (1 MiB;
// the largest suite shipped with benchy is under 10 KiB). A larger file, or
// an endless one such as /dev/zero given as standard input, is an error
// rather than a read that ends only when memory does.
const MaxSourceBytes = 1 << 20

// StdinName is the suite argument that reads standard input; /dev/stdin,
// /dev/fd/0 and /proc/self/fd/0 are read the same way.
const StdinName = "-"

// IsStdin reports whether path names standard input.
func IsStdin(path string) bool {
	switch path {
	case StdinName, "/dev/stdin", "/dev/fd/0", "/proc/self/fd/0":
		return true
	}
	return false
}

// ReadSource reads a suite or variable file. Only regular files and
// standard input (see IsStdin) are read: a FIFO would block until some other
// process writes to it, and a device or directory is never a suite. Either
// is read up to MaxSourceBytes.
func ReadSource(path string) ([]byte, error) {
	if IsStdin(path) {
		return readLimited(os.Stdin, "standard input")
	}
	b, err := regularfile.Read(path, MaxSourceBytes)
	var nr *regularfile.NotRegularError
	var tl *regularfile.TooLargeError
	switch {
	case errors.As(err, &nr):
		return nil, fmt.Errorf("%v; benchy reads suites and variable files only from regular files or from standard input (%s)", err, StdinName)
	case errors.As(err, &tl):
		return nil, tooLarge(path, tl.Size)
	}
	return b, err
}

// readLimited reads r to its end, failing past MaxSourceBytes.
func readLimited(r io.Reader, what string) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, MaxSourceBytes+1))
	if err != nil {
		return nil, err
	}
	if len(b) > MaxSourceBytes {
		return nil, tooLarge(what, -1)
	}
	return b, nil
}

func tooLarge(what string, size int64) error {
	has := fmt.Sprintf("more than %d", MaxSourceBytes)
	if size >= 0 {
		has = fmt.Sprint(size)
	}
	return fmt.Errorf("%s has %s bytes; suites and variable files may have at most %d bytes (1 MiB)", what, has, MaxSourceBytes)
}

// normalizeNewlines turns every lone CR (classic Mac OS line endings) into
// LF, so that hcl, which knows only LF and CRLF, sees the lines the author
// meant. Each CR becomes exactly one LF, so byte offsets (and with them
// every diagnostic's position) are those of the original file. CRLF is left
// as it is; hcl reads it as one line ending.
func normalizeNewlines(src []byte) []byte {
	if bytes.IndexByte(src, '\r') < 0 {
		return src
	}
	out := append([]byte(nil), src...)
	for i, c := range out {
		if c == '\r' && (i+1 == len(out) || out[i+1] != '\n') {
			out[i] = '\n'
		}
	}
	return out
}
