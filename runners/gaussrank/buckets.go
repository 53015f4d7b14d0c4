package gaussrank

import (
	"sort"
	"unsafe"
)

// Both the transform's writes to g and the inverse's reads of the map land
// at random places in arrays far larger than the caches. Each goes through
// buckets instead: a parallel counting distribution of records into
// 1<<bucketBits buckets by the high bits of the place, shared by all
// goroutines, so that afterwards each goroutine works through its own
// range of buckets and touches each part of the big array once, with no
// other goroutine writing the same cache lines.

// counts are per-goroutine bucket counts (or, after bucketMajor, output
// positions).
type counts [][buckets]uint32

// get returns c resized to t goroutines (its contents are not cleared).
func (c *counts) get(t int) counts {
	if len(*c) < t {
		*c = make(counts, t)
	}
	return (*c)[:t]
}

// bucketMajor turns per-goroutine counts into each goroutine's first output
// position per bucket, bucket by bucket and goroutine by goroutine within a
// bucket (the order keeps a distribution stable), and returns the total.
// ends, if not nil, receives the end of each bucket.
func bucketMajor(cnt counts, ends *[buckets]uint32) uint32 {
	var sum uint32
	for b := 0; b < buckets; b++ {
		for c := range cnt {
			v := cnt[c][b]
			cnt[c][b] = sum
			sum += v
		}
		if ends != nil {
			ends[b] = sum
		}
	}
	return sum
}

// prefix turns counts into starting positions.
func prefix(h []uint32) {
	var sum uint32
	for b, c := range h {
		h[b] = sum
		sum += c
	}
}

// bucketRange returns the buckets [b0, b1) whose records start within
// [lo, hi) of a distribution whose buckets end at ends: parallel's chunk of
// the records, moved to bucket boundaries.
func bucketRange(ends *[buckets]uint32, lo, hi int) (b0, b1 int) {
	start := func(b int) int {
		if b == 0 {
			return 0
		}
		return int(ends[b-1])
	}
	first := func(p int) int { return sort.Search(buckets, func(b int) bool { return start(b) >= p }) }
	b0 = first(lo)
	if hi >= int(ends[buckets-1]) {
		return b0, buckets
	}
	return b0, first(hi)
}

// asRecs views a pair buffer, no longer needed, as records of the same size.
func asRecs(p []pair) []rec {
	if unsafe.Sizeof(pair{}) != unsafe.Sizeof(rec{}) {
		panic("gaussrank: pair and rec differ in size")
	}
	return unsafe.Slice((*rec)(unsafe.Pointer(unsafe.SliceData(p))), len(p))
}

// asWords views a pair buffer as twice as many words.
func asWords(p []pair) []uint64 {
	return unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(p))), 2*len(p))
}
