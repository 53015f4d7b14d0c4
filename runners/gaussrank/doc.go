// Package gaussrank implements the GaussRank transformation and its inverse
// (the RAPIDS blog's workload) in Go, and the gaussrank {} runner that times
// transform + inverse on seeded synthetic data.
//
// Transform, Fit, FitTransform and (*Model).Inverse follow the blog's CPU
// code exactly: ordinal ranks from a stable sort, (r/(n-1) - 0.5)·2 clipped
// to ±(1-eps), erfinv, and numpy.interp over (sort(g), sort(x)) for the
// inverse. The *32 variants take float32 input. A Workspace reuses memory
// across calls. Generate and Generate32 produce the seeded inputs that the
// Python reference worker (python/gaussrank_worker.py) reproduces bit for
// bit. Config.Implementation chooses between this package's Go runner and
// that worker's NumPy and CuPy paths, which the binary embeds (see
// WorkerScript).
//
// See docs/gaussrank.md for the conventions, the algorithm and the runner's
// suite block.
package gaussrank
