# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

workload "exec" {
  description = "commands timed as whole processes"

  arm "sleep" {
    matrix {
      delay = ["0.3", "0.5", "0.7"]
    }
    baseline = matrix.delay == "0.3"

    exec {
      command = ["sleep", "${matrix.delay}"]
      measure = "wall"
    }
  }
}
