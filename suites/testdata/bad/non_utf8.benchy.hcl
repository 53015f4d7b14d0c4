# want: Invalid character encoding
workload "w" {
  description = "café latency"
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
