// Package gaussrank implements the GaussRank transformation and its inverse
// (the RAPIDS blog's workload) in Go, and the gaussrank {} runner that times
// transform + inverse on seeded synthetic data.
package gaussrank
