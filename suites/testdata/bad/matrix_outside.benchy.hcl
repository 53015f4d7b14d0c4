# want: Matrix value not available here
locals {
  size = matrix.rows
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", "${local.size}"]
    }
  }
}
