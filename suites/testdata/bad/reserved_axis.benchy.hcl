# want: Reserved axis name
workload "w" {
  matrix {
    arm = ["left", "right"]
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
