package gaussrank

import (
	"math"
	"math/bits"
)

// Inverse maps Gaussian values back to the original space with
// numpy.interp(q, map_y, map_x) semantics: clamped outside the map, the last
// of equal map_y wins, and NaN gives NaN (for n = 1 every query gives the
// single training value; for n = 0, NaN).
func (m *Model) Inverse(q []float64) []float64 {
	return m.InverseInto(make([]float64, len(q)), q)
}

// InverseInto is Inverse writing into dst (len(dst) >= len(q)); it returns
// dst[:len(q)].
func (m *Model) InverseInto(dst, q []float64) []float64 {
	dst = dst[:len(q)]
	switch len(m.nodes) {
	case 0:
		for k := range dst {
			dst[k] = math.NaN()
		}
		return dst
	case 1:
		for k := range dst {
			dst[k] = m.nodes[0].x
		}
		return dst
	}
	if rows := m.hints(q); rows != nil {
		parallel(len(q), m.threads, func(lo, hi int) {
			m.inverseHinted(dst[lo:hi], q[lo:hi], rows[lo:hi])
		})
		return dst
	}
	if len(m.nodes) <= directMax {
		parallel(len(q), m.threads, func(lo, hi int) {
			m.inverseDirect(dst[lo:hi], q[lo:hi])
		})
		return dst
	}
	t := workers(len(q), m.threads)
	recs, owned := m.scratch(t, min((len(q)+t-1)/t, invChunk))
	if owned {
		defer m.mu.Unlock()
	}
	parallel(len(q), m.threads, func(lo, hi int) {
		m.inverseBucketed(dst[lo:hi], q[lo:hi], recs[chunkOf(lo, len(q), t)])
	})
	return dst
}

// hintSamples is how many queries hints compares with the training
// transform.
const hintSamples = 64

// hints returns the training rows' answers (Model.rows) when q looks like
// the training transform: as long as the map, and equal to it at
// hintSamples places spread over it (or, on a clip plateau, anything: its
// rows keep no y to compare). nil otherwise.
func (m *Model) hints(q []float64) []node {
	n := len(m.nodes)
	if n < 2 || len(q) != n || len(m.rows) != n {
		return nil
	}
	for s := range hintSamples {
		i := (n - 1) * s / (hintSamples - 1)
		if y := m.rows[i].y; q[i] != y && y == y {
			return nil
		}
	}
	return m.rows
}

// inverseHinted answers q, which looks like the training transform (see
// hints): a query equal to its row's y gets the row's x, which is
// numpy.interp's answer (y is that of the row's rank j, the last of the
// map_y equal to it, so the interval is j and the value x[j]); any other
// query (a changed value, a clip plateau) is located as in inverseDirect.
// For the training transform this reads q and rows in order and writes
// dst in order, with no access at random places in the map.
func (m *Model) inverseHinted(dst, q []float64, rows []node) {
	for k, v := range q {
		if r := rows[k]; v == r.y {
			dst[k] = r.x
			continue
		}
		dst[k] = m.inverseOne(v)
	}
}

// scratch returns t blocks of n records for the bucketed inverse: the
// model's own when no other call holds them (owned: the caller unlocks
// m.mu when done), otherwise new ones.
func (m *Model) scratch(t, n int) (recs [][]rec, owned bool) {
	if !m.mu.TryLock() {
		r := make([][]rec, t)
		for i := range r {
			r[i] = make([]rec, n)
		}
		return r, false
	}
	for len(m.recs) < t {
		m.recs = append(m.recs, nil)
	}
	for i := range m.recs[:t] {
		if len(m.recs[i]) < n {
			m.recs[i] = make([]rec, n)
			adviseHuge(m.recs[i])
		}
	}
	return m.recs[:t], true
}

// How a query finds its interval. The map's y values are erfinv of an even
// grid, so the fractional index of v's interval is (erf(v)/2 + 0.5)·(n-1);
// a tabulated erf gives it to well under one index at any n this package
// accepts, and settle makes it exact (rounding, the clip plateaus).
//
// A map that fits in the caches (directMax nodes, 4 MiB) is read at those
// guesses directly. A larger one would cost a cache and TLB miss per query
// (queries arrive in row order, i.e. at random places in the map), and
// under virtualisation a TLB miss is a two-level page walk; so the queries
// are first distributed by guessed index into buckets of about 2048 map
// entries, then answered bucket by bucket, each bucket's part of the map
// staying in cache. Queries go in chunks of invChunk (4M: 64 MiB of scratch
// records per goroutine at most); larger chunks reuse more of each bucket's
// cache lines, measured best up to about this size at N = 1e7.
const (
	directMax  = 1 << 18
	bucketBits = 11
)

// invChunk is a variable so that tests can exercise several chunks.
var invChunk = 1 << 22

// locate returns the guessed interval index of v, which must lie within
// [y[0], y[last]].
func locate(v, half float64, last int) int {
	f := (erfApprox(v) + 1) * half
	if f < 0 { // plain comparisons: the min and max builtins order NaN and ±0, which costs
		f = 0
	}
	if l := float64(last); f > l {
		f = l
	}
	return int(f)
}

// settle returns max{j : y[j] <= v} starting from the guess j, for v in
// [y[0], y[last]].
func settle(nodes []node, j int, v float64) int {
	last := len(nodes) - 1
	for nodes[j].y > v {
		j--
	}
	for j < last && nodes[j+1].y <= v {
		j++
	}
	return j
}

