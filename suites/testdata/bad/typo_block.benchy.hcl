# want: Unsupported block type
workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }

  arms "b" {
    exec {
      command = ["false"]
    }
  }
}
