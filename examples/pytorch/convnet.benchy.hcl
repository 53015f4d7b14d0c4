# One small conv net (3 convolutions, 8 × 3 × 32 × 32 input) in three arms of
# one interleaved run: PyTorch eager, the same net traced with
# torch.jit.trace, and the same net exported with torch.onnx.export (the
# workload's setup) and run by benchy's own onnx {} runner.
#
#   benchy run examples/pytorch/convnet.benchy.hcl --var python=/usr/bin/python3
#
# Needs PyTorch in the interpreter (Debian: python3-torch) and ONNX Runtime
# (scripts/install-onnxruntime.sh). Without PyTorch the eager and traced arms
# are skipped with the reason, and the onnx arm fails for want of a model.
# On a GPU host: --var sync=torch-cuda runs the net on the GPU, synchronized
# before every clock read, and the ONNX arm on the CUDA provider.

variable "python" {
  type    = string
  default = "python3"
}

variable "sync" {
  type    = string
  default = "none"

  validation {
    condition     = contains(["none", "torch-cuda"], var.sync)
    error_message = "The sync must be none (CPU) or torch-cuda (GPU)."
  }
}

variable "threads" {
  type    = number
  default = 1
}

variable "batch" {
  type    = number
  default = 8
}

locals {
  net = {
    batch        = var.batch
    size         = 32
    threads      = var.threads
    weights_seed = 0
    device       = var.sync == "torch-cuda" ? "cuda" : "cpu"
  }
}

run {
  min_blocks = 5
  max_blocks = 15
}

workload "convnet" {
  description = "conv net, batch ${var.batch}, ${local.net.device}"
  setup       = [var.python, "convnet.py", "export", "convnet.onnx", "--batch", "${var.batch}"]

  arm "eager" {
    baseline = true
    python {
      script      = "convnet.py"
      function    = "eager"
      interpreter = var.python
      sync        = var.sync
      config      = local.net
    }
  }

  arm "traced" {
    python {
      script      = "convnet.py"
      function    = "traced"
      interpreter = var.python
      sync        = var.sync
      config      = local.net
    }
  }

  arm "onnxruntime" {
    onnx {
      model    = "convnet.onnx"
      threads  = var.threads
      provider = var.sync == "torch-cuda" ? "cuda" : "cpu"
    }
  }
}
