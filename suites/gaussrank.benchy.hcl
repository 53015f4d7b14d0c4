# gaussrank: the RAPIDS blog's experiment, "Gauss Rank Transformation Is 100x
# Faster with RAPIDS and CuPy", inside benchy.
#
# One iteration is the GaussRank transform followed by its inverse, as the
# blog timed it, on seeded synthetic data that every arm generates
# identically (SplitMix64). The baseline is the blog's CPU path
# (Pandas + NumPy + SciPy); "go" and "go-float32" are benchy's own runner;
# "cupy" is the blog's GPU path and is skipped, with its reason, on a machine
# without a GPU. The numpy and cupy arms are gaussrank {} blocks too: their
# Python worker is embedded in benchy, so the suite runs from any directory.
#
#   benchy run gaussrank                          # 1e4 ... 1e7 rows
#   benchy run gaussrank --var max_rows=100000000 # add 1e8 rows
#   benchy run gaussrank --var max_rows=100000    # a quick look (CI)

benchy {
  required_version = ">= 0.1"
}

variable "max_rows" {
  type        = number
  default     = 10000000
  description = "Largest input size; sizes run from 1e4 by factors of 10 up to this (1e8 is opt-in)."

  validation {
    condition     = var.max_rows >= 10000 && var.max_rows <= 100000000
    error_message = "The max_rows value must lie between 10000 and 100000000 (1e4 to 1e8)."
  }
}

variable "python" {
  type        = string
  default     = "/usr/bin/python3"
  description = "Python interpreter for the NumPy and CuPy reference arms."
}

variable "distribution" {
  type        = string
  default     = "uniform"
  description = "Input distribution: uniform, normal, lognormal or champs-like."
}

locals {
  sizes = [for r in [10000, 100000, 1000000, 10000000, 100000000] : r if r <= var.max_rows]
}

run {
  warmup               = 1
  min_blocks           = 5
  max_blocks           = 20
  target_ci_half_width = 0.05
  confidence           = 0.95
  min_block_time       = "500ms" # iterations per arm are calibrated to at least this
  order                = "interleaved-random"
}

workload "gaussrank" {
  description = "GaussRank transform + inverse of ${matrix.rows} ${var.distribution} rows"
  better      = "lower"

  matrix {
    rows = local.sizes
  }

  # The blog's claims, shown in reports beside what this machine measured.
  # It timed transform + inverse together on one V100; its CHAMPS data is
  # not used here.
  published {
    source = "Jiwei Liu, Gauss Rank Transformation Is 100x Faster with RAPIDS and CuPy (NVIDIA/RAPIDS blog, 2019), one V100"
    claim  = "cuDF+CuPy is 25x faster than Pandas+NumPy on the CHAMPS data and more than 100x faster at 10M+ rows"
    url    = "https://developer.nvidia.com/blog/gauss-rank-transformation-is-100x-faster-with-rapids-and-cupy/"
    arms   = matrix.rows >= 10000000 ? { cupy = ">100x faster than numpy" } : {}
  }

  # The blog's CPU path: Pandas rank, NumPy scaling, SciPy erfinv, np.interp,
  # run by the Python worker that benchy carries inside its binary.
  arm "numpy" {
    baseline = true
    timeout  = "30m"

    gaussrank {
      implementation = "numpy"
      python         = var.python
      rows           = matrix.rows
      dtype          = "float64"
      distribution   = var.distribution
    }
  }

  arm "go" {
    timeout = "10m"

    gaussrank {
      rows         = matrix.rows
      dtype        = "float64"
      distribution = var.distribution
    }
  }

  arm "go-float32" {
    timeout = "10m"

    gaussrank {
      rows         = matrix.rows
      dtype        = "float32"
      distribution = var.distribution
    }
  }

  # The blog's GPU path: CuPy (cuDF when installed); the device is
  # synchronised before every timer read.
  arm "cupy" {
    timeout = "10m"

    requires {
      gpu = true
    }

    gaussrank {
      implementation = "cupy"
      python         = var.python
      rows           = matrix.rows
      dtype          = "float64"
      distribution   = var.distribution
    }
  }
}
