# speech-embedding: FRILL vs TRILL, after Google's "FRILL: On-Device Speech
# Representations". The paper reports 8.5 ms for FRILL and 275.3 ms for
# TRILL on a Pixel 1 (32x), and models of 38.5 MB and 98.1 MB.
#
# Both models are architecture replicas built by benchy (TRILL: ResNet-50
# v1.5 on one channel; FRILL: MobileNetV3-Small x2.0 with a 2048-d
# bottleneck), fed one 0.96 s log-mel patch (96 frames x 64 bins), batch 1.
#
#   benchy run speech-embedding
#   benchy run speech-embedding --var provider=cuda

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

run {
  warmup               = 1
  min_blocks           = 5
  max_blocks           = 30
  target_ci_half_width = 0.03
  confidence           = 0.95
  min_block_time       = "250ms"
  warmup_iterations    = 3
  order                = "interleaved-random"
}

workload "speech-embedding" {
  description = "Embedding latency for one 0.96 s 96x64 log-mel patch, batch 1, ${var.provider} provider"
  better      = "lower"

  # What the paper measured, shown in reports beside this machine's medians
  # and the replica model sizes the onnx runner records.
  published {
    source = "Peplinski et al., FRILL: A Non-Semantic Speech Embedding for Mobile Devices (2021), Pixel 1, TFLite"
    claim  = "FRILL is 32x faster than TRILL (8.5 ms vs 275.3 ms) and 40% of its size (38.5 MB vs 98.1 MB)"
    arms   = { trill = "275.3 ms, 98.1 MB", frill = "8.5 ms, 38.5 MB" }
  }

  requires {
    gpu = var.provider != "cpu"
  }

  arm "trill" {
    baseline = true
    timeout  = "10m"

    onnx {
      model    = "replica:trill"
      provider = var.provider
      threads  = var.threads
      batch    = 1
    }
  }

  arm "frill" {
    timeout = "10m"

    onnx {
      model    = "replica:frill"
      provider = var.provider
      threads  = var.threads
      batch    = 1
    }
  }
}
