# want: Unknown arm in published
workload "w" {
  matrix {
    size = ["small", "large"]
  }

  published {
    source = "Someone et al. (2024), ${matrix.size} input"
    arms = {
      "onnx/precision=fp64" = "2.58 ms"
      onnx                  = "3.13 ms"
      "openpose/precision=fp32" = "9x slower"
    }
  }

  arm "onnx" {
    matrix {
      precision = ["fp32", "fp16"]
    }
    baseline = matrix.precision == "fp32"
    exec {
      command = ["true"]
    }
  }

  arm "openpose" {
    matrix {
      precision = ["fp32"]
      exclude   = [{ size = "small" }]
    }
    exec {
      command = ["true"]
    }
  }
}
