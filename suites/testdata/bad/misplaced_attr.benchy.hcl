# An attribute in the wrong block says where it belongs.
# want: Unsupported argument
workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
      timeout = "30s"
    }
  }
}
