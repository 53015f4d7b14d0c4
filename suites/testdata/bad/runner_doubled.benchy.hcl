# want: Duplicate runner block
workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
    exec {
      command = ["false"]
    }
  }
}
