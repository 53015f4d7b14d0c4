# PP-OCRv4 text detection (PaddleOCR's ch_PP-OCRv4_det_infer.onnx, a
# third-party model: 672 nodes, 4.7 MB) on the CPU, measured two ways in one
# interleaved run:
#
#   benchy            benchy's own onnx runner (Go, onnxruntime_go)
#   onnxruntime-node  ONNX Runtime's Node.js binding, through a small worker
#                     (ort-node-worker.js) that speaks benchy's protocol
#
# Both load the same libonnxruntime.so.1 (1.24.1) with the same session
# options, shapes and thread count, so the relative difference is benchy's
# measurement error and should sit inside ±2%.
#
#   scripts/install-onnxruntime.sh --node && examples/onnx/fetch-model.sh
#   benchy run examples/onnx/ppocr-det.benchy.hcl   # results in benchy-out/latest/ppocr-det/
#   benchy run examples/onnx/ppocr-det.benchy.hcl --var resolution=640x640 --var threads=2

variable "model" {
  type        = string
  default     = "../../.cache/models/ch_PP-OCRv4_det_infer.onnx"
  description = "The model file, relative to this suite (examples/onnx/fetch-model.sh puts it there)."
}

variable "resolution" {
  type        = string
  default     = "320x320"
  description = "Input height x width; the detector takes any multiple of 32."
}

variable "malloc_env" {
  type        = map(string)
  description = <<-EOT
    Environment for both arms. onnxruntime-node copies every output into a
    fresh ArrayBuffer on every run; with glibc's default mmap threshold each
    copy lands on newly mapped pages, so page faults, not ONNX Runtime, make
    the Node arm slower on small machines. These tunables keep large blocks in
    the heap for both arms; set malloc_env = {} to measure the defaults.
  EOT
  default = {
    MALLOC_MMAP_THRESHOLD_ = "1073741824"
    MALLOC_TRIM_THRESHOLD_ = "1073741824"
  }
}

variable "threads" {
  type        = number
  default     = 1
  description = "ONNX Runtime intra-op threads for both arms."
}

run {
  warmup               = 1
  min_blocks           = 12
  max_blocks           = 40
  target_ci_half_width = 0.01
  confidence           = 0.95
  min_block_time       = "600ms"
  warmup_iterations    = 2 # re-warm caches after every arm switch
  order                = "interleaved-random"
}

workload "ppocr-det" {
  description = "PP-OCRv4 text detector at ${var.resolution}, CPU, ${var.threads} intra-op thread(s)"
  metric      = "ms"
  better      = "lower"

  arm "benchy" {
    baseline = true
    env      = var.malloc_env
    onnx {
      model    = var.model
      input    = var.resolution
      provider = "cpu"
      threads  = var.threads
    }
  }

  arm "onnxruntime-node" {
    env = var.malloc_env
    exec {
      command = ["node", "ort-node-worker.js", "--model", var.model, "--input", var.resolution, "--threads", var.threads]
      measure = "protocol"
    }
  }
}
