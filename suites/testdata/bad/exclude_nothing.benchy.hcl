# want-warning: Exclude matches nothing
workload "w" {
  matrix {
    resolution = ["224x320", "288x384"]
  }

  arm "onnx" {
    matrix {
      precision = ["fp32", "int8"]
      exclude = [
        { resolution = "288x384", precision = "int8" },
        { resolution = "448x448", precision = "int8" },
      ]
    }
    baseline = matrix.precision == "fp32"
    exec {
      command = ["true", matrix.resolution, matrix.precision]
    }
  }
}
