# want: Invalid min_gpu_memory
# want: Invalid compute_capability
workload "w" {
  requires {
    min_gpu_memory = "8 gigs"
  }

  arm "a" {
    baseline = true
    requires {
      compute_capability = "at least 7.5"
    }
    exec {
      command = ["true"]
    }
  }
}
