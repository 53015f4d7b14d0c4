# want: Unsupported argument
run {
  warmpu     = 2
  min_blocks = 5
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
