package gaussrank

import (
	"slices"
)

// The float64 sort of large inputs goes most significant digit first: one
// pass distributes the (window, index) words with their values into at most
// 2048 buckets of consecutive windows, then every bucket is sorted by LSD
// passes in the cache, and its runs of equal windows are settled there too.
// That is two passes over memory fewer than an LSD sort of the whole window.
//
// Float bits are far from uniform (uniform [0, 1) doubles put half of them
// in the top binade), so the buckets are not one digit's values. A count
// pass histograms the window's top 16 bits ("cells"); runs of consecutive
// cells, each run about n/1024 elements, make the buckets, and a table maps
// a cell to its bucket. Each bucket must fit a goroutine's scratch: when a
// bucket holds more than msdMaxBucket elements (many values in one cell:
// ties, or very clustered data), the LSD sort does the work instead.
const (
	msdMaxBucket = 1 << 18 // 4 MiB of scratch pairs per goroutine
	cellBits     = 16
	cellShift    = 64 - cellBits
	cells        = 1 << cellBits
)

// msdMin is the smallest input sorted MSD first; smaller ones sort within
// the caches anyway. A variable so that tests can take the MSD path.
var msdMin = 1 << 18

// msdScratch is the MSD sort's memory kept across calls: per goroutine,
// cell counts and scratch pairs for one bucket's LSD passes, and the bucket
// of each cell.
type msdScratch struct {
	cells [][cells]uint32
	cnt   counts
	local [][]pair
	table [cells]uint16
}

// sortWindowsMSD is sortWindows for large inputs (see msdMin), MSD first.
// It reports false, having done nothing but count, when a bucket would be
// too large. On success the runs of equal windows are already settled.
func sortWindowsMSD(x []float64, shift uint, nodes []node, pa, pb []pair, sc *msdScratch, threads int) (w, tmp []uint64, spare []pair, ok bool) {
	n := len(x)
	t := workers(n, threads)
	for len(sc.cells) < t {
		sc.cells = append(sc.cells, [cells]uint32{})
		sc.local = append(sc.local, nil)
	}
	parallel(n, threads, func(lo, hi int) {
		h := &sc.cells[chunkOf(lo, n, t)]
		*h = [cells]uint32{}
		for i := lo; i < hi; i++ {
			h[window(x[i], shift, i)>>cellShift]++
		}
	})
	// Runs of cells into buckets of about n/1024 (any two neighbours hold
	// more than that, so there are at most 2048 buckets).
	target := uint32(n/1024 + 1)
	b, size, largest := 0, uint32(0), uint32(0)
	for c := 0; c < cells; c++ {
		k := uint32(0)
		for g := range t {
			k += sc.cells[g][c]
		}
		if size > 0 && size+k > target && b < buckets-1 {
			b++
			size = 0
		}
		size += k
		largest = max(largest, size)
		sc.table[c] = uint16(b)
	}
	if largest > msdMaxBucket {
		return nil, nil, nil, false
	}
	cnt := sc.cnt.get(t)
	for g := range t {
		h := &cnt[g]
		*h = [buckets]uint32{}
		for c, k := range sc.cells[g] {
			h[sc.table[c]] += k
		}
	}
	var ends [buckets]uint32
	bucketMajor(cnt, &ends)
	table := &sc.table
	parallel(n, threads, func(lo, hi int) {
		h := &cnt[chunkOf(lo, n, t)]
		for i := lo; i < hi; i++ {
			v := window(x[i], shift, i)
			d := table[v>>cellShift]
			pa[h[d]] = pair{w: v, x: x[i]}
			h[d]++
		}
	})
	words := asWords(pb)
	w, tmp = words[:n:n], words[n:]
	parallel(n, threads, func(lo, hi int) {
		c := chunkOf(lo, n, t)
		if len(sc.local[c]) < int(largest) {
			sc.local[c] = make([]pair, largest)
		}
		scr := sc.local[c]
		b0, b1 := bucketRange(&ends, lo, hi)
		for b := b0; b < b1; b++ {
			s := 0
			if b > 0 {
				s = int(ends[b-1])
			}
			e := int(ends[b])
			if e-s == 0 {
				continue
			}
			sortBucket(pa[s:e], scr, w[s:e], nodes[s:e])
			settleRuns(w[s:e], tmp[s:e], nodes[s:e])
		}
	})
	return w, tmp, pa, true
}

// sortBucket sorts the pairs src by window and then by index (stably: the
// indices ascend in src), writing the words to w and the values to
// nodes[].x, with LSD passes of 11-bit digits over the window bits that
// differ within src. src and scr (scratch of at least len(src) pairs) are
// overwritten.
func sortBucket(src, scr []pair, w []uint64, nodes []node) {
	m := len(src)
	if m <= insertionMax {
		// The words are distinct (their indices differ): ordering them
		// as integers orders by window, then index.
		slices.SortFunc(src, func(a, b pair) int {
			if a.w < b.w {
				return -1
			}
			return 1
		})
		for k, p := range src {
			w[k], nodes[k].x = p.w, p.x
		}
		return
	}
	const passes = (32 + digitBits - 1) / digitBits
	var h [passes][buckets]uint32
	or, and := uint64(0), ^uint64(0)
	for _, p := range src {
		or |= p.w
		and &= p.w
		h[0][p.w>>32&digitMask]++
		h[1][p.w>>(32+digitBits)&digitMask]++
		h[2][p.w>>(32+2*digitBits)&digitMask]++
	}
	varying := (or ^ and) >> 32
	var todo [passes]uint
	np := 0
	for p := range passes {
		if varying>>(p*digitBits)&digitMask != 0 {
			prefix(h[p][:])
			todo[np] = uint(p)
			np++
		}
	}
	if np == 0 {
		for k, p := range src {
			w[k], nodes[k].x = p.w, p.x
		}
		return
	}
	a, b := src, scr[:m]
	for i := range np - 1 {
		p := todo[i]
		sh, hp := 32+p*digitBits, &h[p]
		for _, v := range a {
			d := v.w >> sh & digitMask
			pos := hp[d]
			hp[d] = pos + 1
			b[pos] = v
		}
		a, b = b, a
	}
	p := todo[np-1]
	sh, hp := 32+p*digitBits, &h[p]
	for _, v := range a {
		d := v.w >> sh & digitMask
		pos := hp[d]
		hp[d] = pos + 1
		w[pos], nodes[pos].x = v.w, v.x
	}
}
