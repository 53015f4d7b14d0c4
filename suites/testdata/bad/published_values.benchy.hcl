# want: Empty published source
# want: Invalid published url
# want: Empty published figure
# want: Incorrect attribute value type
# want: Published block without a claim
workload "w" {
  published {
    source = "  "
    claim  = "32x faster"
    url    = "javascript:alert(1)"
    arms   = { a = "" }
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}

workload "v" {
  published {
    source = "Peplinski et al. (2021)"
    claim  = ["a", "list"]
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}

workload "u" {
  published {
    source = "Peplinski et al. (2021)"
    url    = "https://arxiv.org/abs/2011.04609"
  }

  arm "a" {
    baseline = true
    exec {
      command = ["true"]
    }
  }
}
