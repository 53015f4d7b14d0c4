# want: Invalid reference in variable validation
locals {
  limit = 100000
}

variable "rows" {
  type    = number
  default = 1000

  validation {
    condition     = var.rows <= local.limit
    error_message = "The rows value must be at most the limit."
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
