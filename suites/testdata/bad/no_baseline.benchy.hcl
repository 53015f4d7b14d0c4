# want: Workload needs exactly one baseline arm
workload "speech_embedding" {
  arm "trill" {
    exec {
      command = ["true"]
    }
  }

  arm "frill" {
    exec {
      command = ["true"]
    }
  }
}
