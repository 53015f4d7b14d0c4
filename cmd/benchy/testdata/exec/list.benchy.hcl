# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

workload "exec" {
  description = "commands timed as whole processes"

  arm "compiler_main.c" {
    matrix {
      compiler = ["gcc", "clang"]
      opt      = ["O1", "O2"]
    }
    baseline = matrix.compiler == "gcc" && matrix.opt == "O1"

    exec {
      command = ["${matrix.compiler}", "-${matrix.opt}", "main.c"]
      measure = "wall"
    }
  }

  arm "tcc_main.c" {
    exec {
      command = ["tcc", "main.c"]
      measure = "wall"
    }
  }
}
