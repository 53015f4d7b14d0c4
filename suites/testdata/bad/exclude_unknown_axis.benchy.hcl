# want: Unknown axis in exclude
workload "w" {
  matrix {
    resolution = ["224x320", "288x384"]
  }

  arm "onnx" {
    matrix {
      precision = ["fp32", "int8"]
      exclude   = [{ resolutions = "288x384", precision = "int8" }]
    }
    baseline = matrix.precision == "fp32"
    exec {
      command = ["true", matrix.resolution, matrix.precision]
    }
  }
}
