# bodyposenet: NVIDIA TAO BodyPoseNet latency across input resolutions and
# precisions, with OpenPose beside it at 288x384 (the TAO posts' "about 9x
# faster than OpenPose").
#
# The models are architecture replicas that benchy builds itself (same
# layers, shapes and parameter counts as the real networks, seeded random
# weights): latency depends on the architecture, not on the weight values.
# FP16 and INT8 models are converted from the FP32 replica.
#
#   benchy run bodyposenet                    # ONNX Runtime on the CPU
#   benchy run bodyposenet --var provider=cuda
#   benchy run bodyposenet --var provider=tensorrt

benchy {
  required_version = ">= 0.1"
}

variable "provider" {
  type        = string
  default     = "cpu"
  description = "ONNX Runtime execution provider: cpu, cuda or tensorrt."

  validation {
    condition     = contains(["cpu", "cuda", "tensorrt"], var.provider)
    error_message = "The provider must be cpu, cuda or tensorrt."
  }
}

variable "threads" {
  type        = number
  default     = 0
  description = "ONNX Runtime intra-op threads; 0 lets it choose."
}

locals {
  # The TAO bpnet notebook's "approximate runtimes ... for the default
  # architecture and spec used in the notebook ... for the CNN" (section
  # 9.1), per input: FP16 and INT8 on a GeForce RTX 2080 and a Jetson AGX.
  # The notebook's flow prunes before export; these replicas are unpruned.
  tao_runtimes = {
    "224x320" = { fp16 = "2.27 ms (RTX 2080), 10.1 ms (Jetson AGX)", int8 = "1.33 ms (RTX 2080), 5.07 ms (Jetson AGX)" }
    "288x384" = { fp16 = "2.58 ms (RTX 2080), 12.8 ms (Jetson AGX)", int8 = "1.56 ms (RTX 2080), 6.38 ms (Jetson AGX)" }
    "320x448" = { fp16 = "3.13 ms (RTX 2080), 18.8 ms (Jetson AGX)", int8 = "1.80 ms (RTX 2080), 8.90 ms (Jetson AGX)" }
  }
}

run {
  warmup               = 1
  min_blocks           = 5
  max_blocks           = 20
  target_ci_half_width = 0.03
  confidence           = 0.95
  min_block_time       = "500ms"
  warmup_iterations    = 3 # re-warm caches after every arm switch
  order                = "interleaved-random"
}

workload "bodyposenet" {
  description = "BodyPoseNet (replica) latency per frame at ${matrix.resolution}, ${var.provider} provider"
  better      = "lower"

  matrix {
    resolution = ["224x320", "288x384", "320x448"] # height x width
  }

  requires {
    gpu = var.provider != "cpu"
  }

  # What NVIDIA published, shown in reports beside this machine's medians
  # and the replica model sizes the onnx runner records.
  published {
    source = "NVIDIA TAO Toolkit BodyPoseNet posts (parts 1 and 2) and bpnet notebook; its runtimes may be of a pruned model, the replica is unpruned"
    claim  = matrix.resolution == "288x384" ? "BodyPoseNet is about 9x faster than OpenPose" : null # OpenPose runs at 288x384 only
    arms = {
      "onnx/precision=fp16" = local.tao_runtimes[matrix.resolution].fp16
      "onnx/precision=int8" = local.tao_runtimes[matrix.resolution].int8
    }
  }

  # One arm instance per precision: onnx/precision=fp32 (the baseline),
  # onnx/precision=fp16, onnx/precision=int8.
  arm "onnx" {
    matrix {
      precision = ["fp32", "fp16", "int8"]
    }
    baseline = matrix.precision == "fp32"
    timeout  = "15m" # includes building the replica and, on TensorRT, its engine

    onnx {
      model     = "replica:bodyposenet"
      input     = matrix.resolution
      precision = matrix.precision
      provider  = var.provider
      threads   = var.threads
    }
  }

  # CMU OpenPose (COCO, 6 stages) at the same input, only at 288x384.
  arm "openpose" {
    matrix {
      precision = ["fp32"]
      exclude   = [{ resolution = "224x320" }, { resolution = "320x448" }]
    }
    timeout = "15m"

    onnx {
      model     = "replica:openpose"
      input     = matrix.resolution
      precision = matrix.precision
      provider  = var.provider
      threads   = var.threads
    }
  }
}
