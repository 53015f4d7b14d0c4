# want: Invalid default value for variable
variable "sizes" {
  type    = list(number)
  default = ["ten", "twenty"]
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
