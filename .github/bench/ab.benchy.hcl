# Base vs head: the regression gate of .github/workflows/bench-gpu.yml.
#
# The workflow builds the same Go benchmark twice, from the PR's base commit
# and from its head (`benchy run --arm-from-git BASE --git-build CMD`), and
# this suite runs the two binaries as arms of one workload, in randomized
# interleaved blocks on one machine, so that `benchy compare` gates on paired
# blocks instead of two separate runs. Each timed iteration runs the test
# binary once and records the ns/op it prints.
#
# Run it locally with
#   benchy run .github/bench/ab.benchy.hcl --arm-from-git origin/main \
#     --git-build 'go test -c -trimpath -o "$BENCHY_BUILD_OUT" ./stats'
#
# To gate your own project, keep the two variables and change the command:
# any program whose base and head builds take the same arguments works.

variable "base" {
  type        = string
  description = "The base build (set by --arm-from-git)."
}

variable "head" {
  type        = string
  description = "The head build (set by --arm-from-git)."
}

variable "benchmark" {
  type        = string
  default     = "^BenchmarkRelativeDifference10x1000$/^logratio$/^groups=0$"
  description = "The Go benchmark (a -test.bench pattern) that both builds run."
}

variable "benchtime" {
  type        = string
  default     = "50x"
  description = "-test.benchtime for one timed iteration."
}

run {
  warmup               = 1
  min_blocks           = 10
  max_blocks           = 30
  iterations           = 2
  target_ci_half_width = 0.02
  confidence           = 0.95
  order                = "interleaved-random"
}

workload "stats" {
  description = "stats.RelativeDifference (logratio, 10 arms x 1000 blocks), base vs head"
  metric      = "ns"
  better      = "lower"

  arm "base" {
    baseline = true
    timeout  = "60s"

    exec {
      command = [var.base, "-test.run=^$", "-test.bench=${var.benchmark}", "-test.benchtime=${var.benchtime}", "-test.count=1"]
      measure = "stdout-metric"
      pattern = "([0-9.]+) ns/op"
    }
  }

  arm "head" {
    timeout = "60s"

    exec {
      command = [var.head, "-test.run=^$", "-test.bench=${var.benchmark}", "-test.benchtime=${var.benchtime}", "-test.count=1"]
      measure = "stdout-metric"
      pattern = "([0-9.]+) ns/op"
    }
  }
}
