# want: Reference to undeclared matrix axis
workload "w" {
  arm "a" {
    matrix {
      precision = ["fp32", "fp16"]
    }
    baseline = matrix.precison == "fp32"
    exec {
      command = ["true", matrix.precision]
    }
  }
}
