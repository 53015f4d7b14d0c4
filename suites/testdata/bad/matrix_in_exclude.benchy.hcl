# want: Matrix value not available here
# want: Reference to undeclared matrix axis
workload "w" {
  matrix {
    a = [1, 2]
    exclude = [{ a = matrix.a }]
  }
  arm "x" {
    matrix {
      b = [1, 2]
      exclude = [{ b = matrix.b }]
    }
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
