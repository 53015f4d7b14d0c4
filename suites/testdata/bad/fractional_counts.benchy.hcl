# want: Incorrect attribute value type
# A count that is not a whole number is reported once, at its value: no
# "must be at least 2" or "Inconsistent block limits" about the part-converted
# value follows it, and the errors come in source order.
variable "x" {
  default = 1.5
}

run {
  max_blocks        = 2.7
  warmup            = 0.5
  iterations        = 1e30
  warmup_iterations = -2.5
}

workload "w" {
  run {
    min_blocks = var.x
    max_blocks = 5
  }
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
}
