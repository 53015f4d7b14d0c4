# want: Unsupported argument
# want: Missing required argument
# want: Duplicate published block
workload "w" {
  published {
    clam = "FRILL is 32x faster than TRILL"
  }

  published {
    source = "a second citation"
    claim  = "is not allowed"
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
