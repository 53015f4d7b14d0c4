# want: Invalid target_ci_half_width
# want: Invalid confidence
run {
  target_ci_half_width = 2
  confidence           = 95
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
