# want: Unsupported argument
# want: Missing runner block
workload "w" {
  arm "a" {
    baseline = true
    command  = ["python3", "bench.py"]
  }
}
