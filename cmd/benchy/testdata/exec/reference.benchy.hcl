# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

workload "exec" {
  description = "commands timed as whole processes"

  arm "sleep_0.01" {
    baseline = true

    exec {
      command = ["sleep", "0.01"]
      measure = "wall"
    }
  }

  arm "sleep_0.02" {
    exec {
      command = ["sleep", "0.02"]
      measure = "wall"
    }
  }

  arm "sleep_0.03" {
    exec {
      command = ["sleep", "0.03"]
      measure = "wall"
    }
  }
}
