# want: Unknown variable
workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", env.HOME]
    }
  }
}
