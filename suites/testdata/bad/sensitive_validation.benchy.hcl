# want: Invalid value for variable
# want: Invalid operand
# var: pw=hunter2
# secret: hunter2
# var: pin=hunter2
# A sensitive value never appears in a diagnostic: not in the error message
# of a validation rule, nor where hcl prints the values an expression used.
variable "pw" {
  type      = string
  sensitive = true

  validation {
    condition     = strlen(var.pw) >= 12
    error_message = "The password ${var.pw} is too short."
  }
  validation {
    condition     = upper(var.pw) != "HUNTER2"
    error_message = "The password ${upper(var.pw)} is too common."
  }
}

variable "pin" {
  type      = string
  sensitive = true

  validation {
    condition     = var.pin + 1 > 0
    error_message = "The PIN must be a number."
  }
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = ["login", "--password=${var.pw}"]
    }
  }
}
