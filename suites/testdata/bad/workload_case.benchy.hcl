# want: Duplicate workload
# "w" and "W" are both BenchmarkW in the Go benchmark format.
workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
workload "W" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
