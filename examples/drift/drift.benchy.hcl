# drift: two identical arms on a machine that slows down over time.
#
# Both arms run the same command, drift.sh, whose every call is a little
# slower than the one before (STEP_US more per call, counted in a state file
# both arms share, as they share the machine). The arms are identical, so
# any "significant" difference between them is a false positive:
#
#   benchy run drift.benchy.hcl                      # interleaved: no difference
#   benchy run drift.benchy.hcl --order sequential   # "b is slower than a"
#   benchy calibrate drift.benchy.hcl --order sequential --repeats 10
#   benchy calibrate drift.benchy.hcl --repeats 10   # about 5% false positives
#
# Sequential order runs every block of a before any block of b, so b meets
# the slower machine and looks slower. Interleaved blocks give both arms the
# same machine, block by block, and the drift cancels in the paired ratios.

benchy {
  required_version = ">= 0.1"
}

variable "state" {
  type        = string
  default     = "/tmp/benchy-drift.state"
  description = "File that counts the calls (reset when the workload starts)."
}

variable "base_ms" {
  type        = number
  default     = 10
  description = "Cost of the first call, in milliseconds."
}

variable "step_us" {
  type        = number
  default     = 2000
  description = "Extra cost of every further call, in microseconds."
}

run {
  warmup     = 1
  min_blocks = 10
  max_blocks = 10
  iterations = 2
  order      = "interleaved-random"
}

workload "drift" {
  description = "sleep ${var.base_ms} ms + ${var.step_us} µs per earlier call"
  better      = "lower"
  setup       = ["sh", "-c", "echo 0 > \"$1\"", "reset", var.state]

  arm "a" {
    baseline = true
    exec {
      command = ["sh", "drift.sh", var.state, tostring(var.base_ms), tostring(var.step_us)]
      measure = "wall"
    }
  }

  arm "b" {
    exec {
      command = ["sh", "drift.sh", var.state, tostring(var.base_ms), tostring(var.step_us)]
      measure = "wall"
    }
  }
}
