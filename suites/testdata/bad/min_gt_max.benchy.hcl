# want: Inconsistent block limits
run {
  min_blocks = 10
  max_blocks = 20
}

workload "w" {
  run {
    min_blocks = 40
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
