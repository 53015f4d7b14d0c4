# want: Invalid order
# want: Invalid better
# want: Invalid measure
run {
  order = "interleaved_random"
}

workload "w" {
  better = "smaller"

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
      measure = "walltime"
    }
  }
}