// interpAt is numpy.interp's value at v in interval j (from settle).
func interpAt(nodes []node, j int, v float64) float64 {
	a := nodes[j]
	if j == len(nodes)-1 || a.y == v {
		return a.x // the last of equal y wins
	}
	c := nodes[j+1]
	slope := (c.x - a.x) / (c.y - a.y)
	return float64(slope*(v-a.y)) + a.x // no fused multiply-add, as NumPy
}

// outside is numpy.interp's value for v outside [y[0], y[last]] or NaN.
func outside(nodes []node, v float64) float64 {
	switch {
	case v < nodes[0].y:
		return nodes[0].x
	case v > nodes[len(nodes)-1].y:
		return nodes[len(nodes)-1].x
	}
	return v // NaN
}

// inverseDirect answers q in order.
func (m *Model) inverseDirect(dst, q []float64) {
	for k, v := range q {
		dst[k] = m.inverseOne(v)
	}
}

// inverseOne is numpy.interp(v, map_y, map_x), reading the map at v's
// guessed interval.
func (m *Model) inverseOne(v float64) float64 {
	nodes := m.nodes
	last := len(nodes) - 1
	if !(v >= nodes[0].y && v <= nodes[last].y) {
		return outside(nodes, v)
	}
	return interpAt(nodes, settle(nodes, locate(v, 0.5*float64(last), last), v), v)
}

// rec is a query waiting in its bucket.
type rec struct {
	v float64
	k uint32 // position in the chunk
	j uint32 // guessed interval
}

// inverseBucketed answers q bucket by bucket.
func (m *Model) inverseBucketed(dst, q []float64, recs []rec) {
	nodes := m.nodes
	last := len(nodes) - 1
	ylo, yhi := nodes[0].y, nodes[last].y
	half := 0.5 * float64(last)
	shift := max(0, bits.Len(uint(last))-bucketBits)
	var off [1<<bucketBits + 1]uint32
	sink := 0.0
	for start := 0; start < len(q); start += invChunk {
		qs := q[start:min(start+invChunk, len(q))]
		out := dst[start : start+len(qs)]
		// Locate every query and count the buckets; the guesses wait
		// in out, whose values come last.
		off = [len(off)]uint32{}
		for k, v := range qs {
			if !(v >= ylo && v <= yhi) {
				out[k] = outside(nodes, v)
				continue
			}
			j := locate(v, half, last)
			out[k] = math.Float64frombits(uint64(j) | 1<<63 | 0x7FF<<52)
			off[j>>shift+1]++
		}
		for b := 1; b < len(off); b++ {
			off[b] += off[b-1]
		}
		for k, v := range qs {
			if !(v >= ylo && v <= yhi) {
				continue
			}
			j := uint32(math.Float64bits(out[k]))
			b := j >> shift
			recs[off[b]] = rec{v: v, k: uint32(k), j: j}
			off[b]++
		}
		// Answer bucket by bucket (off[b] now ends bucket b), first
		// streaming the bucket's part of the map into the cache: its
		// queries land at random places in it.
		lo := uint32(0)
		for b := range 1 << bucketBits {
			hi := off[b]
			if hi == lo {
				continue
			}
			// One load per 64-byte line (4 nodes) is enough.
			first := b << shift
			part := nodes[first:min(first+1<<shift+1, last+1)]
			for i := 0; i < len(part); i += 4 {
				sink += part[i].y
			}
			sink += part[len(part)-1].y
			for _, r := range recs[lo:hi] {
				out[r.k] = interpAt(nodes, settle(nodes, int(r.j), r.v), r.v)
			}
			lo = hi
		}
	}
	if sink == 1 { // never (a sum of map values); keeps the streaming loads
		prefetchSink = sink
	}
}

// prefetchSink keeps the compiler from dropping the streaming loads.
var prefetchSink float64

// Tabulated erf on [0, erfTableMax] for cubic Hermite interpolation; erf is
// 1 to double precision beyond it.
const (
	erfTableN   = 2048
	erfTableMax = 6.0
	erfStep     = erfTableMax / erfTableN
)

// erfTable holds erf and erf'·step at the knots.
var erfTable = func() (t [erfTableN + 1]struct{ f, d float64 }) {
	for i := range t {
		v := float64(i) * erfStep
		t[i].f = math.Erf(v)
		t[i].d = 2 / math.SqrtPi * math.Exp(-v*v) * erfStep
	}
	return t
}()

// erfApprox is erf(v) to about 1e-11 (NaN for NaN), by cubic Hermite
// interpolation in a table; it only seeds the exact search.
func erfApprox(v float64) float64 {
	a := math.Abs(v)
	if !(a < erfTableMax) {
		if a != a {
			return a
		}
		return math.Copysign(1, v)
	}
	t := a * (1 / erfStep)
	i := int(t)
	t -= float64(i)
	p0, p1 := erfTable[i], erfTable[i+1]
	t2 := t * t
	t3 := t2 * t
	h00 := 2*t3 - 3*t2 + 1
	h10 := t3 - 2*t2 + t
	h01 := 1 - h00
	h11 := t3 - t2
	return math.Copysign(h00*p0.f+h10*p0.d+h01*p1.f+h11*p1.d, v)
}
