// Package notests has no test files.
package notests

// X is nothing.
const X = 1
