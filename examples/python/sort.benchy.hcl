# np.sort vs np.argsort(kind="stable") vs sorted() on 1e5 floats, each a
# python {} arm: benchy's Python SDK imports sort.py once per arm and times
# one call per iteration, in randomized interleaved blocks.
#
#   benchy run examples/python/sort.benchy.hcl --var python=/usr/bin/python3
#
# The interpreter needs NumPy (Debian: python3-numpy); one that lacks it
# skips every arm with the reason.

variable "python" {
  type    = string
  default = "python3"
}

variable "n" {
  type    = number
  default = 100000
}

run {
  min_blocks = 5
  max_blocks = 10
}

workload "sort" {
  description = "sort ${var.n} float64"

  arm "np_sort" {
    baseline = true
    python {
      script      = "sort.py"
      function    = "np_sort"
      interpreter = var.python
      config      = { n = var.n }
    }
  }

  arm "np_argsort_stable" {
    python {
      script      = "sort.py"
      function    = "np_argsort_stable"
      interpreter = var.python
      config      = { n = var.n }
    }
  }

  arm "sorted" {
    python {
      script      = "sort.py"
      function    = "builtin_sorted"
      interpreter = var.python
      config      = { n = var.n }
    }
  }
}
