# Every error in one run: a typo, a wrong type, an unknown variable, a
# missing baseline and a bad duration, all reported together.
# want: Unsupported argument
# want: Incorrect attribute value type
# want: Reference to undeclared input variable
# want: Workload needs exactly one baseline arm
# want: Invalid duration
variable "rows" {
  type    = number
  default = 1000
}

run {
  max_block = 10
  warmup    = [1]
}

workload "gaussrank" {
  arm "numpy" {
    timeout = "forever"
    exec {
      command = ["python3", "gaussrank.py", "--rows=${var.row}"]
    }
  }

  arm "go" {
    exec {
      command = ["true"]
    }
  }
}
