//go:build !unix

package atomicfile

// syncDir does nothing: outside Unix a directory cannot be synced (Windows
// refuses FlushFileBuffers on a directory handle opened for reading).
func syncDir(string) error { return nil }
