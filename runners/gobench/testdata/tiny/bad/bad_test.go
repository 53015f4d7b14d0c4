// Package bad has benchmarks that fail in different ways.
package bad

import (
	"testing"
	"time"
)

var sink int

func BenchmarkOK(b *testing.B) {
	for b.Loop() {
		sink++
	}
}

func BenchmarkFatal(b *testing.B) {
	b.Fatal("tiny: this benchmark always fails")
}

func BenchmarkPanic(b *testing.B) {
	panic("tiny: this benchmark panics")
}

// BenchmarkSlow runs for a long time once b.N > 1, so that a short timeout
// stops it; listing it (b.N = 1) is quick. (b.Loop would hide b.N.)
func BenchmarkSlow(b *testing.B) {
	if b.N > 1 {
		time.Sleep(time.Minute)
	}
	for i := 0; i < b.N; i++ {
		sink++
	}
}
