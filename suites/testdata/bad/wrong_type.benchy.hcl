# want: Incorrect attribute value type
run {
  min_blocks = "five"
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
