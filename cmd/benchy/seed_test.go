package main

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/benchy-dev/benchy/results"
)

// seededWorkloadSuite has two identical workloads of three arms; only
// "own" gives a seed in its run block.
const seededWorkloadSuite = `
run {
  warmup     = 0
  min_blocks = 6
  max_blocks = 6
  iterations = 1
  warmup_iterations = 0
}

workload "own" {
  run {
    seed = 7
  }
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
  arm "b" {
    exec { command = ["true"] }
  }
  arm "c" {
    exec { command = ["true"] }
  }
}

workload "inherits" {
  arm "a" {
    baseline = true
    exec { command = ["true"] }
  }
  arm "b" {
    exec { command = ["true"] }
  }
  arm "c" {
    exec { command = ["true"] }
  }
}
`

// seededRun is what one run recorded of a workload: the seed its run
// settings name and its block orders.
type seededRun struct {
	seed   int64
	orders []string
}

func runSeeded(t *testing.T, suite string, flags ...string) (doc *results.Document, byName map[string]seededRun) {
	t.Helper()
	out := t.TempDir()
	code, _, errs := benchyIn(t, t.TempDir(), nil, append([]string{"run", suite, "--out", out}, flags...)...)
	if code != exitOK {
		t.Fatalf("benchy run exit %d\n%s", code, errs)
	}
	doc, err := results.ReadFile(filepath.Join(out, "s", "results.json"))
	if err != nil {
		t.Fatal(err)
	}
	byName = map[string]seededRun{}
	for _, w := range doc.Workloads {
		r := seededRun{seed: w.Run.Seed}
		for _, b := range w.Blocks {
			r.orders = append(r.orders, strings.Join(b.Order, ","))
		}
		byName[w.Name] = r
	}
	return doc, byName
}

// A workload's own run { seed } seeds its schedule: two runs of the same
// suite, each with a seed drawn for the run, give that workload the same
// block orders and record its seed; the workload without one runs with the
// run's seed. --seed replaces every seed, the workload's too.
func TestWorkloadSeedSeedsItsSchedule(t *testing.T) {
	needBinary(t)
	suite := writeSuite(t, seededWorkloadSuite)
	doc1, run1 := runSeeded(t, suite)
	doc2, run2 := runSeeded(t, suite)
	if doc1.Seed == doc2.Seed {
		t.Fatalf("both runs drew seed %d; the test needs two different run seeds", doc1.Seed)
	}
	for i, r := range []map[string]seededRun{run1, run2} {
		doc := []*results.Document{doc1, doc2}[i]
		if r["own"].seed != 7 {
			t.Errorf("run %d: workload own recorded seed %d, want its own 7", i+1, r["own"].seed)
		}
		if r["inherits"].seed != doc.Seed {
			t.Errorf("run %d: workload inherits recorded seed %d, want the run's %d", i+1, r["inherits"].seed, doc.Seed)
		}
		if len(r["own"].orders) != 6 {
			t.Fatalf("run %d: workload own ran %d blocks, want 6", i+1, len(r["own"].orders))
		}
	}
	if !slices.Equal(run1["own"].orders, run2["own"].orders) {
		t.Errorf("workload own, seed 7, ran different block orders in two runs:\n%v\n%v", run1["own"].orders, run2["own"].orders)
	}
	distinct := map[string]bool{}
	for _, o := range run1["own"].orders {
		distinct[o] = true
	}
	if len(distinct) < 2 {
		t.Errorf("workload own ran the same order in every block: %v", run1["own"].orders)
	}

	_, over := runSeeded(t, suite, "--seed", "9")
	if over["own"].seed != 9 || over["inherits"].seed != 9 {
		t.Errorf("--seed 9 recorded seeds %d and %d, want 9 for both workloads", over["own"].seed, over["inherits"].seed)
	}
	if slices.Equal(over["own"].orders, run1["own"].orders) {
		t.Errorf("--seed 9 left workload own's seed-7 orders in place: %v", over["own"].orders)
	}
}
