// Package site builds benchy's static history site from stored runs: an
// index of every run (newest first, with plain-link filters per suite and
// per machine), one page per workload instance and arm with its time per
// iteration over commits and, where the run compared the arm with a
// baseline, the per-run relative difference with its confidence interval,
// change points detected over each machine's series, and a page per run
// (its full report for the newest runs and those at a change point, a
// summary for the others) beside its gzipped results document.
// docs/site.md describes the pages, the size bounds and the change
// detection.
//
// The site is plain HTML with inline SVG drawn with package reports/chart,
// whose style sheet it shares with the run report: no
// scripts, no network, a Content-Security-Policy that forbids both, and
// every string from a results document escaped. It is rebuilt from the inputs every time.
package site
