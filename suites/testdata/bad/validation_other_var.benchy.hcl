# want: Invalid reference in variable validation
variable "rows" {
  type    = number
  default = 1000

  validation {
    condition     = var.rows <= var.limit
    error_message = "The rows value must be at most the limit."
  }
}

variable "limit" {
  type    = number
  default = 100000
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", "--rows=${var.rows}"]
    }
  }
}
