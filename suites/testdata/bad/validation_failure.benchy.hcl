# want: Invalid value for variable
# var: rows=500
variable "rows" {
  type    = number
  default = 1000000

  validation {
    condition     = var.rows >= 1000
    error_message = "The rows value must be at least 1000."
  }
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", "--rows=${var.rows}"]
    }
  }
}
