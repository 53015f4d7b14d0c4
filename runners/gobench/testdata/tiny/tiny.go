// Package tiny has a few small benchmarks for the gobench runner's tests.
package tiny

// Sum adds the numbers 0 to n-1.
func Sum(n int) int {
	s := 0
	for i := range n {
		s += i
	}
	return s
}
