# want: Invalid min_blocks
# want: Invalid warmup
# want: Invalid iterations
run {
  min_blocks = 1
  warmup = -1
  iterations = -2
}
workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
