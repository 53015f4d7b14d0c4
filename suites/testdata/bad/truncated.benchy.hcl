# want: Unclosed configuration block
workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
