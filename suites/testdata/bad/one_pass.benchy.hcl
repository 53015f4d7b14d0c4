# Every error of a block in one pass, even when the block has several and
# one of them is a type error.
# want: Inconsistent block limits
# want: Invalid target_ci_half_width
# want: Invalid order
# want: Incorrect attribute value type
# want: Invalid measure
run {
  min_blocks           = 20
  max_blocks           = 10
  target_ci_half_width = 2
}

workload "w" {
  run {
    warmup = "x"
    order  = "random"
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
      measure = "wal"
    }
  }
}
