# Two Go functions served by one program through benchy's Go SDK
# (package worker): sort.Ints against slices.Sort on the same seeded input.
#
#   go build -o sortbench ./examples/gosdk
#   benchy run examples/gosdk/sort.benchy.hcl --var worker=$PWD/sortbench

variable "worker" {
  description = "path to the built sortbench program"
  default     = "./sortbench"
}

variable "n" {
  description = "how many ints each iteration sorts"
  default     = 10000
}

run {
  warmup     = 1
  min_blocks = 10
  max_blocks = 20
}

workload "sort-ints" {
  description = "sort n seeded random ints (a fresh copy each iteration)"

  arm "sort.Ints" {
    baseline = true
    exec {
      command = [var.worker, "sort", "n=${var.n}"]
      measure = "protocol"
    }
  }

  arm "slices.Sort" {
    exec {
      command = [var.worker, "slices", "n=${var.n}"]
      measure = "protocol"
    }
  }
}
