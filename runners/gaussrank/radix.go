package gaussrank

import (
	"math"
	"math/bits"
	"unsafe"
)

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

// sharedKeyBits returns how many leading bits the key64 of every element of
// x has in common, at most 32, and the mask of the key bits that differ
// between elements. Uniform [0, 1) doubles, for example, share their sign
// and top exponent bits; leaving them out of the sorted 32-bit window puts
// that many more mantissa bits in it, so runs of equal windows (which
// settleRuns orders by the remaining bits) become rare.
func sharedKeyBits(x []float64, threads int) (shift uint, varying uint64) {
	t := workers(len(x), threads)
	ors := make([]uint64, t)
	ands := make([]uint64, t)
	parallel(len(x), threads, func(lo, hi int) {
		or, and := uint64(0), ^uint64(0)
		for _, v := range x[lo:hi] {
			k := key64(v)
			or |= k
			and &= k
		}
		c := chunkOf(lo, len(x), t)
		ors[c], ands[c] = or, and
	})
	or, and := uint64(0), ^uint64(0)
	for c := range ors {
		or |= ors[c]
		and &= ands[c]
	}
	varying = or ^ and
	return uint(min(bits.LeadingZeros64(varying), 32)), varying
}

// window is the sorted word of v at index i: the 32 key bits below the
// shift shared ones, then the index.
func window(v float64, shift uint, i int) uint64 {
	return key64(v)<<shift&^0xFFFFFFFF | uint64(i)
}

// digitCounts is sortWindows' digit counts for t chunks, kept across calls:
// cnt[c] counts the current pass's digits in chunk c of its source, and
// next[s][c] counts, for source chunk s, the next pass's digits of the
// elements that land in destination chunk c.
type digitCounts struct {
	cnt  [][buckets]uint32
	next [][][buckets]uint32
}

func (d *digitCounts) get(t int) (cnt [][buckets]uint32, next [][][buckets]uint32) {
	if len(d.cnt) != t {
		d.cnt = make([][buckets]uint32, t)
		d.next = make([][][buckets]uint32, t)
		for s := range d.next {
			d.next[s] = make([][buckets]uint32, t)
		}
	}
	return d.cnt, d.next
}

// sortWindows sorts x stably by the window of its keys (see sharedKeyBits)
// with an LSD radix sort of 11-bit digits, skipping digits that no two
// elements differ in. It writes the sorted words (window, index) to w and
// the values in the same order to nodes[].x, using pa and pb (of len(x))
// as scratch. w and tmp (scratch for settleRuns) are the two halves of
// whichever of pa and pb the last pass does not read. Each pass
// counts the next pass's digits per destination chunk while it scatters,
// so no pass reads the data only to count it; the last pass writes w and
// nodes directly.
func sortWindows(x []float64, shift uint, varying uint64, nodes []node, pa, pb []pair, counts *digitCounts, threads int) (w, tmp []uint64) {
	n := len(x)
	t := workers(n, threads)
	wv := varying << shift >> 32
	var shifts []uint
	for p := uint(0); p < 32; p += digitBits {
		if wv>>p&digitMask != 0 {
			shifts = append(shifts, 32+p)
		}
	}
	out := pa // passes alternate pa -> pb -> pa ...; the last reads pa when odd
	if len(shifts)%2 == 1 {
		out = pb
	}
	words := unsafe.Slice((*uint64)(unsafe.Pointer(unsafe.SliceData(out))), 2*n)
	w, tmp = words[:n:n], words[n:]
	if len(shifts) == 0 { // every window equal: index order is sorted
		parallel(n, threads, func(lo, hi int) {
			for i := lo; i < hi; i++ {
				w[i], nodes[i].x = window(x[i], shift, i), x[i]
			}
		})
		return w, tmp
	}
	bound := make([]uint32, t+1)
	for c := range bound {
		bound[c] = uint32(n * c / t)
	}
	cnt, next := counts.get(t)
	sh0 := shifts[0]
	parallel(n, threads, func(lo, hi int) {
		h := &cnt[chunkOf(lo, n, t)]
		*h = [buckets]uint32{}
		for i := lo; i < hi; i++ {
			v := window(x[i], shift, i)
			h[v>>sh0&digitMask]++
			pa[i] = pair{w: v, x: x[i]}
		}
	})
	src, dst := pa, pb
	for p, sh := range shifts {
		var sum uint32
		for b := 0; b < buckets; b++ {
			for c := range cnt {
				v := cnt[c][b]
				cnt[c][b] = sum
				sum += v
			}
		}
		last := p == len(shifts)-1
		var nsh uint
		if !last {
			nsh = shifts[p+1]
		}
		parallel(n, threads, func(lo, hi int) {
			s := chunkOf(lo, n, t)
			h := &cnt[s]
			if last {
				for _, v := range src[lo:hi] {
					d := v.w >> sh & digitMask
					pos := h[d]
					h[d] = pos + 1
					w[pos], nodes[pos].x = v.w, v.x
				}
				return
			}
			nx := next[s]
			for c := range nx {
				nx[c] = [buckets]uint32{}
			}
			// Each digit's output range is contiguous; track which
			// destination chunk it is in and where that chunk ends.
			var cc, lim [buckets]uint32
			for d := range h {
				c := 0
				for c+1 < t && h[d] >= bound[c+1] {
					c++
				}
				cc[d], lim[d] = uint32(c), bound[c+1]
			}
			for _, v := range src[lo:hi] {
				d := v.w >> sh & digitMask
				pos := h[d]
				h[d] = pos + 1
				dst[pos] = v
				for pos >= lim[d] {
					cc[d]++
					lim[d] = bound[cc[d]+1]
				}
				nx[cc[d]][v.w>>nsh&digitMask]++
			}
		})
		if !last {
			for c := range cnt {
				cnt[c] = [buckets]uint32{}
				for s := range next {
					for b, v := range next[s][c] {
						cnt[c][b] += v
					}
				}
			}
		}
		src, dst = dst, src
	}
	return w, tmp
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
