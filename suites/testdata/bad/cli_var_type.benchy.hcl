# want: Invalid value for variable
# var: rows=lots
# env: BENCHY_VAR_sizes=[1000, "many"]
variable "rows" {
  type    = number
  default = 1000
}

variable "sizes" {
  type    = list(number)
  default = [1000]
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", "--rows=${var.rows}"]
    }
  }
}
