# want: Incorrect attribute value type
workload "w" {
  arm "a" {
    baseline = true
    exec {
      command = "python3 examples/frill/embed.py --model=trill"
    }
  }
}
