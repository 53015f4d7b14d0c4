# want: Duplicate workload
# want: Duplicate arm
# want: Duplicate variable declaration
variable "n" {
  default = 1
}

variable "n" {
  default = 2
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }

  arm "a" {
    exec {
      command = ["false"]
    }
  }
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
