# want: Value for undeclared variable
# var: row=10
variable "rows" {
  type    = number
  default = 1000
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", "--rows=${var.rows}"]
    }
  }
}
