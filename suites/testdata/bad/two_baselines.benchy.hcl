# want: Workload needs exactly one baseline arm
workload "bodyposenet" {
  matrix {
    resolution = ["224x320", "288x384"]
  }

  arm "onnx" {
    matrix {
      precision = ["fp32", "fp16", "int8"]
    }
    baseline = matrix.precision != "int8"
    exec {
      command = ["true", matrix.resolution, matrix.precision]
    }
  }
}
