package gaussrank

import (
	"syscall"
	"unsafe"
)

// adviseHuge asks the kernel to back the memory of s with transparent huge
// pages where it is configured as "madvise" (the common default). Random
// access over hundreds of megabytes (the scatter, the gather and the
// inverse) otherwise spends much of its time in TLB misses, which are
// especially dear under virtualisation. Call it before the memory is first
// touched. Errors are ignored: the advice is an optimisation only.
func adviseHuge[T any](s []T) {
	const huge = 2 << 20
	if len(s) == 0 {
		return
	}
	var zero T
	size := uintptr(len(s)) * unsafe.Sizeof(zero)
	if size < 2*huge {
		return
	}
	b := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(s))), size)
	start := uintptr(unsafe.Pointer(&b[0]))
	lo := (start+huge-1)&^(huge-1) - start
	hi := (start+size)&^(huge-1) - start
	if hi <= lo {
		return
	}
	_ = syscall.Madvise(b[lo:hi], 14) // MADV_HUGEPAGE
}
