# want: Invalid operand
# want: Invalid function argument
# want: Invalid duration
# env: BENCHY_VAR_pw=hunter2
# secret: hunter2
# A sensitive value from the environment, and the locals and matrix axes
# computed from it, show as (sensitive value) in every diagnostic.
variable "pw" {
  type      = string
  sensitive = true
}

locals {
  url   = "https://bench:${var.pw}@db.example.com"
  shout = upper(var.pw)
  n     = tonumber(var.pw)
}

workload "w" {
  matrix {
    secret = [var.pw]
    loud   = [local.shout]
  }
  arm "a" {
    baseline = true
    timeout  = var.pw
    exec {
      command = ["true", var.pw + 1, local.url * 2, matrix.secret * 3, matrix.loud * 4]
    }
  }
}
