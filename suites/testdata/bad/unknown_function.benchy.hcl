# want: Call to unknown function
locals {
  python = ["python3", "-u"]
}

workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = concatt(local.python, ["examples/frill/embed.py", "--model=frill"])
    }
  }
}
