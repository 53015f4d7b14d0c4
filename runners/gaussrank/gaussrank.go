package gaussrank

import (
	"math"
	"math/bits"
	"slices"
	"sync"
)

// Conventions (the blog's CPU code, pinned by the oracle's vectors):
//
//   - ranks r are ordinal, from a stable sort: equal values are ranked in
//     position order; NaN sorts last, -0 equals +0;
//   - s = (float64(r)/float64(n-1) - 0.5)·2, clipped to [-1+eps, 1-eps];
//   - g = erfinv(s), float64 for float64 and float32 input alike;
//   - the map is map_x = sort(x), map_y = sort(g);
//   - the inverse is numpy.interp(q, map_y, map_x).
//
// n = 1 gives g = [NaN] (0/0, as in the reference) and a map whose inverse
// returns the single training value for every query; n = 0 gives empty
// results (the reference raises).

// node is one entry of the map. Keeping y and x side by side puts both ends
// of an interpolation interval in one or two cache lines.
type node struct{ y, x float64 }

// Model is a fitted GaussRank map: the training values in ascending order
// beside their Gaussian values. Its methods are safe for concurrent use;
// refitting a Model (passing it to a Workspace) while it is in use is not.
type Model struct {
	nodes   []node
	eps     float64
	threads int

	// rows[i] is training row i's answer to the inverse (see hints):
	// x is map_x at the row's rank and y its Gaussian value, or NaN
	// where that rank is not the last of its equal map_y, whose x the
	// inverse returns instead. Empty when the Workspace had NoHints.
	rows []node

	// The inverse's scratch records: one block per goroutine, reused
	// across calls by whoever holds mu (others allocate their own).
	mu   sync.Mutex
	recs [][]rec
}

// Len returns the number of training values.
func (m *Model) Len() int { return len(m.nodes) }

// Eps returns the clip epsilon the model was fitted with.
func (m *Model) Eps() float64 { return m.eps }

// Map returns copies of map_x = sort(train) and map_y = sort(g).
func (m *Model) Map() (xs, ys []float64) {
	xs = make([]float64, len(m.nodes))
	ys = make([]float64, len(m.nodes))
	for k, nd := range m.nodes {
		xs[k], ys[k] = nd.x, nd.y
	}
	return xs, ys
}

// Transform returns the GaussRank transform of x (see the package
// conventions), using every core.
func Transform(x []float64, eps float64) []float64 {
	var w Workspace
	_, g := w.FitTransform(x, eps, nil, nil)
	return g
}

// Transform32 is Transform for float32 input; the output is float64, as in
// the reference.
func Transform32(x []float32, eps float64) []float64 {
	var w Workspace
	_, g := w.FitTransform32(x, eps, nil, nil)
	return g
}

// Fit builds the map of train: map_x = sort(train), map_y = sort(g).
func Fit(train []float64, eps float64) *Model {
	var w Workspace
	m, _ := w.FitTransform(train, eps, nil, nil)
	return m
}

// Fit32 is Fit for float32 training values.
func Fit32(train []float32, eps float64) *Model {
	var w Workspace
	m, _ := w.FitTransform32(train, eps, nil, nil)
	return m
}

// FitTransform returns Fit(x, eps) and Transform(x, eps) from one sort.
func FitTransform(x []float64, eps float64) (*Model, []float64) {
	var w Workspace
	return w.FitTransform(x, eps, nil, nil)
}

// FitTransform32 is FitTransform for float32 input.
func FitTransform32(x []float32, eps float64) (*Model, []float64) {
	var w Workspace
	return w.FitTransform32(x, eps, nil, nil)
}

