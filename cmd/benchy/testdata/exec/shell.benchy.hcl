# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

workload "exec" {
  description = "commands timed as whole processes, each through bash --norc -c"
  setup       = ["bash", "--norc", "-c", "make"]

  arm "echo_HOME_wc_-c" {
    baseline = true

    exec {
      command = ["bash", "--norc", "-c", "echo $${HOME} | wc -c"]
      measure = "wall"
    }
  }

  arm "true" {
    exec {
      command = ["bash", "--norc", "-c", "true"]
      measure = "wall"
    }
  }
}
