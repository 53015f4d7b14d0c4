# want: Invalid matrix value
# want: Invalid workload name
workload "image size" {
  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}

workload "w" {
  matrix {
    model = ["resnet/50", "vit b", "bert-2"]
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true", matrix.model]
    }
  }
}
