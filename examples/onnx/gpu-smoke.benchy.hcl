# GPU smoke test for the onnx runner: one model on the CPU, CUDA and TensorRT
# providers. On a machine without an NVIDIA GPU the GPU arms are skipped by
# their requirement; on a GPU machine whose ONNX Runtime lacks a provider
# (the npm build is CPU-only) they are skipped with the runner's reason; where
# the providers load, they run and their nodes are checked to have run on
# the GPU. Run it with examples/onnx/gpu-smoke.sh, which checks those outcomes.
#
# The model is a replica benchy builds itself, so the smoke test needs no
# download.

variable "model" {
  type    = string
  default = "replica:frill"
}

variable "resolution" {
  type        = string
  default     = ""
  description = "HxW for image models (e.g. 224x320 with replica:bodyposenet); empty for FRILL's audio input."
}

run {
  warmup            = 1
  min_blocks        = 3
  max_blocks        = 3
  iterations        = 5
  warmup_iterations = 2
}

workload "smoke" {
  description = "${var.model} ${var.resolution} on every provider"
  metric      = "ms"
  better      = "lower"

  arm "cpu" {
    baseline = true
    onnx {
      model    = var.model
      input    = var.resolution
      provider = "cpu"
    }
  }

  arm "cuda" {
    requires {
      gpu = true
    }
    onnx {
      model    = var.model
      input    = var.resolution
      provider = "cuda"
    }
  }

  arm "tensorrt" {
    requires {
      gpu = true
    }
    onnx {
      model     = var.model
      input     = var.resolution
      provider  = "tensorrt"
      precision = "fp16"
    }
  }
}
