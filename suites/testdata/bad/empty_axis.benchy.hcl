# want: Empty matrix axis
variable "sizes" {
  type    = list(number)
  default = []
}

workload "w" {
  matrix {
    rows = var.sizes
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true", "${matrix.rows}"]
    }
  }
}
