# want: Duplicate matrix axis
workload "w" {
  matrix {
    precision = ["fp32", "fp16"]
  }

  arm "a" {
    matrix {
      precision = ["int8"]
    }
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
