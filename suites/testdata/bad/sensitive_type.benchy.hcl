# want: Invalid value for variable
# var: pin=hunter2
# secret: hunter2
# env: BENCHY_VAR_tokens=["hunter2
# var-file: sensitive_type.vars.hcl
# Values of the wrong type: the error names the variable and its source but
# neither quotes the value nor shows the variable file's line that holds it.
variable "pin" {
  type      = number
  sensitive = true
}

variable "tokens" {
  type      = list(string)
  sensitive = true
}

variable "key" {
  type      = string
  sensitive = true
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
