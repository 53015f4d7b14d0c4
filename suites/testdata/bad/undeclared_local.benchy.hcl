# want: Reference to undeclared local value
locals {
  python = ["python3", "-u"]
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = concat(local.pyhton, ["x.py"])
    }
  }
}
