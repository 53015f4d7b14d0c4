# want: Empty script
# want: Invalid function
# want: Invalid sync
# want: Invalid timer
# want: Invalid config
# want: Invalid interpreter
# want: Missing required argument
workload "w" {
  arm "a" {
    baseline = true
    python {
      script   = ""
      function = "2fast"
      sync     = "torch_cuda"
      timer    = "cuda-events"
    }
  }

  arm "b" {
    python {
      script      = "bench.py"
      function    = "conv"
      config      = ["batch", 8]
      interpreter = " "
    }
  }

  arm "c" {
    python {
      script = "bench.py"
    }
  }
}
