package site

import (
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/benchy-dev/benchy/results"
)

// The histories the tests build are generated from one real run:
// testdata/quickstart.json is `benchy run quickstart` on this project's
// build machine (a copy of cmd/benchy/testdata/merge/host-1.json). Each
// generated run resamples that run's measured blocks with replacement (so
// every run has the real run's noise) and scales it by a run-level factor
// drawn from a log-normal distribution with a 2% spread (runs on one
// machine differ by more than their blocks do), gets its own start time, commit and
// seed, and stands for a base-versus-head run (var.base and var.head name
// builds of the parent commit and the commit, as --arm-from-git records
// them). A step scales every sample of some arms from a given run on, to
// give the change detection something to find.

// step multiplies the samples of the arms of a workload instance from run
// From on by Factor (arm "" means every arm).
type step struct {
	Instance, Arm string
	From          int
	Factor        float64
}

// historySpec describes a generated history.
type historySpec struct {
	Runs, Instances int
	// Hosts alternates the runs over this many machines (host-1, ...).
	Hosts int
	Steps []step
	Seed  uint64
	// First numbers the first run (its commit and time); Host, when set,
	// names the machine of every run instead.
	First int
	Host  string
}

func loadReal(t testing.TB) *results.Document {
	t.Helper()
	doc, err := results.ReadFile(filepath.Join("testdata", "quickstart.json"))
	if err != nil {
		t.Fatal(err)
	}
	return doc
}

// fakeCommit is a stable 40-hex-digit commit name for run i.
func fakeCommit(i int) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("commit %d", i)))
	return hex.EncodeToString(sum[:])
}

// generate makes the history's documents from the real one.
func generate(t testing.TB, real *results.Document, spec historySpec) []*results.Document {
	t.Helper()
	if len(real.Workloads) != 1 {
		t.Fatalf("the real run has %d workloads, want 1", len(real.Workloads))
	}
	src := real.Workloads[0]
	var measured []*results.Block
	var warm *results.Block
	for _, b := range src.Blocks {
		if b.Measured() {
			measured = append(measured, b)
		} else if warm == nil {
			warm = b
		}
	}
	rng := rand.New(rand.NewPCG(spec.Seed, 1))
	start := time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC)
	hosts := max(spec.Hosts, 1)
	docs := make([]*results.Document, 0, spec.Runs)
	for n := range spec.Runs {
		i := spec.First + n
		doc := cloneDoc(t, real)
		doc.Started = start.Add(time.Duration(i) * 3 * time.Hour)
		doc.Finished = doc.Started.Add(20 * time.Second)
		doc.Seed = int64(1000 + i)
		doc.Environment.Host = fmt.Sprintf("host-%d", i%hosts+1)
		if spec.Host != "" {
			doc.Environment.Host = spec.Host
		}
		base, head := shortSHA(fakeCommit(i-1)), shortSHA(fakeCommit(i))
		doc.Variables = append(doc.Variables,
			results.Variable{Name: "base", Value: jsonString("/tmp/benchy-git-1/base-" + base), Source: "--arm-from-git"},
			results.Variable{Name: "head", Value: jsonString("/tmp/benchy-git-1/head-" + head), Source: "--arm-from-git"})
		doc.Workloads = nil
		for k := range spec.Instances {
			runFactor := math.Exp(0.02 * rng.NormFloat64())
			w := cloneWorkload(t, src)
			if spec.Instances > 1 {
				w.Name = fmt.Sprintf("%s/n=%d", src.Name, k)
			}
			w.Blocks = nil
			if warm != nil {
				w.Blocks = append(w.Blocks, cloneBlock(t, warm))
			}
			for j := range len(measured) {
				b := cloneBlock(t, measured[rng.IntN(len(measured))])
				b.Index = len(w.Blocks)
				b.Start = doc.Started.Add(time.Duration(j) * time.Second)
				for _, r := range b.Runs {
					f := runFactor
					for _, s := range spec.Steps {
						if (s.Instance == "" || s.Instance == w.Name) && (s.Arm == "" || s.Arm == r.Arm) && i >= s.From {
							f *= s.Factor
						}
					}
					for n := range r.NS {
						r.NS[n] = int64(float64(r.NS[n]) * f)
					}
				}
				w.Blocks = append(w.Blocks, b)
			}
			doc.Workloads = append(doc.Workloads, w)
		}
		docs = append(docs, doc)
	}
	return docs
}

func shortSHA(s string) string { return s[:12] }

func jsonString(s string) json.RawMessage {
	b, _ := json.Marshal(s)
	return b
}

func clone[T any](t testing.TB, v *T) *T {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out := new(T)
	if err := json.Unmarshal(b, out); err != nil {
		t.Fatal(err)
	}
	return out
}

func cloneDoc(t testing.TB, d *results.Document) *results.Document { return clone(t, d) }
func cloneWorkload(t testing.TB, w *results.Workload) *results.Workload {
	return clone(t, w)
}

// cloneBlock copies a block deeply enough to scale its samples.
func cloneBlock(_ testing.TB, b *results.Block) *results.Block {
	c := *b
	c.Runs = make([]*results.ArmRun, len(b.Runs))
	for i, r := range b.Runs {
		rc := *r
		rc.NS = append([]int64(nil), r.NS...)
		c.Runs[i] = &rc
	}
	return &c
}

// writeHistory writes the documents as bench-gpu.yml stores them:
// DIR/YYYYMMDDTHHMMSSZ-SHA-RUNID/results.json.
func writeHistory(t testing.TB, dir string, docs []*results.Document) {
	t.Helper()
	for i, d := range docs {
		name := fmt.Sprintf("%s-%s-%d", d.Started.UTC().Format("20060102T150405Z"), shortSHA(fakeCommit(i)), 9000+i)
		p := filepath.Join(dir, name, "results.json")
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := results.WriteFile(p, d); err != nil {
			t.Fatal(err)
		}
	}
}
