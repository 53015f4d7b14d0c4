# want: Reference to undeclared input variable
variable "rows" {
  type    = number
  default = 1000
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", "--rows=${var.row}"]
    }
  }
}
