//go:build !linux

package gaussrank

// adviseHuge is a no-op where transparent huge pages cannot be requested.
func adviseHuge[T any](s []T) {}
