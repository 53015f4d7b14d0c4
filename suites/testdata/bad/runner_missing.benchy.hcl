# want: Missing runner block
workload "w" {
  arm "a" {
    baseline = true
    timeout  = "10s"
  }
}
