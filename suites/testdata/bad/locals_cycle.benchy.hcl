# want: Circular reference among local values
locals {
  python = concat(local.interp, ["-u"])
  interp = local.argv
  argv   = [local.python[0]]
  ok     = "fine"
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = local.python
    }
  }
}