// Workspace holds scratch memory reused across calls, so that repeated
// transforms of the same size allocate nothing. The zero value is ready to
// use; a Workspace must not be used by two goroutines at once.
type Workspace struct {
	// Threads bounds the goroutines used; 0 means GOMAXPROCS.
	Threads int

	// NoHints leaves out the per-row answers that a fit keeps for the
	// inverse of its own transform (16 bytes per row, written while g
	// is): set it when the model will not invert the training transform
	// (the runner's inverse = false). Transform, map and inverse results
	// are the same either way; such an inverse locates every query.
	NoHints bool

	w, tmp []uint64   // float32 input: packed words
	pa, pb []pair     // float64 input: words with values
	recs   [][]rowRec // bucketed scatter
	order  []uint64   // the last call's sorted words (index in the lower half)
	counts digitCounts
}

func (ws *Workspace) buffers(n int) (w, tmp []uint64) {
	if cap(ws.w) < n {
		ws.w = make([]uint64, n)
		ws.tmp = make([]uint64, n)
		adviseHuge(ws.w)
		adviseHuge(ws.tmp)
	}
	return ws.w[:n], ws.tmp[:n]
}

// prepare returns m (or a new Model) and g (or a new slice) sized for n.
func (ws *Workspace) prepare(n int, eps float64, m *Model, g []float64) (*Model, []float64) {
	if m == nil {
		m = &Model{}
	}
	if cap(m.nodes) < n {
		m.nodes = make([]node, n)
		adviseHuge(m.nodes)
	}
	m.nodes = m.nodes[:n]
	switch {
	case ws.NoHints:
		m.rows = m.rows[:0]
	case cap(m.rows) < n:
		m.rows = make([]node, n)
		adviseHuge(m.rows)
		fallthrough
	default:
		m.rows = m.rows[:n]
	}
	m.eps = eps
	m.threads = ws.Threads
	if cap(g) < n {
		g = make([]float64, n)
		adviseHuge(g)
	}
	return m, g[:n]
}

// FitTransform is the package-level FitTransform reusing the workspace's
// scratch memory, and m's and g's storage where they are large enough
// (either may be nil). m and g must not be in use elsewhere.
func (ws *Workspace) FitTransform(x []float64, eps float64, m *Model, g []float64) (*Model, []float64) {
	n := len(x)
	m, g = ws.prepare(n, eps, m, g)
	if n == 0 {
		return m, g
	}
	if cap(ws.pa) < n {
		ws.pa = make([]pair, n)
		ws.pb = make([]pair, n)
		adviseHuge(ws.pa)
		adviseHuge(ws.pb)
	}
	// Sort (key window, index) words carrying the values, then settle
	// runs of equal windows by the key bits below the window.
	shift, varying := sharedKeyBits(x, ws.Threads)
	nodes := m.nodes
	w, tmp := sortWindows(x, shift, varying, nodes, ws.pa[:n], ws.pb[:n], &ws.counts, ws.Threads)
	ws.order = w
	// Settle the runs in chunks that begin and end at run boundaries.
	t := workers(n, ws.Threads)
	cuts := make([]int, t+1)
	for c := range cuts {
		k := n * c / t
		for k > 0 && k < n && w[k]>>32 == w[k-1]>>32 {
			k++
		}
		cuts[c] = k
	}
	parallel(n, ws.Threads, func(lo, hi int) {
		c := chunkOf(lo, n, t)
		lo, hi = cuts[c], cuts[c+1]
		settleRuns(w[lo:hi], tmp[lo:hi], nodes[lo:hi])
	})
	ws.fillGaussian(w, nodes, g, m.rows, eps)
	return m, g
}

// FitTransform32 is FitTransform for float32 input.
func (ws *Workspace) FitTransform32(x []float32, eps float64, m *Model, g []float64) (*Model, []float64) {
	n := len(x)
	m, g = ws.prepare(n, eps, m, g)
	if n == 0 {
		return m, g
	}
	w, tmp := ws.buffers(n)
	parallel(n, ws.Threads, func(lo, hi int) {
		for i := lo; i < hi; i++ {
			w[i] = uint64(key32(x[i]))<<32 | uint64(i)
		}
	})
	w = radixSortPacked(w, tmp, ws.Threads)
	ws.order = w
	nodes := m.nodes
	zero, nan := key32(0), key32(float32(math.NaN()))
	parallel(n, ws.Threads, func(lo, hi int) {
		for k := lo; k < hi; k++ {
			kk := uint32(w[k] >> 32)
			if kk == zero || kk == nan { // -0 and NaN payloads were folded
				nodes[k].x = float64(x[uint32(w[k])])
			} else {
				nodes[k].x = float64(unkey32(kk))
			}
		}
	})
	ws.fillGaussian(w, nodes, g, m.rows, eps)
	return m, g
}

