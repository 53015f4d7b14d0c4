# want: Invalid default value for variable
# secret: hunter2xyz
# A sensitive default of the wrong type: the diagnostic points at the
# declaration, not at the line that holds the value.
variable "pin" {
  type      = number
  sensitive = true
  default   = "hunter2xyz"
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
