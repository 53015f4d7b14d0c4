# want: Unsupported benchy version
benchy {
  required_version = ">= 99.0"
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
