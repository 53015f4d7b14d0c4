// Package fleet merges results documents from several machines into one
// cross-host view: the same suite run on an A100, an H100 and a Jetson,
// read as one table with one row per host per workload instance.
//
// Workload instances and arms are matched by name, and the host is a
// stratum. Several documents from the same host are one stratum: their
// blocks are concatenated. For each host the relative difference of every
// arm from its baseline is estimated exactly as a single run would be
// (delete-one-block jackknife). Where the same comparison ran on every host
// it is also pooled over the hosts:
//
//   - continuous metrics: the logratio estimate over every host's paired
//     blocks, with the delete-a-group jackknife by host (one jackknife unit
//     per host, df = hosts − 1), so the interval reflects host-to-host
//     variation and not only block-to-block noise;
//   - pass/fail metrics (metric "pass", "success", "pass/fail" or "bool",
//     each timed iteration recording 1 or 0): the Mantel-Haenszel risk
//     ratio with the host as stratum, with the same delete-a-group
//     jackknife by host.
//
// Merging refuses results that are not comparable. Documents from different
// suites (suite sha256) or with different variable values are not merged at
// all; hosts with different devices (GPU models, or CPU models on GPU-less
// hosts) or platforms are shown side by side but not pooled. Options.Force
// overrides both, and the document records that it did.
//
// The package imports only results and stats.
package fleet
