# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

run {
  min_blocks           = 12
  max_blocks           = 12
  target_ci_half_width = 0.03
  seed                 = 7
  order                = "interleaved"
  iterations           = 1
  warmup_iterations    = 3
}

workload "exec" {
  description = "commands timed as whole processes"
  prepare     = ["sync"]

  arm "true" {
    baseline = true
    timeout  = "20s"

    exec {
      command = ["true"]
      measure = "wall"
    }
  }

  arm "false" {
    timeout = "20s"

    exec {
      command = ["false"]
      measure = "wall"
    }
  }
}
