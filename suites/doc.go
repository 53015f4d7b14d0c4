// Package suites turns benchy suite files (HCL, *.benchy.hcl, or their JSON
// form, *.benchy.json) into an immutable, fully evaluated Plan.
//
// Loading follows the phased pipeline of the HashiCorp tools: parse, check
// the top-level structure, resolve input variables (default <
// BENCHY_VAR_<name> < *.auto.benchyvars.hcl < --var-file < --var), evaluate
// locals in dependency order, then expand each workload's and arm's matrix
// and decode every arm's runner block through the runners registry. Every
// problem found is returned as an hcl.Diagnostic with a source range, and as
// many problems as possible are found in one pass.
//
// Built-in suites are embedded from suites/*.benchy.hcl and addressed by
// name (see Builtins).
package suites
