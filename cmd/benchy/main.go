// Command benchy is a declarative benchmark and reproducibility harness.
//
// Users declare suites in HCL (workloads, arms with one baseline, variables
// and matrix expansion); benchy runs every arm in randomized interleaved
// blocks and reports each arm's relative difference from the baseline with a
// jackknife confidence interval. See README.md for the commands.
package main

import "os"

func main() { os.Exit(run(os.Args[1:], os.Stdout, os.Stderr)) }
