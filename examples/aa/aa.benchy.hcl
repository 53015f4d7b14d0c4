# An A/A suite: baseline and treatment are the same command. On a quiet
# machine, a correct harness finds "no significant difference" in about 95%
# of runs at 95% confidence (scripts/aa-check.sh runs it over ten seeds).

variable "command" {
  type    = list(string)
  default = ["sleep", "0.005"]
}

run {
  warmup               = 1
  min_blocks           = 20
  max_blocks           = 20
  iterations           = 5
  target_ci_half_width = 0 # fixed number of blocks: the A/A rate is then exact
  order                = "interleaved-random"
}

workload "aa" {
  description = "the same command as baseline and treatment"

  arm "a" {
    baseline = true
    exec {
      command = var.command
    }
  }

  arm "a-again" {
    exec {
      command = var.command
    }
  }
}
