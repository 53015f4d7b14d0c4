# want: Invalid duration
run {
  time_budget = "20 minutes"
}

workload "w" {
  arm "a" {
    baseline = true
    timeout  = "2 min"
    exec {
      command = ["true"]
    }
  }
}
