# want: Invalid lock_gpu_clocks
# want: Invalid gpu_settle_temp
# want: Invalid duration
run {
  lock_gpu_clocks = "fast"
  gpu_settle_temp = 500
  gpu_settle      = "a while"
}

workload "w" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
