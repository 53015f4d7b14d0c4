# want: Sensitive value in an instance name
# Two matrix values of a sensitive variable would record both instances as w/t=(sensitive).
variable "toks" {
  type      = list(string)
  sensitive = true
  default   = ["alphasecret", "betasecret"]
}
run {
  min_blocks = 2
  max_blocks = 2
  iterations = 1
}
workload "w" {
  matrix { t = var.toks }
  arm "a" {
    baseline = true
    exec {
      command = ["sleep","0.01"]
      measure = "wall"
    }
  }
  arm "b" {
    exec {
      command = ["sleep","0.02"]
      measure = "wall"
    }
  }
}

# The same within one workload instance: two arm instances.
workload "v" {
  arm "a" {
    baseline = true
    exec {
      command = ["sleep", "0.01"]
    }
  }
  arm "b" {
    matrix {
      t = var.toks
    }
    exec {
      command = ["sleep", "0.02"]
    }
  }
}
