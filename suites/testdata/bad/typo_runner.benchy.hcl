# want: Unsupported block type
workload "w" {
  arm "a" {
    baseline = true
    exce {
      command = ["true"]
    }
  }
}