// Runs of equal upper key halves up to insertionMax long are settled by
// insertion sort, up to comparisonMax by sorting packed words, longer ones
// by radix sort.
const (
	insertionMax  = 32
	comparisonMax = 1 << 12
)

// settleScratch holds a chunk's scratch for permuting long runs.
type settleScratch struct {
	idx []uint32
	xs  []float64
}

// settleRuns orders each run of equal upper halves in w (sorted by key
// window, then index) by the lower 32 key bits, stably, permuting
// nodes[].x (the values, in the same order) along. Within a run the key
// bits above them are equal (the window starts at or above bit 32). tmp is
// scratch of len(w).
func settleRuns(w, tmp []uint64, nodes []node) {
	var scr settleScratch
	n := len(w)
	for k := 0; k < n; {
		hi := w[k] >> 32
		e := k + 1
		for e < n && w[e]>>32 == hi {
			e++
		}
		if e-k > 1 {
			settleRun(w[k:e], tmp[k:e], nodes[k:e], &scr)
		}
		k = e
	}
}

func settleRun(w, tmp []uint64, nodes []node, scr *settleScratch) {
	n := len(w)
	if n <= insertionMax {
		for j := range w {
			w[j] = (key64(nodes[j].x)&0xFFFFFFFF)<<32 | w[j]&0xFFFFFFFF
		}
		for j := 1; j < n; j++ {
			v, xv := w[j], nodes[j].x
			i := j
			for i > 0 && w[i-1]>>32 > v>>32 {
				w[i], nodes[i].x = w[i-1], nodes[i-1].x
				i--
			}
			w[i], nodes[i].x = v, xv
		}
		return
	}
	// Sort (lower key half, position in run) words, then permute the
	// indices and values by position. Positions ascend with the indices
	// within a run, so ties keep position order: the sort is stable.
	if cap(scr.idx) < n {
		scr.idx = make([]uint32, n)
		scr.xs = make([]float64, n)
	}
	idx, xs := scr.idx[:n], scr.xs[:n]
	for j := range w {
		idx[j], xs[j] = uint32(w[j]), nodes[j].x
		w[j] = (key64(xs[j])&0xFFFFFFFF)<<32 | uint64(j)
	}
	s := w
	if n <= comparisonMax {
		slices.Sort(w)
	} else {
		s = radixSortPacked(w, tmp, 1)
	}
	for j, v := range s {
		p := uint32(v)
		w[j] = uint64(idx[p])
		nodes[j].x = xs[p]
	}
}

// fillGaussian writes map_y and g: rank k (the k-th entry of w, whose lower
// half is the element's index) has Gaussian value erfinv(s(k)). Ranks are
// taken in mirrored pairs (k, n-1-k): where s(n-1-k) == -s(k) exactly
// (about 58% of pairs), erfinv's oddness gives the second value for free,
// bit for bit. Then the values are scattered to g in row order, with the
// rows' answers to rows unless it is empty (see Model.rows).
func (ws *Workspace) fillGaussian(w []uint64, nodes []node, g []float64, rows []node, eps float64) {
	n := len(w)
	den := float64(n - 1)
	lo, hi := -1+eps, 1-eps
	parallel((n+1)/2, ws.Threads, func(a, b int) {
		for k := a; k < b; k++ {
			s := scaledRank(k, den, lo, hi)
			y := math.Erfinv(s)
			nodes[k].y = y
			k2 := n - 1 - k
			if k2 == k {
				continue
			}
			s2 := scaledRank(k2, den, lo, hi)
			y2 := -y
			if s2 != -s {
				y2 = math.Erfinv(s2)
			}
			nodes[k2].y = y2
		}
	})
	if n <= directMax {
		for k, v := range w {
			g[uint32(v)] = nodes[k].y
		}
		if len(rows) != 0 {
			for k, v := range w {
				rows[uint32(v)] = rowAnswer(nodes[k].x, nodes[k].y, shadowed(nodes, k))
			}
		}
		return
	}
	t := workers(n, ws.Threads)
	recs := ws.scratch(t, min((n+t-1)/t, invChunk))
	parallel(n, ws.Threads, func(a, b int) {
		scatterBucketed(g, rows, nodes, a, w[a:b], recs[chunkOf(a, n, t)])
	})
}

