# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

run {
  min_blocks = 4
  max_blocks = 4
}

workload "exec" {
  description = "commands timed as whole processes"

  arm "true" {
    baseline = true

    exec {
      command = ["true"]
      measure = "wall"
    }
  }

  arm "false" {
    exec {
      command = ["false"]
      measure = "wall"
    }
  }
}
