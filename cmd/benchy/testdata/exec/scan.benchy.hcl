# Written by benchy exec. Relative paths in the commands resolve against
# this file's directory; run it with: benchy run FILE --seed S

workload "exec" {
  description = "commands timed as whole processes"

  arm "xz" {
    matrix {
      threads = ["1", "2", "3"]
    }
    baseline = matrix.threads == "1"

    exec {
      command = ["xz", "-T${matrix.threads}", "-kf", "big.tar"]
      measure = "wall"
    }
  }

  arm "gzip_-kf_big.tar" {
    exec {
      command = ["gzip", "-kf", "big.tar"]
      measure = "wall"
    }
  }
}
