# One ~10 ms command timed as a whole process, hyperfine style, to compare
# benchy's `measure = "wall"` with hyperfine side by side
# (scripts/compare-hyperfine.sh).

variable "seconds" {
  type    = string
  default = "0.01"
}

run {
  warmup            = 1
  min_blocks        = 10
  max_blocks        = 10
  iterations        = 10
  warmup_iterations = 1
}

workload "sleep" {
  description = "sleep ${var.seconds}, timed as a whole process"
  metric      = "ms"

  arm "sleep" {
    baseline = true
    exec {
      command = ["sleep", var.seconds]
      measure = "wall"
    }
  }
}
