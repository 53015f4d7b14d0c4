# want: Workload without arms
workload "empty" {
  description = "nothing to compare"
}
