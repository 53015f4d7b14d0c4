# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

workload "exec" {
  description = "commands timed as whole processes"

  arm "sort_-n_my_file.txt" {
    baseline = true

    exec {
      command = ["sort", "-n", "my file.txt"]
      measure = "wall"
    }
  }

  arm "grep_-c_a_b_it_s.txt" {
    exec {
      command = ["grep", "-c", "a b", "it's.txt"]
      measure = "wall"
    }
  }

  arm "tool_--x_1" {
    exec {
      command = ["./bin/tool", "--x=1"]
      measure = "wall"
    }
  }
}
