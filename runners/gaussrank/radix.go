package gaussrank

import "math"

// Ranks come from a stable LSD radix argsort on order-preserving integer
// keys: a float's bits with the sign bit flipped (non-negative values) or
// all bits flipped (negative values) compare as unsigned integers exactly as
// the floats compare. -0 is folded into +0 (they are equal, so they tie and
// keep position order) and every NaN maps to the largest key (NumPy's argsort
// puts NaN last).

// key64 is the order-preserving key of v.
func key64(v float64) uint64 {
	if v != v {
		return math.MaxUint64
	}
	b := math.Float64bits(v + 0) // -0 + 0 == +0
	return b ^ (uint64(int64(b)>>63) | 1<<63)
}

// key32 is the order-preserving key of v.
func key32(v float32) uint32 {
	if v != v {
		return math.MaxUint32
	}
	b := math.Float32bits(v + 0)
	return b ^ (uint32(int32(b)>>31) | 1<<31)
}

// unkey32 inverts key32 (for every key but NaN's and the folded -0).
func unkey32(k uint32) float32 {
	return math.Float32frombits(k ^ (uint32(int32(^k)>>31) | 1<<31))
}

const (
	digitBits = 11
	buckets   = 1 << digitBits
	digitMask = buckets - 1
)

// radixSortPacked sorts words whose upper 32 bits are the key and lower 32
// bits the index, by LSD radix sort of the upper 32 bits (3 passes of at
// most 11 bits, skipping passes where every key has the same digit),
// stably, using up to threads goroutines (0: every core). tmp is scratch
// of the same length. It returns whichever of w and tmp holds the result.
func radixSortPacked(w, tmp []uint64, threads int) []uint64 {
	n := len(w)
	tmp = tmp[:n]
	if t := workers(n, threads); t > 1 {
		return radixSortPackedParallel(w, tmp, t)
	}
	const passes = (32 + digitBits - 1) / digitBits
	var hist [passes][buckets]uint32
	for _, v := range w {
		hist[0][(v>>32)&digitMask]++
		hist[1][(v>>(32+digitBits))&digitMask]++
		hist[2][(v>>(32+2*digitBits))&digitMask]++
	}
	for p := 0; p < passes; p++ {
		h := &hist[p]
		if trivial(h, n) {
			continue
		}
		var sum uint32
		for b := range h {
			c := h[b]
			h[b] = sum
			sum += c
		}
		shift := uint(32 + p*digitBits)
		for _, v := range w {
			d := (v >> shift) & digitMask
			pos := h[d]
			h[d] = pos + 1
			tmp[pos] = v
		}
		w, tmp = tmp, w
	}
	return w
}

// radixSortPackedParallel is radixSortPacked on t goroutines: each pass
// counts digits per chunk, gives every (digit, chunk) pair its own output
// range in chunk order (which keeps the sort stable) and scatters the
// chunks concurrently.
func radixSortPackedParallel(w, tmp []uint64, t int) []uint64 {
	const passes = (32 + digitBits - 1) / digitBits
	n := len(w)
	hist := make([][buckets]uint32, t)
	var total [buckets]uint32
	for p := 0; p < passes; p++ {
		shift := uint(32 + p*digitBits)
		src, dst := w, tmp
		parallel(n, t, func(lo, hi int) {
			h := &hist[chunkOf(lo, n, t)]
			*h = [buckets]uint32{}
			for _, v := range src[lo:hi] {
				h[(v>>shift)&digitMask]++
			}
		})
		total = [buckets]uint32{}
		for c := range hist {
			for b, v := range hist[c] {
				total[b] += v
			}
		}
		if trivial(&total, n) {
			continue
		}
		var sum uint32
		for b := 0; b < buckets; b++ {
			for c := range hist {
				v := hist[c][b]
				hist[c][b] = sum
				sum += v
			}
		}
		parallel(n, t, func(lo, hi int) {
			h := &hist[chunkOf(lo, n, t)]
			for _, v := range src[lo:hi] {
				d := (v >> shift) & digitMask
				pos := h[d]
				h[d] = pos + 1
				dst[pos] = v
			}
		})
		w, tmp = tmp, w
	}
	return w
}

// pair is a packed word (upper 32 key bits, index) with the element's
// value, so that sorting float64 input leaves the values in sorted order
// without a gather at random places.
type pair struct {
	w uint64
	x float64
}

// radixSortPairs is radixSortPacked for pairs, sorting by the upper 32 bits
// of each pair's word and carrying its value along. (It is a copy rather
// than a generic function so that the key access stays inlined.)
func radixSortPairs(w, tmp []pair, threads int) []pair {
	n := len(w)
	tmp = tmp[:n]
	if t := workers(n, threads); t > 1 {
		return radixSortPairsParallel(w, tmp, t)
	}
	const passes = (32 + digitBits - 1) / digitBits
	var hist [passes][buckets]uint32
	for _, v := range w {
		hist[0][(v.w>>32)&digitMask]++
		hist[1][(v.w>>(32+digitBits))&digitMask]++
		hist[2][(v.w>>(32+2*digitBits))&digitMask]++
	}
	for p := 0; p < passes; p++ {
		h := &hist[p]
		if trivial(h, n) {
			continue
		}
		var sum uint32
		for b := range h {
			c := h[b]
			h[b] = sum
			sum += c
		}
		shift := uint(32 + p*digitBits)
		for _, v := range w {
			d := (v.w >> shift) & digitMask
			pos := h[d]
			h[d] = pos + 1
			tmp[pos] = v
		}
		w, tmp = tmp, w
	}
	return w
}

func radixSortPairsParallel(w, tmp []pair, t int) []pair {
	const passes = (32 + digitBits - 1) / digitBits
	n := len(w)
	hist := make([][buckets]uint32, t)
	var total [buckets]uint32
	for p := 0; p < passes; p++ {
		shift := uint(32 + p*digitBits)
		src, dst := w, tmp
		parallel(n, t, func(lo, hi int) {
			h := &hist[chunkOf(lo, n, t)]
			*h = [buckets]uint32{}
			for _, v := range src[lo:hi] {
				h[(v.w>>shift)&digitMask]++
			}
		})
		total = [buckets]uint32{}
		for c := range hist {
			for b, v := range hist[c] {
				total[b] += v
			}
		}
		if trivial(&total, n) {
			continue
		}
		var sum uint32
		for b := 0; b < buckets; b++ {
			for c := range hist {
				v := hist[c][b]
				hist[c][b] = sum
				sum += v
			}
		}
		parallel(n, t, func(lo, hi int) {
			h := &hist[chunkOf(lo, n, t)]
			for _, v := range src[lo:hi] {
				d := (v.w >> shift) & digitMask
				pos := h[d]
				h[d] = pos + 1
				dst[pos] = v
			}
		})
		w, tmp = tmp, w
	}
	return w
}

// chunkOf returns which of parallel's t chunks of [0, n) starts at lo.
func chunkOf(lo, n, t int) int {
	for c := 0; c < t; c++ {
		if n*c/t == lo {
			return c
		}
	}
	panic("gaussrank: chunk start not found")
}

// trivial reports whether one bucket holds all n elements, so the pass
// would not move anything.
func trivial(h *[buckets]uint32, n int) bool {
	for _, c := range h {
		if c != 0 {
			return int(c) == n
		}
	}
	return true
}
