# want: No value for required variable
variable "model" {
  type        = string
  description = "Path to the model under test."
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true", var.model]
    }
  }
}