// shadowed reports whether a later rank than k has the same y (a clip
// plateau), whose x the inverse returns for it.
func shadowed(nodes []node, k int) bool {
	return k+1 < len(nodes) && nodes[k+1].y == nodes[k].y
}

// rowAnswer is the Model.rows entry of rank k's row.
func rowAnswer(x, y float64, shadowed bool) node {
	if shadowed {
		y = math.NaN() // never equal to a query
	}
	return node{y: y, x: x}
}

// rowRec is a row's Gaussian value and map_x waiting in their bucket (24
// bytes); shadowed: a later rank has the same y (see rowAnswer).
type rowRec struct {
	g, x     float64
	i        uint32
	shadowed bool
}

// scatterBucketed sets g[index] = nodes[k].y and, unless rows is empty,
// rows[index] to rank k's answer (see Model.rows) for the indices in the lower halves of
// w, which hold ranks first, first+1, ... Writing at random places in a
// large g costs a cache and TLB miss per element, so the values are first
// distributed into buckets by index and then written bucket by bucket,
// each bucket's part of g staying in cache (as in the inverse).
func scatterBucketed(g []float64, rows, nodes []node, first int, w []uint64, recs []rowRec) {
	shift := max(0, bits.Len(uint(len(g)-1))-bucketBits)
	var off [1<<bucketBits + 1]uint32
	for start := 0; start < len(w); start += len(recs) {
		ws := w[start:min(start+len(recs), len(w))]
		off = [len(off)]uint32{}
		for _, v := range ws {
			off[uint32(v)>>shift+1]++
		}
		for b := 1; b < len(off); b++ {
			off[b] += off[b-1]
		}
		k0 := first + start
		if len(rows) == 0 {
			for k, v := range ws {
				i := uint32(v)
				b := i >> shift
				recs[off[b]] = rowRec{g: nodes[k0+k].y, i: i}
				off[b]++
			}
			for _, r := range recs[:len(ws)] {
				g[r.i] = r.g
			}
			continue
		}
		for k, v := range ws {
			i := uint32(v)
			b := i >> shift
			nd := nodes[k0+k]
			recs[off[b]] = rowRec{g: nd.y, x: nd.x, i: i, shadowed: shadowed(nodes, k0+k)}
			off[b]++
		}
		for _, r := range recs[:len(ws)] {
			g[r.i], rows[r.i] = r.g, rowAnswer(r.x, r.g, r.shadowed)
		}
	}
}

// scratch returns t blocks of n records, reused across calls.
func (ws *Workspace) scratch(t, n int) [][]rowRec {
	for len(ws.recs) < t {
		ws.recs = append(ws.recs, nil)
	}
	for i := range ws.recs[:t] {
		if len(ws.recs[i]) < n {
			ws.recs[i] = make([]rowRec, n)
			adviseHuge(ws.recs[i])
		}
	}
	return ws.recs[:t]
}

// scaledRank is rank k scaled as the reference does, (k/(n-1) - 0.5)·2,
// clipped to [lo, hi]; NaN for n = 1 (0/0) passes through.
func scaledRank(k int, den, lo, hi float64) float64 {
	s := (float64(k)/den - 0.5) * 2
	return min(max(s, lo), hi)
}
